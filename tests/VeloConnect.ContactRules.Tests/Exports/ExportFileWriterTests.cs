using System.Text;
using System.Text.Json;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Exports;
using VeloConnect.ContactRules.Fields;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Exports;

public sealed class ExportFileWriterTests
{
    private static readonly FieldDefinition[] Fields = [new("interests", "Interests", FieldType.MultiSelect, ["Road", "MTB"])];

    private static ExportContact Contact(string name) => new(
        Guid.NewGuid(),
        new ContactData(name, ["+14155550100"], null, ["a", "b"], new Dictionary<string, string> { ["interests"] = "[\"Road\",\"MTB\"]" }, null),
        "API", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch, null, new Dictionary<Channel, ExportOptIn>());

    private static async Task<byte[]> WriteAsync(ExportFormat format, params ExportContact[] contacts)
    {
        using var stream = new MemoryStream();
        await using (var writer = ExportFileWriter.Create(format, stream, Fields))
        {
            foreach (var contact in contacts)
            {
                writer.Write(contact);
            }

            await writer.CompleteAsync();
        }

        return stream.ToArray();
    }

    [Fact]
    public async Task Csv_is_utf8_with_a_bom_a_header_row_and_crlf_records()
    {
        var bytes = await WriteAsync(ExportFormat.Csv, Contact("Zoë \"Z\" Ångström"), Contact("李小龍"));

        Assert.Equal([0xEF, 0xBB, 0xBF], bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.StartsWith("Name,Phone,Additional phones,Email,Tags,Interests,Created,", lines[0]);
        Assert.StartsWith("\"Zoë \"\"Z\"\" Ångström\",+14155550100,,,\"a, b\",\"Road, MTB\",1970-01-01T00:00:00Z,", lines[1]);
        Assert.StartsWith("李小龍,", lines[2]);
        Assert.Equal("", lines[3]);
    }

    [Fact]
    public async Task Json_is_one_array_of_objects()
    {
        using var document = JsonDocument.Parse(await WriteAsync(ExportFormat.Json, Contact("Ann"), Contact("Ben")));
        Assert.Equal(["Ann", "Ben"], document.RootElement.EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task An_empty_export_is_a_header_or_an_empty_array()
    {
        Assert.StartsWith("Name,Phone,", Encoding.UTF8.GetString((await WriteAsync(ExportFormat.Csv))[3..]));
        Assert.Equal("[]", Encoding.UTF8.GetString(await WriteAsync(ExportFormat.Json)));
    }
}
