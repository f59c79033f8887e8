using System.Text;
using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class CsvRowsTests
{
    [Fact]
    public void Quoted_commas_and_newlines_parse()
    {
        var rows = Rows("Name,Address,Notes\n\"Lee, Ann\",\"1 Main St, Apt 2\nSan Francisco\",\"a\r\nb\"\nBob,,plain\n");

        Assert.Equal(2, rows.Count);
        Assert.Equal(["Lee, Ann", "1 Main St, Apt 2\nSan Francisco", "a\r\nb"], rows[0].Cells);
        Assert.Equal(["Bob", "", "plain"], rows[1].Cells);
    }

    [Fact]
    public void Escaped_quotes_parse()
    {
        var rows = Rows("Name,Notes\n\"Ann \"\"Nan\"\" Lee\",\"She said \"\"hi\"\"\"\n\"\"\"\",\"\"\"start\"\n");

        Assert.Equal(["Ann \"Nan\" Lee", "She said \"hi\""], rows[0].Cells);
        Assert.Equal(["\"", "\"start"], rows[1].Cells);
    }

    [Fact]
    public void Quote_inside_an_unquoted_cell_is_a_literal()
    {
        Assert.Equal(["Dan", "5\" screen", "a\"b\""], Rows("Name,Notes,X\nDan,5\" screen,a\"b\"\n")[0].Cells);
    }

    [Fact]
    public void Text_after_a_closing_quote_is_kept()
    {
        // Not RFC 4180, but what spreadsheets make of it.
        Assert.Equal(["Ann", "quotedtail"], Rows("Name,Notes\nAnn,\"quoted\"tail\n")[0].Cells);
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Crlf_lf_and_cr_all_end_records(string newline)
    {
        var rows = Rows(string.Join(newline, "Name,Email", "Ann,ann@example.com", "Bob,bob@example.com") + newline);

        Assert.Equal(["Ann", "ann@example.com"], rows[0].Cells);
        Assert.Equal(["Bob", "bob@example.com"], rows[1].Cells);
        Assert.Equal([2, 3], rows.Select(r => r.RowNumber));
    }

    [Fact]
    public void Last_record_needs_no_line_break()
    {
        Assert.Equal(["Bob", "bob@example.com"], Rows("Name,Email\nAnn,ann@example.com\nBob,bob@example.com").Last().Cells);
    }

    [Fact]
    public void Row_numbers_match_a_spreadsheet()
    {
        // Header row 1; a multi-line cell is one row; blank lines are skipped but keep their numbers.
        var rows = Rows("Name,Notes\nAnn,\"two\nlines\"\n\nBob,x\n,\nCara,y\n");

        Assert.Equal([2, 4, 6], rows.Select(r => r.RowNumber));
        Assert.Equal(["Ann", "Bob", "Cara"], rows.Select(r => r.Cells[0]));
    }

    [Fact]
    public void Headerless_rows_start_at_row_1()
    {
        var rows = Rows("Ann,ann@example.com\nBob,bob@example.com\n", hasHeader: false);

        Assert.Equal([1, 2], rows.Select(r => r.RowNumber));
        Assert.Equal("Ann", rows[0].Cells[0]);
    }

    [Fact]
    public void Raw_is_the_record_as_uploaded()
    {
        var rows = Rows("Name,Notes\r\n\"Lee, Ann\",\"say \"\"hi\"\"\r\nthen go\"\r\nBob,plain\r\n");

        Assert.Equal("\"Lee, Ann\",\"say \"\"hi\"\"\r\nthen go\"", rows[0].Raw);
        Assert.Equal("Bob,plain", rows[1].Raw);
    }

    [Fact]
    public void Bom_is_not_part_of_the_first_cell()
    {
        var bytes = (byte[])[.. Utf8Bom, .. Utf8.GetBytes("Ann,ann@example.com\n")];
        var result = Sniff(bytes);

        var row = Assert.Single(Rows(bytes, CsvSniffer.ReadingEncoding(result, null), hasHeader: false));

        Assert.Equal("Ann", row.Cells[0]);
        Assert.Equal("Ann,ann@example.com", row.Raw);
    }

    [Fact]
    public void Utf16_file_reads()
    {
        var bytes = (byte[])[.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Name\tEmail\r\nZoë\tzoe@example.com\r\n")];
        var result = Sniff(bytes);

        var row = Assert.Single(Rows(bytes, CsvSniffer.ReadingEncoding(result, null), result.Delimiter));

        Assert.Equal(["Zoë", "zoe@example.com"], row.Cells);
    }

    [Fact]
    public void Confirmed_conversion_reads_the_accents()
    {
        var bytes = Windows1252.GetBytes("Name,Notes\nJürgen Müller,“Gold” – €50\n");
        var result = Sniff(bytes, new SniffOptions(ConvertFrom: "windows-1252"));

        var row = Assert.Single(Rows(bytes, CsvSniffer.ReadingEncoding(result, "windows-1252")));

        Assert.Equal(["Jürgen Müller", "“Gold” – €50"], row.Cells);
    }

    [Fact]
    public void Invalid_utf8_throws_instead_of_garbling()
    {
        var bytes = Encoding.Latin1.GetBytes("Name\nJürgen\n");

        Assert.Throws<DecoderFallbackException>(() => Rows(bytes, StrictUtf8));
    }

    [Fact]
    public void Semicolon_and_tab_rows_split_on_their_delimiter()
    {
        Assert.Equal(["Weber; Jan", "1,50"], Rows("Name;Amount\n\"Weber; Jan\";1,50\n", ';')[0].Cells);
        Assert.Equal(["Ann", "a, b", "x;y"], Rows("Name\tTags\tNotes\nAnn\ta, b\tx;y\n", '\t')[0].Cells);
    }

    [Fact]
    public void Cells_are_not_trimmed_or_capped()
    {
        var notes = new string('x', 50_000);

        var row = Rows($"Name,Notes\n  Ann  ,{notes}\n")[0];

        Assert.Equal(["  Ann  ", notes], row.Cells);
    }

    [Fact]
    public void Rows_are_streamed_and_the_stream_left_open()
    {
        using var stream = new MemoryStream(Utf8.GetBytes(ContactsCsv(5)));

        var first = CsvRows.Read(stream, StrictUtf8, ',', hasHeader: true).First();

        Assert.Equal(2, first.RowNumber);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Missing_arguments_fail_at_the_call()
    {
        Assert.Throws<ArgumentNullException>(() => CsvRows.Read(null!, StrictUtf8, ',', true));
        Assert.Throws<ArgumentNullException>(() => CsvRows.Read(new MemoryStream(), null!, ',', true));
    }
}
