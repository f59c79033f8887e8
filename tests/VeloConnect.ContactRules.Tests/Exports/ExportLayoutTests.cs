using System.Text;
using System.Text.Json;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Exports;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Tests.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Exports;

public sealed class ExportLayoutTests
{
    private static readonly IReadOnlyList<FieldDefinition> Fields = MappingTestFields.All;

    private static readonly Guid Agent = Guid.Parse("5f0c1a7e-0000-4000-8000-000000000001");

    private static ExportContact Contact(string? name = "Zoë Ångström", Dictionary<string, string>? custom = null) => new(
        Guid.Parse("0b9e4c52-0000-4000-8000-000000000042"),
        new ContactData(name, ["+14155550100", "+442079460912", "+14155550101"], "zoe@example.com", ["vip", "Newsletter"],
            custom ?? new Dictionary<string, string>
            {
                ["loyalty_tier"] = "\"Gold\"",
                ["score"] = "-42",
                ["birthday"] = "\"1990-01-05\"",
                ["interests"] = "[\"Road\",\"MTB\"]",
            },
            Agent),
        "CSV import",
        new DateTimeOffset(2024, 3, 18, 12, 0, 0, TimeSpan.Zero),
        new DateTimeOffset(2024, 6, 1, 8, 30, 15, TimeSpan.FromHours(2)),
        "Ann Agent",
        new Dictionary<Channel, ExportOptIn>
        {
            [Channel.WhatsApp] = new(OptInStatus.OptedOut, new DateTimeOffset(2024, 4, 1, 0, 0, 0, TimeSpan.Zero), "replied STOP"),
            [Channel.Sms] = new(OptInStatus.OptedIn, new DateTimeOffset(2024, 4, 2, 0, 0, 0, TimeSpan.Zero), "web form"),
        });

    [Fact]
    public void Columns_are_built_ins_then_fields_in_their_order_then_audit_fields_then_one_opt_in_per_channel()
    {
        Assert.Equal(
        [
            "Name", "Phone", "Additional phones", "Email", "Tags", "Loyalty tier", "Score", "Birthday", "Favourite colour", "Interests",
            "Created", "Last activity", "Source", "Assigned agent", "WhatsApp opt-in", "SMS opt-in", "Email opt-in",
        ], ExportLayout.Columns(Fields).Select(c => c.Header));
    }

    [Fact]
    public void Cells_join_multi_values_with_commas_and_show_every_field()
    {
        var cells = ExportLayout.Cells(ExportLayout.Columns(Fields), Contact()).ToList();
        Assert.Equal(
        [
            "Zoë Ångström", "+14155550100", "+442079460912, +14155550101", "zoe@example.com", "vip, Newsletter", "Gold", "-42", "1990-01-05", "", "Road, MTB",
            "2024-03-18T12:00:00Z", "2024-06-01T06:30:15Z", "CSV import", "Ann Agent", "opted_out", "opted_in", "unknown",
        ], cells);
    }

    [Fact]
    public void Formula_like_values_are_neutralised_in_every_column()
    {
        var contact = Contact("=HYPERLINK(\"http://x\",\"y\")", new Dictionary<string, string> { ["favourite_colour"] = "\"@SUM(A1)\"", ["score"] = "3.5" });
        var cells = ExportLayout.Cells(ExportLayout.Columns(Fields), contact).ToList();
        Assert.Equal("'=HYPERLINK(\"http://x\",\"y\")", cells[0]);
        Assert.Equal("+14155550100", cells[1]);
        Assert.Equal("'@SUM(A1)", cells[8]);
        Assert.Equal("3.5", cells[6]);
    }

    [Fact]
    public void The_suggested_mapping_of_an_export_header_maps_each_column_back()
    {
        var columns = ExportLayout.Columns(Fields);
        var cells = ExportLayout.Cells(columns, Contact()).ToList();
        var suggested = MappingRules.Suggest([.. columns.Select(c => c.Header)], [.. cells.Select(c => (IReadOnlyList<string>)[c])], true, Fields);
        Assert.Equal(
        [
            ColumnTarget.Name, ColumnTarget.PrimaryPhone, ColumnTarget.AdditionalPhone, ColumnTarget.Email, ColumnTarget.Tags,
            ColumnTarget.Field("loyalty_tier"), ColumnTarget.Field("score"), ColumnTarget.Field("birthday"), ColumnTarget.Field("favourite_colour"), ColumnTarget.Field("interests"),
            ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.Ignore, ColumnTarget.Ignore,
        ], suggested);
    }

    [Fact]
    public void A_field_whose_label_another_column_answers_to_is_written_by_key_and_still_maps_back()
    {
        FieldDefinition[] fields =
        [
            new("contact_email", "Email", FieldType.Text, []),
            new("nickname", "Name", FieldType.Text, []),
            new("first", "Segment", FieldType.Text, []),
            new("second", "segment", FieldType.Text, []),
            new("wa_status", "WhatsApp opt-in", FieldType.Text, []),
            new("city", "City", FieldType.Text, []),
        ];
        var columns = ExportLayout.Columns(fields);
        var headers = columns.Select(c => c.Header).ToList();
        Assert.Equal(["field:contact_email", "field:nickname", "field:first", "field:second", "field:wa_status", "City"], headers.Skip(5).Take(6));

        var suggested = MappingRules.Suggest(headers, [.. headers.Select(_ => (IReadOnlyList<string>)[])], true, fields);
        Assert.Equal([ColumnTarget.Name, ColumnTarget.PrimaryPhone, ColumnTarget.AdditionalPhone, ColumnTarget.Email, ColumnTarget.Tags], suggested.Take(5));
        Assert.Equal([.. fields.Select(f => ColumnTarget.Field(f.Key))], suggested.Skip(5).Take(6));
        Assert.All(suggested.Skip(11), t => Assert.Equal(ColumnTarget.Ignore, t));
    }

    [Fact]
    public void An_exported_row_reads_back_as_the_same_contact_data()
    {
        var columns = ExportLayout.Columns(Fields);
        var contact = Contact("-Zoë =Ångström", new Dictionary<string, string>
        {
            ["favourite_colour"] = JsonSerializer.Serialize("=1+2"),
            ["score"] = "-42",
            ["interests"] = "[\"Road\",\"MTB\"]",
        });
        var headers = columns.Select(c => c.Header).ToList();
        var cells = ExportLayout.Cells(columns, contact).ToList();
        var mapping = new ImportMapping(MappingRules.Suggest(headers, [.. cells.Select(c => (IReadOnlyList<string>)[c])], true, Fields), true, "US");

        var read = new RowReader(mapping, headers, Fields).Read(cells);

        Assert.Empty(read.Errors);
        var input = read.Contact!;
        Assert.Equal(contact.Data.Name, input.Name);
        Assert.Equal(contact.Data.Phones, [input.PrimaryPhone!, .. input.AdditionalPhones]);
        Assert.Equal(contact.Data.Email, input.Email);
        Assert.Equal(contact.Data.Tags, input.Tags);
        Assert.Equal(contact.Data.Custom.OrderBy(p => p.Key), input.Custom.OrderBy(p => p.Key));
    }

    [Fact]
    public void Json_keeps_arrays_types_audit_fields_and_opt_ins()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            ExportJson.WriteContact(writer, Contact(), Fields);
        }

        using var document = JsonDocument.Parse(Encoding.UTF8.GetString(buffer.ToArray()));
        var root = document.RootElement;
        Assert.Equal("Zoë Ångström", root.GetProperty("name").GetString());
        Assert.Equal("+14155550100", root.GetProperty("phone").GetString());
        Assert.Equal(["+442079460912", "+14155550101"], root.GetProperty("additionalPhones").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["vip", "Newsletter"], root.GetProperty("tags").EnumerateArray().Select(e => e.GetString()));
        var custom = root.GetProperty("custom");
        Assert.Equal(-42, custom.GetProperty("score").GetDecimal());
        Assert.Equal(["Road", "MTB"], custom.GetProperty("interests").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("1990-01-05", custom.GetProperty("birthday").GetString());
        Assert.Equal(JsonValueKind.Null, custom.GetProperty("favourite_colour").ValueKind);
        Assert.Equal(new DateTimeOffset(2024, 3, 18, 12, 0, 0, TimeSpan.Zero), root.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(new DateTimeOffset(2024, 6, 1, 6, 30, 15, TimeSpan.Zero), root.GetProperty("lastActivityAt").GetDateTimeOffset());
        Assert.Equal("CSV import", root.GetProperty("source").GetString());
        Assert.Equal(Agent, root.GetProperty("assignedAgent").GetProperty("id").GetGuid());
        Assert.Equal("Ann Agent", root.GetProperty("assignedAgent").GetProperty("name").GetString());
        Assert.Equal("opted_out", root.GetProperty("optIns").GetProperty("whatsapp").GetProperty("status").GetString());
        Assert.Equal("replied STOP", root.GetProperty("optIns").GetProperty("whatsapp").GetProperty("source").GetString());
        Assert.Equal("opted_in", root.GetProperty("optIns").GetProperty("sms").GetProperty("status").GetString());
        Assert.Equal("unknown", root.GetProperty("optIns").GetProperty("email").GetProperty("status").GetString());
    }
}
