using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class ContactEditTests
{
    private static readonly Guid AgentA = Guid.Parse("5b1e7c33-0c1a-4f0e-8d7a-3a4e9f000001");
    private static readonly Guid AgentB = Guid.Parse("5b1e7c33-0c1a-4f0e-8d7a-3a4e9f000002");

    private static readonly ContactData Existing = new(
        "Ann Lee",
        ["+14155550100", "+14155550101"],
        "ann@example.com",
        ["VIP", "newsletter"],
        new Dictionary<string, string> { ["tier"] = "\"Gold\"", ["score"] = "10" },
        AgentA);

    [Fact]
    public void Empty_edit_leaves_the_contact_as_it_is()
    {
        var edited = new ContactEdit().ApplyTo(Existing);

        Assert.True(edited.SameAs(Existing));
        Assert.Equal("Ann Lee", edited.Name);
        Assert.Equal("ann@example.com", edited.Email);
        Assert.Equal(AgentA, edited.AssignedAgentId);
    }

    [Fact]
    public void Given_name_email_and_agent_replace_the_existing_ones()
    {
        var edited = new ContactEdit(Name: "Ann Smith", Email: "ann.smith@example.com", AssignedAgentId: AgentB).ApplyTo(Existing);

        Assert.Equal("Ann Smith", edited.Name);
        Assert.Equal("ann.smith@example.com", edited.Email);
        Assert.Equal(AgentB, edited.AssignedAgentId);
        Assert.Equal(["+14155550100", "+14155550101"], edited.Phones);
    }

    [Fact]
    public void Given_phones_replace_the_existing_ones_so_a_phone_can_be_removed()
    {
        var edited = new ContactEdit(Phones: ["+442079460958", "+14155550100", "+442079460958"]).ApplyTo(Existing);

        Assert.Equal(["+442079460958", "+14155550100"], edited.Phones);
        Assert.Equal("+442079460958", edited.PrimaryPhone);
    }

    [Fact]
    public void Empty_phone_list_removes_every_phone()
    {
        var edited = new ContactEdit(Phones: []).ApplyTo(Existing);

        Assert.Empty(edited.Phones);
        Assert.Null(edited.PrimaryPhone);
    }

    [Fact]
    public void Given_tags_replace_the_existing_ones_made_distinct()
    {
        var edited = new ContactEdit(Tags: ["newsletter", " Pro ", "NEWSLETTER", ""]).ApplyTo(Existing);

        Assert.Equal(["newsletter", "Pro"], edited.Tags);
    }

    [Fact]
    public void Empty_tag_list_removes_every_tag()
    {
        Assert.Empty(new ContactEdit(Tags: []).ApplyTo(Existing).Tags);
    }

    [Fact]
    public void ClearName_removes_the_name_even_when_a_name_is_given()
    {
        Assert.Null(new ContactEdit(ClearName: true).ApplyTo(Existing).Name);
        Assert.Null(new ContactEdit(Name: "Other", ClearName: true).ApplyTo(Existing).Name);
    }

    [Fact]
    public void ClearEmail_removes_the_email_even_when_an_email_is_given()
    {
        Assert.Null(new ContactEdit(ClearEmail: true).ApplyTo(Existing).Email);
        Assert.Null(new ContactEdit(Email: "other@example.com", ClearEmail: true).ApplyTo(Existing).Email);
    }

    [Fact]
    public void ClearAssignedAgent_removes_the_agent_even_when_an_agent_is_given()
    {
        Assert.Null(new ContactEdit(ClearAssignedAgent: true).ApplyTo(Existing).AssignedAgentId);
        Assert.Null(new ContactEdit(AssignedAgentId: AgentB, ClearAssignedAgent: true).ApplyTo(Existing).AssignedAgentId);
    }

    [Fact]
    public void Clear_flags_touch_only_their_own_member()
    {
        var edited = new ContactEdit(ClearEmail: true).ApplyTo(Existing);

        Assert.Equal("Ann Lee", edited.Name);
        Assert.Equal(AgentA, edited.AssignedAgentId);
        Assert.Equal(["+14155550100", "+14155550101"], edited.Phones);
    }

    [Fact]
    public void Custom_value_overwrites_its_key_and_keeps_the_others()
    {
        var edited = new ContactEdit(Custom: new Dictionary<string, string?> { ["tier"] = "\"Silver\"", ["city"] = "\"Leeds\"" }).ApplyTo(Existing);

        Assert.Equal(3, edited.Custom.Count);
        Assert.Equal("\"Silver\"", edited.Custom["tier"]);
        Assert.Equal("10", edited.Custom["score"]);
        Assert.Equal("\"Leeds\"", edited.Custom["city"]);
    }

    [Fact]
    public void Custom_null_removes_the_key()
    {
        var edited = new ContactEdit(Custom: new Dictionary<string, string?> { ["tier"] = null, ["absent"] = null }).ApplyTo(Existing);

        Assert.Single(edited.Custom);
        Assert.False(edited.Custom.ContainsKey("tier"));
        Assert.Equal("10", edited.Custom["score"]);
    }

    [Fact]
    public void Edit_does_not_change_the_existing_contact()
    {
        _ = new ContactEdit(Phones: [], Tags: [], Custom: new Dictionary<string, string?> { ["tier"] = null }).ApplyTo(Existing);

        Assert.Equal(["+14155550100", "+14155550101"], Existing.Phones);
        Assert.Equal(["VIP", "newsletter"], Existing.Tags);
        Assert.Equal("\"Gold\"", Existing.Custom["tier"]);
    }
}
