using System.Text;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class SpreadsheetReaderTests
{
    private static SpreadsheetAnalysis Analyze(MemoryStream file, SpreadsheetOptions? options = null)
    {
        using (file)
        {
            return SpreadsheetReader.Analyze(file, options ?? new SpreadsheetOptions());
        }
    }

    private static List<CsvRow> Rows(MemoryStream file, string? sheet, int headerRow)
    {
        using (file)
        {
            return [.. SpreadsheetReader.ReadRows(file, sheet, headerRow)];
        }
    }

    [Fact]
    public void Cells_read_as_the_user_sees_them()
    {
        object?[][] rows =
        [
            ["Name", "Phone", "Joined", "Score", "Active", "Ratio"],
            ["Ana Lima", "+1 415 555 0101", new DateTime(2024, 12, 31), 42, true, new Styled(12.5, 3)],
            ["Ben", "+1 415 555 0102", new DateTime(2024, 1, 2, 9, 30, 0), 3.25, false, new Styled(0.1, 3)],
        ];

        var analysis = Analyze(TestWorkbook.Create(rows));
        var data = Rows(TestWorkbook.Create(rows), null, 1);

        Assert.True(analysis.CanImport, string.Join(" ", analysis.Errors.Select(e => e.Message)));
        Assert.Equal(["Name", "Phone", "Joined", "Score", "Active", "Ratio"], analysis.Columns.Select(c => c.Header));
        Assert.Equal(2, analysis.DataRowCount);
        Assert.Equal(["2024-12-31", "2024-01-02 09:30"], analysis.Columns[2].Samples);
        Assert.Equal(["Ana Lima", "+1 415 555 0101", "2024-12-31", "42", "TRUE", "12.50"], data[0].Cells);
        Assert.Equal(["Ben", "+1 415 555 0102", "2024-01-02 09:30", "3.25", "FALSE", "0.10"], data[1].Cells);
        Assert.Equal([2, 3], data.Select(r => r.RowNumber));
        Assert.Empty(analysis.PhonesAsNumbers);
    }

    [Fact]
    public void Sheets_are_listed_the_first_is_read_by_default_and_another_by_name()
    {
        MemoryStream Book() => TestWorkbook.Create(
            ("Summary", [["Total"], [3]]),
            ("Contacts", [["Name", "Email"], ["Ana", "ana@example.com"], ["Ben", "ben@example.com"]]));

        var first = Analyze(Book());
        var chosen = Analyze(Book(), new SpreadsheetOptions(Sheet: "contacts"));
        var unknown = Analyze(Book(), new SpreadsheetOptions(Sheet: "People"));

        Assert.Equal(["Summary", "Contacts"], first.Sheets);
        Assert.Equal("Summary", first.Sheet);
        Assert.Equal("Contacts", chosen.Sheet);
        Assert.Equal(["Name", "Email"], chosen.Columns.Select(c => c.Header));
        Assert.Equal(2, chosen.DataRowCount);
        Assert.Equal(["Ben", "ben@example.com"], Rows(Book(), "Contacts", 1)[1].Cells);
        var error = Assert.Single(unknown.Errors);
        Assert.Equal(SpreadsheetCodes.UnknownSheet, error.Code);
        Assert.Contains("'Summary', 'Contacts'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_phone_column_excel_turned_into_numbers_is_reported_with_its_rows()
    {
        object?[][] rows =
        [
            ["Name", "Mobile Phone", "Customer ID"],
            ["Ana", 4155550101L, 10000001],
            ["Ben", "+1 415 555 0102", 10000002],
            ["Cy", new Styled(4155550103, 2), 10000003],
        ];

        var analysis = Analyze(TestWorkbook.Create(rows));
        var data = Rows(TestWorkbook.Create(rows), null, 1);

        var finding = Assert.Single(analysis.PhonesAsNumbers);
        Assert.Equal((1, "Mobile Phone", 2, 1), (finding.Column, finding.Header, finding.RowCount, finding.DigitsLostCount));
        Assert.Equal([2, 4], finding.Rows);
        Assert.Equal([4], finding.DigitsLostRows);
        Assert.Equal("4155550101", data[0].Cells[1]);
        Assert.Equal("4.16E+09", data[2].Cells[1]);
        var warning = Assert.Single(analysis.Warnings);
        Assert.Equal(SpreadsheetCodes.PhonesAsNumbers, warning.Code);
        Assert.Equal(2, warning.Line);
        Assert.Contains("'Mobile Phone' holds phone numbers that Excel stores as numbers (rows 2, 4)", warning.Message, StringComparison.Ordinal);
        Assert.Contains("Row 4 is shown in scientific notation", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Phone_length_numbers_under_an_unknown_header_count_only_beside_phones_written_as_text()
    {
        object?[][] rows = [["Name", "Contact"], ["Ana", "+44 20 7946 0958"], ["Ben", 2079460959L], ["Cy", 2079460960L]];

        var finding = Assert.Single(Analyze(TestWorkbook.Create(rows)).PhonesAsNumbers);

        Assert.Equal("Contact", finding.Header);
        Assert.Equal([3, 4], finding.Rows);
    }

    [Fact]
    public void A_title_and_blank_rows_above_the_header_are_passed_over_and_rows_keep_their_spreadsheet_numbers()
    {
        object?[]?[] rows =
        [
            ["Contacts exported 2024-12-31"],
            null,
            ["First Name", "Email"],
            ["Ana", "ana@example.com"],
            null,
            ["Ben", "ben@example.com"],
        ];

        var analysis = Analyze(TestWorkbook.Create(rows));

        Assert.Equal(3, analysis.HeaderRow.Row);
        Assert.Equal(["First Name", "Email"], analysis.Columns.Select(c => c.Header));
        Assert.Equal(2, analysis.DataRowCount);
        Assert.Equal([4, 6], Rows(TestWorkbook.Create(rows), null, analysis.HeaderRow.Row).Select(r => r.RowNumber));
        Assert.Equal(SniffCodes.BlankLinesSkipped, Assert.Single(analysis.Warnings).Code);
    }

    [Fact]
    public void A_chosen_header_row_overrides_the_proposal()
    {
        object?[][] rows = [["Name", "Email"], ["Ana", "ana@example.com"], ["Ben", "ben@example.com"]];

        var analysis = Analyze(TestWorkbook.Create(rows), new SpreadsheetOptions(HeaderRow: 2));

        Assert.Equal(["Ana", "ana@example.com"], analysis.Columns.Select(c => c.Header));
        Assert.Equal(1, analysis.DataRowCount);
    }

    [Fact]
    public void A_sheet_of_more_rows_than_the_limit_is_refused_with_the_csv_message()
    {
        var rows = new List<object?[]?> { new object?[] { "Name", "Email" } };
        rows.AddRange(Enumerable.Range(1, 30).Select(i => new object?[] { $"C{i}", $"c{i}@example.com" }));

        var analysis = Analyze(TestWorkbook.Create(rows), new SpreadsheetOptions(MaxDataRows: 25));

        var error = Assert.Single(analysis.Errors);
        Assert.Equal(SniffCodes.TooManyRows, error.Code);
        Assert.StartsWith("The file has 30 data rows; the limit is 25.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_and_header_only_sheets_are_refused()
    {
        Assert.Equal(SniffCodes.EmptyFile, Assert.Single(Analyze(TestWorkbook.Create(new List<object?[]?>())).Errors).Code);
        Assert.Equal(SniffCodes.HeaderOnly, Assert.Single(Analyze(TestWorkbook.Create([["Name", "Email"]])).Errors).Code);
    }

    [Fact]
    public void A_sheet_wider_than_the_column_limit_is_refused()
    {
        var wide = Enumerable.Range(1, CsvSniffer.MaxColumns + 1).Select(i => (object?)$"H{i}").ToArray();

        var error = Assert.Single(Analyze(TestWorkbook.Create([wide, wide])).Errors);

        Assert.Equal(SniffCodes.TooManyColumns, error.Code);
    }

    [Fact]
    public void Duplicate_header_names_are_made_unique_as_in_a_csv()
    {
        var analysis = Analyze(TestWorkbook.Create([["Email", "email", ""], ["a@example.com", "b@example.com", "x"]]));

        Assert.Equal(["Email", "email (2)", "Column 3"], analysis.Columns.Select(c => c.Header));
        var warning = Assert.Single(analysis.Warnings);
        Assert.Equal(SniffCodes.DuplicateHeaders, warning.Code);
        Assert.Contains("'Email' (columns 1 and 2)", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_spreadsheet_is_refused_with_what_to_do()
    {
        var analysis = Analyze(new MemoryStream(Encoding.UTF8.GetBytes("Name,Email\nAna,ana@example.com\n")));

        Assert.Equal(SpreadsheetCodes.NotSpreadsheet, Assert.Single(analysis.Errors).Code);
        Assert.False(SpreadsheetReader.LooksLikeSpreadsheet("Name,Email"u8));
        Assert.True(SpreadsheetReader.LooksLikeSpreadsheet(TestWorkbook.Create([["x"]]).ToArray()));
    }
}
