using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class SniffProblemTests
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("\n\r\n\t \n")]
    public void Empty_file_is_refused(string text)
    {
        var result = Sniff(text);

        var error = Assert.Single(result.Errors);
        Assert.Equal("empty_file", error.Code);
        Assert.Contains("export your contacts again", error.Message);
        Assert.Empty(result.Warnings);
        Assert.Empty(result.Columns);
    }

    [Fact]
    public void File_of_only_a_bom_is_empty()
    {
        Assert.Equal("empty_file", Assert.Single(Sniff(Utf8Bom).Errors).Code);
    }

    [Fact]
    public void Header_only_file_is_refused()
    {
        var result = Sniff("Name,Phone,Email\r\n\r\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("header_only", error.Code);
        Assert.Equal(1, error.Line);
        Assert.Contains("add the contacts below the header", error.Message);
        Assert.Equal(["Name", "Phone", "Email"], result.Columns.Select(c => c.Header));
    }

    [Fact]
    public void Binary_garbage_is_refused()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);

        var result = Sniff(bytes);

        var error = Assert.Single(result.Errors);
        Assert.Equal("binary", error.Code);
        Assert.Equal(
            "This looks like a binary file (e.g. an Excel .xlsx), not CSV: export it as CSV UTF-8 from your spreadsheet program "
            + "(File > Save As > 'CSV UTF-8') and upload that file.",
            error.Message);
        Assert.Equal("binary", result.Encoding.Name);
        Assert.Empty(result.Columns);
    }

    [Theory]
    [InlineData(new byte[] { 0x50, 0x4B, 0x03, 0x04 })]                         // .xlsx, .ods (zip)
    [InlineData(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 })] // .xls (OLE)
    [InlineData(new byte[] { 0x25, 0x50, 0x44, 0x46, 0x2D })]                   // PDF
    public void Spreadsheet_and_document_signatures_are_refused(byte[] signature)
    {
        // Followed by text that would otherwise pass as CSV.
        var result = Sniff([.. signature, .. Utf8.GetBytes("Name,Email\nAnn,ann@example.com\n")]);

        Assert.Equal("binary", Assert.Single(result.Errors).Code);
    }

    [Fact]
    public void Nul_byte_is_binary()
    {
        Assert.Equal("binary", Sniff("Name,Email\nAnn\0,ann@example.com\n").Errors[0].Code);
    }

    [Fact]
    public void Stray_control_characters_are_not_binary()
    {
        // Some exports write a vertical tab for a line break inside a cell.
        var plain = string.Concat(Enumerable.Range(1, 20).Select(i => $"Person {i},plain notes\n"));
        var result = Sniff("Name,Notes\nAnn,\"first\vsecond\"\nBob,\"a\vb\"\nCara,\"c\vd\"\n" + plain);

        Assert.DoesNotContain(result.Errors, e => e.Code == "binary");
    }

    [Fact]
    public void Many_control_characters_are_binary()
    {
        var text = string.Concat(Enumerable.Range(0, 200).Select(i => $"row{i},\u0001\u0002\u0003\n"));

        Assert.Equal("binary", Sniff(text).Errors[0].Code);
    }

    [Fact]
    public void Only_delimiters_has_no_columns()
    {
        var result = Sniff(",,,\n , ,\n\"\",\"\"\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("no_columns", error.Code);
        Assert.Contains("Check that you exported the right sheet", error.Message);
    }

    [Fact]
    public void Unclosed_quote_is_refused_with_its_row()
    {
        var result = Sniff("Name,Email,Notes\nAnn,ann@example.com,ok\nBob,bob@example.com,\"never closed\nCara,cara@example.com,gone\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("unclosed_quote", error.Code);
        Assert.Equal(3, error.Line);
        Assert.Contains("starts in row 3 (line 3)", error.Message);
        Assert.Contains("Add the missing closing double quote", error.Message);
    }

    [Fact]
    public void Ragged_rows_are_warned_with_row_numbers()
    {
        var result = Sniff("Name,Phone,Email\nAnn,1,a@x.com\nBob,2\nCara,3,c@x.com,extra\nDan,4,d@x.com\nEve\n");

        Assert.True(result.CanImport);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("ragged_rows", warning.Code);
        Assert.Equal(3, warning.Line);
        Assert.Equal(
            "3 rows do not have 3 cells like the header: 2 have fewer (rows 3 and 6): their missing cells are imported as blank; "
            + "1 has more (row 4): it will be reported invalid by the import. A delimiter inside an unquoted value (e.g. a comma in an "
            + "address) usually causes this: put such values in double quotes or fix those rows and upload the file again, or continue as it is.",
            warning.Message);
    }

    [Fact]
    public void Ragged_rows_list_the_first_few_and_count_the_rest()
    {
        var rows = string.Concat(Enumerable.Range(1, 12).Select(i => $"Person {i}\n"));

        var warning = Assert.Single(Sniff("Name,Email\n" + rows).Warnings);

        Assert.Contains("12 have fewer (rows 2, 3, 4, 5, 6 and 7 more)", warning.Message);
    }

    [Fact]
    public void Ragged_rows_are_measured_against_the_first_row_without_a_header()
    {
        var warning = Assert.Single(Sniff("Ann,+14155550100,ann@example.com\nBob,+14155550101\n").Warnings);

        Assert.Contains("like the first row", warning.Message);
        Assert.Equal(2, warning.Line);
    }

    [Fact]
    public void Blank_extra_cells_are_not_ragged()
    {
        // A trailing delimiter, as some spreadsheet exports write it: the import ignores blank extra cells.
        var result = Sniff("Name,Email\nAnn,ann@example.com,\nBob,bob@example.com, ,\n");

        Assert.Empty(result.Warnings);
    }

    [Fact]
    public void Duplicate_headers_are_kept_separate_and_renamed()
    {
        var result = Sniff("Name,Email,Phone,email,EMAIL\nAnn,a@work.com,+14155550100,a@home.com,a@other.com\n");

        Assert.Equal(["Name", "Email", "Phone", "email (2)", "EMAIL (3)"], result.Columns.Select(c => c.Header));
        Assert.Equal("a@home.com", result.Columns[3].Samples[0]);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("duplicate_headers", warning.Code);
        Assert.Equal(1, warning.Line);
        Assert.Contains("'Email' (columns 2, 4 and 5)", warning.Message);
        Assert.Contains("shown as 'Email', 'email (2)' and 'EMAIL (3)'", warning.Message);
    }

    [Fact]
    public void Renamed_duplicate_does_not_collide_with_a_real_header()
    {
        var result = Sniff("Email,Email (2),Email\na@x.com,b@x.com,c@x.com\n");

        Assert.Equal(["Email", "Email (2)", "Email (3)"], result.Columns.Select(c => c.Header));
    }

    [Fact]
    public void Oversized_cell_is_warned_with_its_row()
    {
        var result = Sniff($"Name,Notes\nAnn,{new string('a', CsvSniffer.MaxCellLength)}\nBob,{new string('b', CsvSniffer.MaxCellLength + 1)}\n");

        Assert.True(result.CanImport);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("oversized_cells", warning.Code);
        Assert.Equal(3, warning.Line);
        Assert.StartsWith("1 row has a cell longer than 10,000 characters (row 3): it will be reported invalid", warning.Message);
    }

    [Fact]
    public void One_megabyte_cell_is_warned_not_held()
    {
        var result = Sniff("Name,Email,Notes\nAnn,ann@example.com,\"" + new string('x', 1024 * 1024) + "\"\nBob,bob@example.com,short\n");

        Assert.Equal(2, result.DataRowCount);
        Assert.Equal("oversized_cells", Assert.Single(result.Warnings).Code);
        Assert.Equal(101, result.Columns[2].Samples[0].Length);
    }

    [Fact]
    public void Blank_lines_are_skipped_and_not_counted()
    {
        var result = Sniff("Name,Email\n\nAnn,ann@example.com\n  \n,\nBob,bob@example.com\n\n");

        Assert.Equal(2, result.DataRowCount);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("blank_lines_skipped", warning.Code);
        Assert.Equal(2, warning.Line);
        Assert.StartsWith("4 blank lines were skipped (rows 2, 4, 5 and 7)", warning.Message);
    }

    [Fact]
    public void Single_final_line_break_is_not_a_blank_line()
    {
        Assert.Empty(Sniff("Name,Email\r\nAnn,ann@example.com\r\n").Warnings);
    }

    [Fact]
    public void Problems_combine()
    {
        var result = Sniff("Name,Email,Email\nAnn,a@x.com\n\nBob,b@x.com,c@x.com,d@x.com\n", new SniffOptions(MaxDataRows: 1));

        Assert.Equal(["too_many_rows"], result.Errors.Select(e => e.Code));
        Assert.Equal(["ragged_rows", "duplicate_headers", "blank_lines_skipped"], result.Warnings.Select(w => w.Code));
    }
}
