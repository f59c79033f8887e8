using VeloConnect.ContactRules.Contacts;
using Xunit;
using static VeloConnect.ContactRules.Tests.Inputs;

namespace VeloConnect.ContactRules.Tests;

public sealed class ContactMergeTests
{
    private static readonly Guid AgentA = Guid.Parse("0d9f4a52-79a4-4cb4-9c37-5d1c2bd10001");
    private static readonly Guid AgentB = Guid.Parse("0d9f4a52-79a4-4cb4-9c37-5d1c2bd10002");

    private static readonly ContactData Existing = new(
        "Ann Lee",
        ["+14155550100", "+14155550101"],
        "ann@example.com",
        ["VIP", "newsletter"],
        new Dictionary<string, string> { ["tier"] = "\"Gold\"", ["score"] = "10" },
        AgentA);

    [Fact]
    public void Given_fields_overwrite_the_existing_values()
    {
        var merged = ContactMerge.Apply(Existing, Input(name: "Ann Smith", email: "ann.smith@example.com", agent: AgentB));

        Assert.Equal("Ann Smith", merged.Name);
        Assert.Equal("ann.smith@example.com", merged.Email);
        Assert.Equal(AgentB, merged.AssignedAgentId);
    }

    [Fact]
    public void Blank_input_keeps_every_existing_value()
    {
        var merged = ContactMerge.Apply(Existing, Input());

        Assert.True(merged.SameAs(Existing));
        Assert.Equal("Ann Lee", merged.Name);
        Assert.Equal(["+14155550100", "+14155550101"], merged.Phones);
        Assert.Equal("ann@example.com", merged.Email);
        Assert.Equal(["VIP", "newsletter"], merged.Tags);
        Assert.Equal(AgentA, merged.AssignedAgentId);
    }

    [Fact]
    public void Fields_not_given_keep_their_value_while_given_ones_change()
    {
        var merged = ContactMerge.Apply(Existing, Input(email: "new@example.com"));

        Assert.Equal("Ann Lee", merged.Name);
        Assert.Equal("new@example.com", merged.Email);
        Assert.Equal(AgentA, merged.AssignedAgentId);
    }

    [Fact]
    public void Tags_are_added_never_replaced()
    {
        var merged = ContactMerge.Apply(Existing, Input(tags: ["pro", "vip", "Beta"]));

        Assert.Equal(["VIP", "newsletter", "pro", "Beta"], merged.Tags);
    }

    [Fact]
    public void Additional_phones_are_added_after_the_existing_ones()
    {
        var merged = ContactMerge.Apply(Existing, Input(additionalPhones: ["+442079460958"]));

        Assert.Equal(["+14155550100", "+14155550101", "+442079460958"], merged.Phones);
        Assert.Equal("+14155550100", merged.PrimaryPhone);
    }

    [Fact]
    public void New_primary_phone_becomes_primary_and_the_old_primary_is_kept()
    {
        var merged = ContactMerge.Apply(Existing, Input(primaryPhone: "+442079460958"));

        Assert.Equal(["+442079460958", "+14155550100", "+14155550101"], merged.Phones);
        Assert.Equal("+442079460958", merged.PrimaryPhone);
    }

    [Fact]
    public void An_existing_additional_phone_given_as_primary_moves_to_the_front_without_duplicating()
    {
        var merged = ContactMerge.Apply(Existing, Input(primaryPhone: "+14155550101"));

        Assert.Equal(["+14155550101", "+14155550100"], merged.Phones);
    }

    [Fact]
    public void Phones_already_on_the_contact_are_not_duplicated()
    {
        var merged = ContactMerge.Apply(
            Existing,
            Input(primaryPhone: "+14155550100", additionalPhones: ["+14155550101", "+442079460958", "+442079460958", "+14155550100"]));

        Assert.Equal(["+14155550100", "+14155550101", "+442079460958"], merged.Phones);
    }

    [Fact]
    public void Merging_into_an_empty_contact_takes_the_inputs_phones_in_order()
    {
        var merged = ContactMerge.Apply(ContactData.Empty, Input(primaryPhone: "+14155550100", additionalPhones: ["+442079460958"]));

        Assert.Equal(["+14155550100", "+442079460958"], merged.Phones);
    }

    [Fact]
    public void Custom_values_overwrite_per_key_and_keep_the_others()
    {
        var merged = ContactMerge.Apply(
            Existing,
            Input(custom: new Dictionary<string, string> { ["tier"] = "\"Silver\"", ["city"] = "\"Leeds\"" }));

        Assert.Equal(3, merged.Custom.Count);
        Assert.Equal("\"Silver\"", merged.Custom["tier"]);
        Assert.Equal("10", merged.Custom["score"]);
        Assert.Equal("\"Leeds\"", merged.Custom["city"]);
    }

    [Fact]
    public void Merge_does_not_change_the_existing_contact()
    {
        _ = ContactMerge.Apply(
            Existing,
            Input(primaryPhone: "+442079460958", tags: ["new"], custom: new Dictionary<string, string> { ["tier"] = "\"Silver\"" }));

        Assert.Equal(["+14155550100", "+14155550101"], Existing.Phones);
        Assert.Equal(["VIP", "newsletter"], Existing.Tags);
        Assert.Equal("\"Gold\"", Existing.Custom["tier"]);
    }

    [Fact]
    public void Merging_the_same_input_twice_changes_nothing_the_second_time()
    {
        var input = Input(name: "Ann", primaryPhone: "+442079460958", tags: ["pro"], custom: new Dictionary<string, string> { ["tier"] = "\"Silver\"" });

        var once = ContactMerge.Apply(Existing, input);
        var twice = ContactMerge.Apply(once, input);

        Assert.True(twice.SameAs(once));
    }

    [Fact]
    public void Without_a_phone_drops_only_that_phone()
    {
        var merged = ContactMerge.Apply(Existing, Input(primaryPhone: "+442079460958"));

        var result = ContactMerge.Without(merged, Identifier.Phone("+442079460958"), Existing);

        Assert.Equal(["+14155550100", "+14155550101"], result.Phones);
        Assert.Equal("ann@example.com", result.Email);
    }

    [Fact]
    public void Without_an_email_falls_back_to_the_previous_email()
    {
        var merged = ContactMerge.Apply(Existing, Input(email: "taken@example.com", name: "Ann Smith"));

        var result = ContactMerge.Without(merged, Identifier.ForEmail("taken@example.com"), Existing);

        Assert.Equal("ann@example.com", result.Email);
        Assert.Equal("Ann Smith", result.Name);
        Assert.Equal(["+14155550100", "+14155550101"], result.Phones);
    }

    [Fact]
    public void Without_an_email_on_a_new_contact_leaves_no_email()
    {
        var created = ContactMerge.Apply(ContactData.Empty, Input(primaryPhone: "+14155550100", email: "taken@example.com"));

        var result = ContactMerge.Without(created, Identifier.ForEmail("taken@example.com"), ContactData.Empty);

        Assert.Null(result.Email);
        Assert.Equal(["+14155550100"], result.Phones);
    }

    [Fact]
    public void Input_identifiers_are_in_match_order_phones_first_then_the_email_key()
    {
        var input = Input(primaryPhone: "+14155550100", additionalPhones: ["+442079460958"], email: "Ann@Example.com");

        Assert.Equal(
            [Identifier.Phone("+14155550100"), Identifier.Phone("+442079460958"), new Identifier(IdentifierKind.Email, "ann@example.com")],
            input.IdentifiersInMatchOrder());
        Assert.True(input.HasIdentifier);
    }

    [Fact]
    public void Input_without_phone_or_email_has_no_identifier()
    {
        var input = Input(name: "Ann", tags: ["vip"]);

        Assert.Empty(input.IdentifiersInMatchOrder());
        Assert.False(input.HasIdentifier);
    }

    [Fact]
    public void Contact_identifiers_are_every_phone_and_the_email_key()
    {
        Assert.Equal(
            [Identifier.Phone("+14155550100"), Identifier.Phone("+14155550101"), Identifier.ForEmail("ann@example.com")],
            Existing.Identifiers());
    }

    [Fact]
    public void SameAs_notices_a_changed_custom_value()
    {
        var changed = Existing with { Custom = new Dictionary<string, string> { ["tier"] = "\"Gold\"", ["score"] = "11" } };

        Assert.False(changed.SameAs(Existing));
        Assert.True((Existing with { Custom = new Dictionary<string, string>(Existing.Custom) }).SameAs(Existing));
    }
}
