using System.Text;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class VCardMappingTests
{
    private static IReadOnlyList<ColumnSuggestion> Suggest(IReadOnlyList<FieldDefinition> fields, params string[] header) =>
        VCardMapping.Suggest(header, [.. header.Select(_ => (IReadOnlyList<string>)[])], fields);

    [Fact]
    public void The_read_header_of_a_file_is_pre_mapped_with_the_mobile_number_as_primary()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(
            "BEGIN:VCARD\nFN:Ana Lima\nN:Lima;Ana;;;\nTEL;TYPE=WORK:+14155550102\nTEL;TYPE=CELL:+14155550101\n"
            + "EMAIL:ana@example.com\nEMAIL;TYPE=WORK:ana@work.example\nCATEGORIES:VIP\nNOTE:n\nEND:VCARD\n"));
        var file = VCardReader.Read(stream, new SniffOptions());

        var suggestions = VCardMapping.Suggest(file.Header, [.. file.Header.Select(_ => (IReadOnlyList<string>)[])], []);

        Assert.Equal(["Name", "First Name", "Last Name", "Phone (work)", "Phone (mobile)", "Email", "Email (work)", "Categories", "Note"], file.Header);
        Assert.Equal(
            [ColumnTarget.Name, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.AdditionalPhone, ColumnTarget.PrimaryPhone,
                ColumnTarget.Email, ColumnTarget.Ignore, ColumnTarget.Tags, ColumnTarget.Ignore],
            suggestions.Select(s => s.Target));
        Assert.Contains("'Name' column already holds", suggestions[1].Note, StringComparison.Ordinal);
        Assert.Contains("'Email' is suggested as Email", suggestions[6].Note, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_mobile_column_the_first_phone_that_is_not_a_fax_is_primary()
    {
        var targets = Suggest([], "Phone (work fax)", "Phone (home)", "Phone").Select(s => s.Target);

        Assert.Equal([ColumnTarget.AdditionalPhone, ColumnTarget.PrimaryPhone, ColumnTarget.AdditionalPhone], targets);
    }

    [Fact]
    public void Numbered_columns_of_one_kind_are_the_same_kind()
    {
        var targets = Suggest([], "Phone", "Phone 2", "Email", "Email 2").Select(s => s.Target);

        Assert.Equal([ColumnTarget.PrimaryPhone, ColumnTarget.AdditionalPhone, ColumnTarget.Email, ColumnTarget.Ignore], targets);
    }

    [Fact]
    public void Name_parts_are_offered_when_there_is_no_name_column()
    {
        var suggestions = Suggest([], "First Name", "Last Name", "Phone");

        Assert.Null(suggestions[1].Note);
        Assert.Equal(ColumnTarget.PrimaryPhone, suggestions[2].Target);
    }

    [Fact]
    public void Other_columns_take_a_custom_field_of_their_name_and_are_otherwise_not_imported()
    {
        var organization = new FieldDefinition("organization", "Organization", FieldType.Text, []);

        var targets = Suggest([organization, MappingTestFields.Birthday], "Name", "Phone", "Organization", "Birthday", "Website").Select(s => s.Target);

        Assert.Equal([ColumnTarget.Name, ColumnTarget.PrimaryPhone, ColumnTarget.Field("organization"), ColumnTarget.Field("birthday"), ColumnTarget.Ignore], targets);
    }
}
