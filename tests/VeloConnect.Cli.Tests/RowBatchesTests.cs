using System.Text;
using System.Text.Json;
using VeloConnect.Client;
using VeloConnect.Cli.Api;
using VeloConnect.Cli.Imports;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class RowBatchesTests
{
    private static readonly ImportMapping Mapping = new([ColumnTarget.Name, ColumnTarget.PrimaryPhone, ColumnTarget.Email], HasHeader: true, "US");
    private static readonly string[] Headers = ["Name", "Phone", "Email"];

    private static List<RowBatch> Batches(string csv, int batchRows, ImportMapping? mapping = null)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(csv));
        return [.. RowBatches.Read(stream, Encoding.UTF8, ',', mapping ?? Mapping, Headers, [], batchRows)];
    }

    [Fact]
    public void Rows_are_numbered_as_the_wizard_numbers_them_and_cut_into_batches()
    {
        var batches = Batches("Name,Phone,Email\r\nAnn,+14155550100,\r\n\r\nBob,+14155550101,\r\n\"Cy\nline two\",+14155550102,\r\nDee,+14155550103,\r\n", 2);

        Assert.Equal(2, batches.Count);
        Assert.Equal([2, 4], batches[0].Rows.Select(r => r.Row.RowNumber));
        // The blank line 3 keeps its number; a quoted line break does not start a row.
        Assert.Equal([5, 6], batches[1].Rows.Select(r => r.Row.RowNumber));
        Assert.Equal((0, 2, 2), (batches[0].RowsBefore, batches[0].RowsThrough, batches[0].FirstRow));
        Assert.Equal((2, 4, 5), (batches[1].RowsBefore, batches[1].RowsThrough, batches[1].FirstRow));
        Assert.Equal("\"Cy\nline two\",+14155550102,", batches[1].Rows[0].Row.Raw);
    }

    [Fact]
    public void Without_a_header_the_first_line_is_row_one()
    {
        var batches = Batches("Ann,+14155550100,\nBob,+14155550101,\n", 10, Mapping with { HasHeader = false });

        Assert.Equal([1, 2], batches.Single().Rows.Select(r => r.Row.RowNumber));
    }

    [Fact]
    public void A_row_repeating_a_phone_or_email_of_an_earlier_batch_names_that_row()
    {
        var csv = """
            Name,Phone,Email
            Ann,(415) 555-0100,ann@example.com
            Bad,not a phone,
            Bob,+1 415 555 0101,
            Ann again,+14155550100,
            Other,+14155550109,ANN@example.com
            Bad again,not a phone,
            """;

        var rows = Batches(csv, 2).SelectMany(b => b.Rows).ToList();

        Assert.Equal([null, null, null, 2, 2, null], rows.Select(r => r.DuplicateOf));
    }

    [Fact]
    public void The_body_is_the_rows_as_parsed_with_duplicateOf_only_where_set_and_the_same_bytes_every_time()
    {
        var batch = Batches("Name,Phone,Email\n\"Lee, Ann\",+14155550100,\nAnn 2,+14155550100,\n", 10).Single();

        var body = JsonSerializer.SerializeToUtf8Bytes(batch.Body(), VeloApiClient.Json);

        Assert.Equal(body, JsonSerializer.SerializeToUtf8Bytes(batch.Body(), VeloApiClient.Json));
        Assert.Equal("""[{"row":2,"cells":["Lee, Ann","+14155550100",""]},{"row":3,"cells":["Ann 2","+14155550100",""],"duplicateOf":2}]""", Encoding.UTF8.GetString(body));
        var rows = JsonSerializer.Deserialize<ImportRowDoc[]>(body, VeloApiClient.Json)!;
        Assert.Equal(2, rows[1].DuplicateOf);
    }

    [Fact]
    public void A_custom_field_value_that_does_not_fit_makes_the_row_invalid_so_it_registers_no_identifier()
    {
        var mapping = new ImportMapping([ColumnTarget.PrimaryPhone, ColumnTarget.Field("score")], HasHeader: true, "US");
        var fields = RowBatches.Fields([new FieldResponse { Key = "score", Label = "Score", Type = "number", Options = [] }]);
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("Phone,Score\n+14155550100,lots\n+14155550100,3\n"));

        var rows = RowBatches.Read(stream, Encoding.UTF8, ',', mapping, ["Phone", "Score"], fields, 10).SelectMany(b => b.Rows).ToList();

        Assert.Equal([null, null], rows.Select(r => r.DuplicateOf));
    }

    [Theory]
    [InlineData("text", FieldType.Text)]
    [InlineData("single_select", FieldType.SingleSelect)]
    [InlineData("multi_select", FieldType.MultiSelect)]
    [InlineData("boolean", FieldType.Boolean)]
    public void Field_types_are_read_as_the_api_spells_them(string type, FieldType expected)
    {
        Assert.Equal(expected, RowBatches.Fields([new FieldResponse { Key = "k", Label = "K", Type = type, Options = null! }]).Single().Type);
    }
}
