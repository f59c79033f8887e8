using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>Issue 12's mapping: name parts combined, a separator per Tags column, known sources' conventions in the proposal.</summary>
public sealed class MappingRealWorldTests
{
    private static readonly ColumnTarget Name = ColumnTarget.Name;
    private static readonly ColumnTarget Phone = ColumnTarget.PrimaryPhone;
    private static readonly ColumnTarget Tags = ColumnTarget.Tags;

    private static IReadOnlyList<IReadOnlyList<string>> Columns(params string[][] rows) =>
        [.. Enumerable.Range(0, rows[0].Length).Select(c => (IReadOnlyList<string>)[.. rows.Select(r => r[c])])];

    private static MappingProposal Propose(string[] headers, params string[][] rows) =>
        MappingProposals.Suggest(headers, Columns(rows), hasHeader: true, MappingTestFields.All, "US");

    [Fact]
    public void A_vcard_is_pre_mapped_by_its_own_conventions_and_told_as_a_vcard()
    {
        string[] headers = ["Name", "First Name", "Last Name", "Phone (work)", "Phone (mobile)", "Email (home)", "Categories"];
        var rows = Columns(["Ann Lee", "Ann", "Lee", "+14155550101", "+14155550102", "ann@example.com", "VIP,Pro"]);

        var proposal = MappingProposals.Suggest(headers, rows, hasHeader: true, MappingTestFields.All, "US", ImportFormats.VCard);

        Assert.Equal([Name, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.AdditionalPhone, Phone, ColumnTarget.Email, Tags], proposal.Mapping.Columns);
        Assert.Equal("vCard", proposal.KnownSource);
        Assert.Contains("vCard", proposal.KnownSourceMessage);
    }

    [Fact]
    public void Several_name_columns_are_joined_with_a_space_in_column_order_and_blanks_are_skipped()
    {
        var mapping = new ImportMapping([Name, Name, Name, Phone], true, "US");
        var reader = new RowReader(mapping, ["First Name", "Middle Name", "Last Name", "Phone"], []);

        Assert.Equal("Ann Lee", reader.Read(["Ann", " ", "Lee", "+14155550100"]).Contact!.Name);
        Assert.Equal("Ann B. Lee", reader.Read([" Ann ", "B.", "Lee ", "+14155550100"]).Contact!.Name);
        Assert.Null(reader.Read(["", "", "", "+14155550100"]).Contact!.Name);
    }

    [Theory]
    [InlineData(";", "Pro;Wholesale", new[] { "Pro", "Wholesale" })]
    [InlineData("|", "a | b|a", new[] { "a", "b" })]
    [InlineData(" ::: ", "* myContacts ::: VIP ::: * starred", new[] { "VIP" })]
    [InlineData(",", "x, y", new[] { "x", "y" })]
    public void A_tags_column_is_split_on_its_separator_and_system_groups_are_left_out(string separator, string cell, string[] expected)
    {
        var mapping = new ImportMapping([Phone, Tags], true, "US") { Separators = [null, separator] };

        Assert.Equal(expected, new RowReader(mapping, ["Phone", "Tags"], []).Read(["+14155550100", cell]).Contact!.Tags);
    }

    [Fact]
    public void Without_a_separator_tags_split_on_commas_and_colons_as_before()
    {
        var mapping = new ImportMapping([Phone, Tags], true, "US");

        Assert.Equal(["* myContacts", "VIP", "Pro;Wholesale"], new RowReader(mapping, ["Phone", "Tags"], []).Read(["+14155550100", "* myContacts ::: VIP, Pro;Wholesale"]).Contact!.Tags);
    }

    [Fact]
    public void A_separator_must_be_a_known_one_on_a_tags_column()
    {
        var mapping = new ImportMapping([Phone, Tags, Name], true, "US") { Separators = [null, "/", ";"] };

        var errors = MappingRules.Validate(mapping, 3, MappingTestFields.All);

        Assert.Contains("is not a separator", Assert.Single(errors["separators[1]"]));
        Assert.Contains("Only a Tags column takes a separator", Assert.Single(errors["separators[2]"]));
    }

    [Fact]
    public void First_and_last_name_columns_are_combined_when_no_full_name_holds_values()
    {
        var proposal = Propose(["First Name", "Last Name", "Phone"], ["Ann", "Lee", "+14155550100"]);
        Assert.Equal([Name, Name, Phone], proposal.Mapping.Columns);
        Assert.Null(proposal.KnownSource);

        var emptyFullName = Propose(["Full name", "First Name", "Last Name", "Phone"], ["", "Ann", "Lee", "+14155550100"]);
        Assert.Equal([ColumnTarget.Ignore, Name, Name, Phone], emptyFullName.Mapping.Columns);

        var fullName = Propose(["Full name", "First Name", "Last Name", "Phone"], ["Ann Lee", "Ann", "Lee", "+14155550100"]);
        Assert.Equal([Name, ColumnTarget.Ignore, ColumnTarget.Ignore, Phone], fullName.Mapping.Columns);
    }

    [Fact]
    public void An_outlook_export_gets_its_conventions_and_says_so()
    {
        string[] headers = ["First Name", "Middle Name", "Last Name", "E-mail Address", "Primary Phone", "Mobile Phone", "Business Phone", "Categories"];

        var proposal = Propose(headers,
            ["Ann", "", "Lee", "ann@example.com", "", "+14155550100", "+14155550101", "Pro;Wholesale"],
            ["Bob", "J", "Stone", "bob@example.com", "", "+14155550102", "", "Pro"]);

        Assert.Equal([Name, Name, Name, ColumnTarget.Email, ColumnTarget.AdditionalPhone, Phone, ColumnTarget.AdditionalPhone, Tags], proposal.Mapping.Columns);
        Assert.Equal(";", proposal.Mapping.SeparatorOf(7));
        Assert.Equal("Outlook", proposal.KnownSource);
        Assert.StartsWith("Looks like an Outlook export", proposal.KnownSourceMessage);
        var contact = new RowReader(proposal.Mapping, headers, []).Read(["Ann", "", "Lee", "ann@example.com", "", "+14155550100", "+14155550101", "Pro;Wholesale"]).Contact!;
        Assert.Equal(("Ann Lee", "+14155550100"), (contact.Name, contact.PrimaryPhone));
        Assert.Equal(["Pro", "Wholesale"], contact.Tags);
    }

    [Fact]
    public void A_google_export_splits_groups_on_its_separator_and_the_user_is_told_what_is_left_out()
    {
        var proposal = Propose(["Name", "Given Name", "Family Name", "Group Membership", "E-mail 1 - Value", "Phone 1 - Value"],
            ["Ann Lee", "Ann", "Lee", "* myContacts ::: VIP", "ann@example.com", "+14155550100"]);

        Assert.Equal("Google Contacts", proposal.KnownSource);
        Assert.Equal(Tags, proposal.Mapping.Columns[3]);
        Assert.Equal(" ::: ", proposal.Mapping.SeparatorOf(3));
        Assert.Contains("'* myContacts'", Assert.Single(proposal.Notes));
    }

    [Fact]
    public void A_request_without_separators_gets_the_ones_its_tags_columns_use()
    {
        var separators = MappingProposals.Separators([Phone, Tags, Tags], [null, null, "|"], Columns(["+14155550100", "a;b", "c"]));

        Assert.Equal([null, ";", "|"], separators);
        Assert.Null(MappingProposals.Separators([Phone, Name], null, Columns(["+14155550100", "Ann"])));
    }
}
