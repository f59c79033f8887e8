using VeloConnect.ContactRules.Contacts;
using Xunit;
using static VeloConnect.ContactRules.Tests.Inputs;

namespace VeloConnect.ContactRules.Tests;

/// <summary>Consent per address: the derived status, and the warnings of a contact that takes an opted-out address.</summary>
public sealed class ConsentTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid AnnId = Guid.Parse("7c2d5e10-4b8a-4f3e-9a61-2e8f0c000001");
    private static readonly Identifier OldEmail = Identifier.ForEmail("old.optout@x.com");
    private static readonly Identifier Phone = Identifier.Phone("+14155550777");

    private static ChannelConsent Out(int day, string source) => new(OptInStatus.OptedOut, Monday.AddDays(day), source, null);

    [Fact]
    public void Unknown_without_any_record()
    {
        Assert.Null(Consent.Effective(null, []));
    }

    [Fact]
    public void Own_opt_in_holds_while_no_address_is_opted_out()
    {
        var own = new ChannelConsent(OptInStatus.OptedIn, Monday, "web form", null);
        Assert.Equal(own, Consent.Effective(own, []));
    }

    [Fact]
    public void An_address_opt_out_wins_over_an_opt_in_and_the_latest_is_shown()
    {
        var own = new ChannelConsent(OptInStatus.OptedIn, Monday.AddDays(5), "web form", null);

        var effective = Consent.Effective(own, [Out(1, "replied STOP"), Out(3, "unsubscribe link"), Out(2, "complaint")]);

        Assert.Equal(Out(3, "unsubscribe link"), effective);
    }

    [Fact]
    public void The_contacts_own_opt_out_is_shown_before_its_addresses()
    {
        var own = Out(0, "asked by phone");
        Assert.Equal(own, Consent.Effective(own, [Out(4, "unsubscribe link")]));
    }

    [Fact]
    public void Taking_an_opted_out_address_warns_naming_the_address_and_only_the_new_channels()
    {
        var warnings = Consent.TakeWarnings(new HashSet<Channel> { Channel.Sms },
            [(OldEmail, new HashSet<Channel> { Channel.Sms, Channel.Email }), (Phone, new HashSet<Channel> { Channel.Sms })]);

        var warning = Assert.Single(warnings);
        Assert.StartsWith("Email old.optout@x.com is opted out of email: this contact is now opted out of email too.", warning);
    }

    [Fact]
    public void A_batch_warns_the_contact_that_takes_an_email_another_input_freed()
    {
        // The reported hole in one batch: A's email is replaced, a later input takes the old one.
        var owners = new Dictionary<Identifier, Guid> { [Phone] = AnnId, [OldEmail] = AnnId };
        var stored = new Dictionary<Guid, ContactData> { [AnnId] = new("A", [Phone.Key], "old.optout@x.com", [], new Dictionary<string, string>(), null) };
        var consent = new ConsentTracker(new OptOutView(
            new Dictionary<Identifier, IReadOnlySet<Channel>> { [OldEmail] = new HashSet<Channel> { Channel.Email }, [Phone] = new HashSet<Channel> { Channel.Email } },
            new Dictionary<Guid, IReadOnlySet<Channel>> { [AnnId] = new HashSet<Channel> { Channel.Email } }));
        var matcher = new ContactMatcher(owners, stored, consent);
        var newId = Guid.NewGuid();

        var replaced = matcher.Apply(Input(primaryPhone: Phone.Key, email: "new.address@x.com"), Guid.NewGuid);
        var taken = matcher.Apply(Input(name: "Someone new", email: "OLD.optout@x.com"), () => newId);

        // A was opted out already: its new address takes the opt-out silently; the newcomer is warned.
        Assert.Empty(replaced.Warnings);
        Assert.True(taken.IsNew);
        Assert.Contains("Email old.optout@x.com is opted out of email", Assert.Single(taken.Warnings));
    }

    [Fact]
    public void An_address_gained_while_opted_out_carries_the_opt_out_to_the_next_contact_in_the_batch()
    {
        var consent = new ConsentTracker(new OptOutView(new Dictionary<Identifier, IReadOnlySet<Channel>>(),
            new Dictionary<Guid, IReadOnlySet<Channel>> { [AnnId] = new HashSet<Channel> { Channel.WhatsApp } }));
        var extra = Identifier.ForEmail("extra@x.com");

        Assert.Empty(consent.Apply(AnnId, [Phone], [Phone, extra]));
        // Ann lets the email go; whoever takes it next is opted out of WhatsApp.
        Assert.Empty(consent.Apply(AnnId, [Phone, extra], [Phone]));
        var other = Guid.NewGuid();

        var warning = Assert.Single(consent.Apply(other, [], [extra]));
        Assert.StartsWith("Email extra@x.com is opted out of whatsapp", warning);
        Assert.Empty(consent.Apply(other, [extra], [extra, Identifier.Phone("+14155550999")]));
    }
}
