using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

/// <summary>Undoing an import, one contact at a time: each rule of the decision on its own.</summary>
public sealed class ImportRevertTests
{
    private static readonly DateTimeOffset ImportedAt = new(2026, 11, 20, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Id = Guid.NewGuid();
    private static readonly Dictionary<Identifier, Guid> NoOwners = [];

    private static ContactData Data(string? name = "Ann", string[]? phones = null, string? email = "ann@example.com", string[]? tags = null,
        Dictionary<string, string>? custom = null, Guid? agent = null) =>
        new(name, phones ?? ["+14155550100"], email, tags ?? [], custom ?? [], agent);

    private static RevertDecision Decide(ContactData? before, ContactData after, ContactData? current, DateTimeOffset? optInSet = null,
        Dictionary<Identifier, Guid>? owners = null, OptOutView? optOuts = null) =>
        ImportRevert.Decide(new JournalEntry(Id, before, after, ImportedAt), current, optInSet, owners ?? NoOwners, optOuts ?? OptOutView.None);

    [Fact]
    public void Created_contact_unchanged_since_is_deleted()
    {
        var after = Data(tags: ["vip"]);
        Assert.Equal(RevertAction.Delete, Decide(null, after, after).Action);
    }

    [Fact]
    public void Created_contact_edited_since_is_kept_naming_the_fields()
    {
        var after = Data(tags: ["vip"]);
        var decision = Decide(null, after, after with { Name = "Ann Lee", Tags = ["vip", "called"] });

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Equal("changed since the import: name, tag 'called'", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Created_contact_with_an_opt_in_set_after_the_import_is_kept()
    {
        var after = Data();
        var decision = Decide(null, after, after, optInSet: ImportedAt.AddMinutes(5));

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Contains("opt-in or opt-out was set after the import", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Created_contact_with_an_opt_out_older_than_the_import_is_deleted()
    {
        // A retained opt-out restored when the import created the contact carries its original date: deleting the contact
        // retains it again.
        var after = Data();
        Assert.Equal(RevertAction.Delete, Decide(null, after, after, optInSet: ImportedAt.AddDays(-3)).Action);
    }

    [Fact]
    public void Created_contact_already_deleted_needs_nothing()
    {
        var decision = Decide(null, Data(), null);
        Assert.Equal(RevertAction.Nothing, decision.Action);
        Assert.Equal("already deleted", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Updated_contact_unchanged_since_gets_back_exactly_what_it_had()
    {
        var agent = Guid.NewGuid();
        var before = Data(name: "Ann", tags: ["customer"], custom: new() { ["tier"] = "\"gold\"", ["score"] = "1" }, agent: agent);
        var after = before with
        {
            Name = "Ann Lee",
            Phones = ["+14155550199", "+14155550100"],
            Email = "ann.lee@example.com",
            Tags = ["customer", "vip"],
            Custom = new Dictionary<string, string> { ["tier"] = "\"silver\"", ["score"] = "1", ["city"] = "\"Oslo\"" },
        };

        var decision = Decide(before, after, after);

        Assert.Equal(RevertAction.Restore, decision.Action);
        Assert.True(decision.Restored!.SameAs(before), "restored data equals the data before the import");
        Assert.Equal([Identifier.ForEmail("ann@example.com")], decision.Gained);
        Assert.Equal([Identifier.Phone("+14155550199"), Identifier.ForEmail("ann.lee@example.com")], decision.Freed);
    }

    [Fact]
    public void Restore_touches_only_what_the_import_changed()
    {
        var before = Data(name: "Ann", tags: ["customer"]);
        var after = before with { Tags = ["customer", "vip"] };
        // Since the import, someone renamed the contact (a part the import did not touch).
        var current = after with { Name = "Ann Lee" };

        var decision = Decide(before, after, current);

        Assert.Equal(RevertAction.Restore, decision.Action);
        Assert.Equal("Ann Lee", decision.Restored!.Name);
        Assert.Equal(["customer"], decision.Restored.Tags);
    }

    [Fact]
    public void Updated_contact_whose_changed_field_was_edited_since_is_kept_whole()
    {
        var before = Data(name: "Ann", tags: ["customer"]);
        var after = before with { Name = "Ann Lee", Tags = ["customer", "vip"] };
        // The name was edited since; the tag is still as the import left it, but the contact is not half restored.
        var decision = Decide(before, after, after with { Name = "Ann B. Lee" });

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Null(decision.Restored);
        Assert.Equal("changed since the import: name", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_contact_put_back_by_hand_needs_nothing()
    {
        var before = Data(tags: ["customer"]);
        var after = before with { Tags = ["customer", "vip"] };

        var decision = Decide(before, after, before);

        Assert.Equal(RevertAction.Nothing, decision.Action);
        Assert.Equal("already as before the import", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_tag_the_import_added_and_someone_removed_since_keeps_the_contact()
    {
        var before = Data(tags: ["customer"]);
        var tier = new Dictionary<string, string> { ["tier"] = "\"gold\"" };
        var after = before with { Tags = ["customer", "vip"], Custom = tier };

        var decision = Decide(before, after, after with { Tags = ["customer"] });

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Equal("changed since the import: tag 'vip'", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void A_custom_field_changed_since_is_named()
    {
        var before = Data(custom: new() { ["tier"] = "\"gold\"" });
        var after = before with { Custom = new Dictionary<string, string> { ["tier"] = "\"silver\"" } };

        var decision = Decide(before, after, after with { Custom = new Dictionary<string, string> { ["tier"] = "\"bronze\"" } });

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Equal("changed since the import: field 'tier'", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Updated_contact_deleted_since_is_listed()
    {
        var before = Data(tags: []);
        var decision = Decide(before, before with { Tags = ["vip"] }, null);

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Contains("deleted since the import", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void An_email_to_take_back_that_another_contact_now_owns_keeps_the_contact()
    {
        var other = Guid.NewGuid();
        var before = Data(email: "ann@example.com");
        var after = before with { Email = "ann.lee@example.com" };

        var decision = Decide(before, after, after, owners: new() { [Identifier.ForEmail("ann@example.com")] = other });

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Contains(other.ToString(), Assert.Single(decision.Reasons));
        Assert.Contains("Email ann@example.com", decision.Reasons[0]);
    }

    [Fact]
    public void An_identifier_still_owned_by_the_contact_itself_is_no_obstacle()
    {
        var before = Data(email: "ann@example.com");
        var after = before with { Email = "ann.lee@example.com" };

        var decision = Decide(before, after, after, owners: new() { [Identifier.ForEmail("ann@example.com")] = Id });

        Assert.Equal(RevertAction.Restore, decision.Action);
    }

    [Fact]
    public void An_identifier_whose_opt_out_would_change_the_contacts_consent_is_not_taken_back()
    {
        var before = Data(phones: ["+14155550100", "+14155550101"]);
        var after = before with { Phones = ["+14155550102", "+14155550100"] };
        // The old phone the restore would take back was opted out of SMS meanwhile (by a contact that held it since).
        var optOuts = new OptOutView(new Dictionary<Identifier, IReadOnlySet<Channel>> { [Identifier.Phone("+14155550101")] = new HashSet<Channel> { Channel.Sms } },
            new Dictionary<Guid, IReadOnlySet<Channel>>());
        var decision = Decide(before, after, after, optOuts: optOuts);

        Assert.Equal(RevertAction.Keep, decision.Action);
        Assert.Equal("Phone +14155550101 is opted out of sms; taking it back would opt this contact out too", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void An_identifier_carrying_only_opt_outs_the_contact_has_is_taken_back()
    {
        var before = Data(phones: ["+14155550100", "+14155550101"]);
        var after = before with { Phones = ["+14155550102", "+14155550100"] };
        // The contact was opted out of SMS while it held the old phone: the phone carries that opt-out, and nothing changes.
        var optOuts = new OptOutView(new Dictionary<Identifier, IReadOnlySet<Channel>> { [Identifier.Phone("+14155550101")] = new HashSet<Channel> { Channel.Sms } },
            new Dictionary<Guid, IReadOnlySet<Channel>> { [Id] = new HashSet<Channel> { Channel.Sms } });
        var decision = Decide(before, after, after, optOuts: optOuts);

        Assert.Equal(RevertAction.Restore, decision.Action);
        Assert.Equal([Identifier.Phone("+14155550101")], decision.Gained);
    }

    [Fact]
    public void An_import_that_changed_nothing_needs_nothing()
    {
        var before = Data(tags: ["vip"]);
        var decision = Decide(before, before, before with { Name = "Edited later" });

        Assert.Equal(RevertAction.Nothing, decision.Action);
        Assert.Equal("the import changed nothing on this contact", Assert.Single(decision.Reasons));
    }

    [Fact]
    public void Tags_compare_in_any_case_and_restore_keeps_other_tags_added_since()
    {
        var before = Data(tags: ["Customer"]);
        var after = before with { Tags = ["Customer", "VIP"] };
        var current = after with { Tags = ["Customer", "VIP", "called"] };

        var decision = Decide(before, after, current);

        Assert.Equal(RevertAction.Restore, decision.Action);
        Assert.Equal(["Customer", "called"], decision.Restored!.Tags);
    }
}
