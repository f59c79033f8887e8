using System.Text;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>One door for every format: told by content, analysed into the CSV path's shape, rows read as the analysis read them.</summary>
public sealed class ImportFilesTests
{
    private const string TitledCsv = "Customer list\n\nName,Phone,Email\nAnn,+14155550100,ann@example.com\nBob,+14155550101,\n";

    [Fact]
    public void The_format_is_told_by_content_not_by_name()
    {
        using var workbook = TestWorkbook.Create([["Name"], ["Ann"]]);
        Assert.Equal(ImportFormats.Xlsx, ImportFiles.Detect(workbook));
        Assert.Equal(0, workbook.Position);
        Assert.Equal(ImportFormats.Xls, ImportFiles.Detect([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0]));
        Assert.Equal(ImportFormats.VCard, ImportFiles.Detect(Encoding.UTF8.GetBytes("\uFEFF\r\nbegin:vcard\r\nVERSION:3.0\r\n")));
        Assert.Equal(ImportFormats.VCard, ImportFiles.Detect(Encoding.Unicode.GetBytes("\uFEFFBEGIN:VCARD\r\n")));
        Assert.Equal(ImportFormats.Csv, ImportFiles.Detect(Encoding.UTF8.GetBytes("Name,Note\nAnn,BEGIN:VCARD\n")));
    }

    [Fact]
    public void A_csv_header_below_a_title_is_found_and_its_rows_start_below_it()
    {
        var result = Analyse(TitledCsv, ImportFormats.Csv, new SniffOptions());

        Assert.Equal(ImportFormats.Csv, result.Format);
        Assert.Equal(3, result.HeaderRow);
        Assert.True(result.HasHeader);
        Assert.Equal(["Name", "Phone", "Email"], result.Columns.Select(c => c.Header));
        Assert.Equal(2, result.DataRowCount);
        Assert.Equal(3, Assert.Single(result.Warnings, w => w.Code == SniffCodes.HeaderRowFound).Line);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(TitledCsv));
        Assert.Equal([4, 5], ImportFiles.Rows(file, result, null, result.HasHeader).Select(r => r.RowNumber));
    }

    [Theory]
    [InlineData("\n\nName,Phone\nAnn,+14155550100\n")] // blank lines alone above a header: read as always
    [InlineData("Emails\nann@example.com\nbob@example.com\n")] // one column: never re-read
    [InlineData("Name,Phone\nAnn,+14155550100\n")]
    public void A_csv_keeps_row_1_unless_a_title_stands_above_the_header(string csv)
    {
        Assert.Equal(1, Analyse(csv, ImportFormats.Csv, new SniffOptions()).HeaderRow);
    }

    [Fact]
    public void A_chosen_header_row_is_read_and_one_past_the_end_is_refused_with_the_row_count()
    {
        var chosen = Analyse(TitledCsv, ImportFormats.Csv, new SniffOptions(HeaderRow: 4));
        Assert.Equal(["Ann", "+14155550100", "ann@example.com"], chosen.Columns.Select(c => c.Header));
        Assert.Equal(1, chosen.DataRowCount);

        var noHeader = Analyse(TitledCsv, ImportFormats.Csv, new SniffOptions(HasHeader: false, HeaderRow: 3));
        Assert.Equal(1, noHeader.HeaderRow);
        Assert.Equal(4, noHeader.DataRowCount);

        var past = Analyse(TitledCsv, ImportFormats.Csv, new SniffOptions(HeaderRow: 8));
        var error = Assert.Single(past.Errors);
        Assert.Equal(SniffCodes.HeaderRowPastEnd, error.Code);
        Assert.Contains("only 5 rows", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_workbook_sheet_is_analysed_into_the_csv_shape_and_its_rows_keep_their_spreadsheet_numbers()
    {
        using var workbook = TestWorkbook.Create(
            ("Notes", [["Topic", "Owner"], ["Renewals", "Ann"]]),
            ("People", [["Exported 2024"], null, ["Name", "Phone"], ["Ann", 4155550100d], null, ["Bob", "+1 415 555 0101"]]));

        var result = ImportFiles.Analyse(workbook, ImportFormats.Xlsx, new SniffOptions(Sheet: "people"));

        Assert.Equal(["Notes", "People"], result.Sheets);
        Assert.Equal("People", result.Sheet);
        Assert.Equal(3, result.HeaderRow);
        Assert.Equal(["Name", "Phone"], result.Columns.Select(c => c.Header));
        Assert.Equal(2, result.DataRowCount);
        Assert.Equal([4], Assert.Single(result.PhonesAsNumbers!).Rows);
        Assert.Contains(result.Warnings, w => w.Code == SpreadsheetCodes.PhonesAsNumbers);
        Assert.Equal([4, 6], ImportFiles.Rows(workbook, result, null, true).Select(r => r.RowNumber));
    }

    [Fact]
    public void A_vcard_is_analysed_into_the_csv_shape_and_read_as_one_row_per_contact()
    {
        const string vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nTEL;TYPE=CELL:+1 415 555\r\n  0100\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob\r\nEMAIL:bob@example.com\r\nEND:VCARD\r\n";

        var result = Analyse(vcf, ImportFormats.VCard, new SniffOptions());

        Assert.Equal(ImportFormats.VCard, result.Format);
        Assert.Equal(["Name", "Phone (mobile)", "Email"], result.Columns.Select(c => c.Header));
        Assert.Equal(["+1 415 555 0100"], result.Columns[1].Samples);
        Assert.Equal(2, result.DataRowCount);
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(vcf));
        Assert.Equal([1, 2], ImportFiles.Rows(file, result, null, true).Select(r => r.RowNumber));
    }

    [Fact]
    public void A_workbook_read_without_a_header_reads_every_row_from_row_1_as_data_in_numbered_columns()
    {
        using var workbook = TestWorkbook.Create([["Name", "Phone"], ["Ann", "+14155550100"], null, ["Bob", 4155550101d, "bob@example.com"]]);

        // As a CSV read without a header: a chosen header row is not applied, a row that looks like a header is data.
        var result = ImportFiles.Analyse(workbook, ImportFormats.Xlsx, new SniffOptions(HasHeader: false, HeaderRow: 2));

        Assert.False(result.HasHeader);
        Assert.Equal(1, result.HeaderRow);
        Assert.Equal(["Column 1", "Column 2", "Column 3"], result.Columns.Select(c => c.Header));
        Assert.Equal(["Name", "Ann", "Bob"], result.Columns[0].Samples);
        Assert.Equal(3, result.DataRowCount);
        Assert.Single(result.Warnings, w => w.Code == SniffCodes.BlankLinesSkipped);
        Assert.DoesNotContain(result.Warnings, w => w.Code == SniffCodes.HeaderRowFound);
        workbook.Position = 0;
        var rows = ImportFiles.Rows(workbook, result, null, result.HasHeader).ToList();
        Assert.Equal([1, 2, 4], rows.Select(r => r.RowNumber));
        Assert.Equal(["Bob", "4155550101", "bob@example.com"], rows[2].Cells);
        Assert.Equal(result.DataRowCount, rows.Count);
    }

    [Fact]
    public void A_workbook_read_with_a_header_takes_its_first_row_even_when_it_holds_values()
    {
        using var workbook = TestWorkbook.Create([["Ann", "+14155550100"], ["Bob", "+14155550101"]]);

        var detected = ImportFiles.Analyse(workbook, ImportFormats.Xlsx, new SniffOptions());
        Assert.False(detected.HasHeader);
        Assert.Equal(2, detected.DataRowCount);

        workbook.Position = 0;
        var chosen = ImportFiles.Analyse(workbook, ImportFormats.Xlsx, new SniffOptions(HasHeader: true));
        Assert.True(chosen.HasHeader);
        Assert.Equal(["Ann", "+14155550100"], chosen.Columns.Select(c => c.Header));
        Assert.Equal(1, chosen.DataRowCount);
        workbook.Position = 0;
        Assert.Equal([2], ImportFiles.Rows(workbook, chosen, null, chosen.HasHeader).Select(r => r.RowNumber));
    }

    private static SniffResult Analyse(string text, string format, SniffOptions options)
    {
        using var file = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return ImportFiles.Analyse(file, format, options);
    }
}
