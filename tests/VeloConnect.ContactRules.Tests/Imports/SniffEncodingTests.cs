using System.Text;
using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class SniffEncodingTests
{
    private const string German = "Name,Email,City\nAnn Lee,ann@example.com,Paris\nJürgen Müller,jurgen@example.de,Köln\nZoë Brontë,zoe@example.co.uk,Haworth\n";

    [Fact]
    public void Utf8_file_is_accepted()
    {
        var result = Sniff(German);

        Assert.Equal(EncodingVerdict.Utf8, result.Encoding.Verdict);
        Assert.Equal("UTF-8", result.Encoding.Name);
        Assert.Null(result.Encoding.FirstBadLine);
        Assert.True(result.CanImport);
        Assert.Empty(result.Warnings);
        Assert.Equal(["Ann Lee", "Jürgen Müller", "Zoë Brontë"], result.Columns[0].Samples);
    }

    [Fact]
    public void Utf8_bom_is_accepted()
    {
        var result = Sniff([.. Utf8Bom, .. Utf8.GetBytes(German)]);

        Assert.Equal(EncodingVerdict.Utf8WithBom, result.Encoding.Verdict);
        Assert.Equal("UTF-8 with BOM", result.Encoding.Name);
        Assert.True(result.CanImport);
        Assert.Equal("Name", result.Columns[0].Header);
    }

    [Theory]
    [InlineData(false, "UTF-16 LE")]
    [InlineData(true, "UTF-16 BE")]
    public void Utf16_with_bom_is_read_as_utf16(bool bigEndian, string name)
    {
        var encoding = new UnicodeEncoding(bigEndian, byteOrderMark: true);
        var bytes = (byte[])[.. encoding.GetPreamble(), .. encoding.GetBytes(German.Replace(',', '\t'))];

        var result = Sniff(bytes);

        Assert.Equal(EncodingVerdict.Utf16, result.Encoding.Verdict);
        Assert.Equal(name, result.Encoding.Name);
        Assert.True(result.CanImport);
        Assert.Equal("tab", result.DelimiterName);
        Assert.Equal(["Name", "Email", "City"], result.Columns.Select(c => c.Header));
        Assert.Equal("Jürgen Müller", result.Columns[0].Samples[1]);
        var rows = Rows(bytes, CsvSniffer.ReadingEncoding(result, null), '\t');
        Assert.Equal("Köln", rows[1].Cells[2]);
    }

    [Fact]
    public void Latin1_file_is_named_and_not_imported_garbled()
    {
        var result = Sniff(Encoding.Latin1.GetBytes(German));

        Assert.Equal(EncodingVerdict.NotUtf8, result.Encoding.Verdict);
        Assert.Equal("windows-1252", result.Encoding.Name);
        Assert.Equal(3, result.Encoding.FirstBadLine);
        Assert.False(result.CanImport);
        var error = Assert.Single(result.Errors);
        Assert.Equal("not_utf8", error.Code);
        Assert.Equal(3, error.Line);
        Assert.Contains("it looks like windows-1252 (first non-UTF-8 byte on line 3)", error.Message);
        Assert.Contains("Save the file as 'CSV UTF-8'", error.Message);
        Assert.Contains("confirm the conversion from windows-1252", error.Message);
        // Nothing decoded is shown: no columns, no samples, no rows.
        Assert.Empty(result.Columns);
        Assert.Equal(0, result.DataRowCount);
        Assert.Throws<InvalidOperationException>(() => CsvSniffer.ReadingEncoding(result, null));
    }

    [Fact]
    public void First_non_utf8_byte_is_reported_by_its_line()
    {
        var bytes = new List<byte>(Utf8.GetBytes("Name,City\n"));
        for (var line = 2; line < 812; line++)
        {
            bytes.AddRange(Utf8.GetBytes($"Person {line},Zürich\n"));
        }

        bytes.AddRange(Windows1252.GetBytes("Jürgen,München\n"));

        var result = Sniff([.. bytes]);

        Assert.Equal(812, result.Encoding.FirstBadLine);
        Assert.Contains("line 812", result.Errors[0].Message);
    }

    [Fact]
    public void Line_of_a_broken_sequence_is_where_it_starts()
    {
        // "é" as windows-1252 at the end of line 2: the byte after it (the line break) is where UTF-8 notices.
        var result = Sniff([.. Utf8.GetBytes("Name\nCaf"), 0xE9, .. Utf8.GetBytes("\nBob\n")]);

        Assert.Equal(2, result.Encoding.FirstBadLine);
    }

    [Fact]
    public void Confirmed_conversion_reads_accented_names()
    {
        var bytes = Windows1252.GetBytes(German);
        var result = Sniff(bytes, new SniffOptions(ConvertFrom: "windows-1252"));

        Assert.True(result.CanImport);
        Assert.Equal(EncodingVerdict.NotUtf8, result.Encoding.Verdict);
        var warning = Assert.Single(result.Warnings);
        Assert.Equal("not_utf8", warning.Code);
        Assert.Contains("converted from windows-1252", warning.Message);
        Assert.Equal(["Ann Lee", "Jürgen Müller", "Zoë Brontë"], result.Columns[0].Samples);

        var encoding = CsvSniffer.ReadingEncoding(result, "windows-1252");
        Assert.Equal(1252, encoding.CodePage);
        Assert.Equal("Köln", Rows(bytes, encoding)[1].Cells[2]);
    }

    [Fact]
    public void Conversion_may_be_confirmed_in_another_spelling()
    {
        var result = Sniff(Windows1252.GetBytes(German), new SniffOptions(ConvertFrom: " WINDOWS-1252 "));

        Assert.True(result.CanImport);
        Assert.Equal(1252, CsvSniffer.ReadingEncoding(result, "Windows-1252").CodePage);
    }

    [Theory]
    [InlineData("windows-1251")]
    [InlineData("klingon")]
    public void Conversion_from_another_encoding_is_still_refused(string convertFrom)
    {
        var result = Sniff(Windows1252.GetBytes(German), new SniffOptions(ConvertFrom: convertFrom));

        var error = Assert.Single(result.Errors);
        Assert.Equal("not_utf8", error.Code);
        Assert.Contains($"You confirmed a conversion from '{convertFrom}'", error.Message);
        Assert.Empty(result.Columns);
        Assert.Throws<InvalidOperationException>(() => CsvSniffer.ReadingEncoding(result, convertFrom));
    }

    [Fact]
    public void Cyrillic_file_is_named_and_converts_when_confirmed()
    {
        var text = "Имя,Телефон,Город\n" + string.Concat(Enumerable.Range(0, 20).Select(i => $"Иван Петров,+7 495 100-10-{i:00},Москва\nОльга Смирнова,+7 495 200-20-{i:00},Санкт-Петербург\n"));
        var bytes = Windows1251.GetBytes(text);

        var refused = Sniff(bytes);
        Assert.Equal("windows-1251", refused.Encoding.Name);
        Assert.False(refused.CanImport);

        var converted = Sniff(bytes, new SniffOptions(ConvertFrom: "windows-1251"));
        Assert.True(converted.CanImport);
        Assert.Equal(["Имя", "Телефон", "Город"], converted.Columns.Select(c => c.Header));
    }

    [Fact]
    public void Conversion_is_not_applied_to_a_file_that_is_utf8()
    {
        var result = Sniff(German, new SniffOptions(ConvertFrom: "windows-1252"));

        Assert.Equal(EncodingVerdict.Utf8, result.Encoding.Verdict);
        Assert.True(result.CanImport);
        Assert.Empty(result.Warnings);
        Assert.Equal("Jürgen Müller", result.Columns[0].Samples[1]);
        Assert.Equal(Encoding.UTF8.CodePage, CsvSniffer.ReadingEncoding(result, "windows-1252").CodePage);
    }

    [Fact]
    public void Stale_conversion_on_a_one_way_stream_asks_to_upload_again()
    {
        var result = SniffOnce(Utf8.GetBytes(German), new SniffOptions(ConvertFrom: "windows-1252"));

        var error = Assert.Single(result.Errors);
        Assert.Equal("conversion_not_needed", error.Code);
        Assert.Contains("upload it again without confirming a conversion", error.Message);
    }

    [Fact]
    public void Ascii_file_with_a_stale_conversion_is_read_in_one_pass()
    {
        var result = SniffOnce(Utf8.GetBytes("Name,Email\nAnn,ann@example.com\n"), new SniffOptions(ConvertFrom: "windows-1252"));

        Assert.True(result.CanImport);
        Assert.Equal(EncodingVerdict.Utf8, result.Encoding.Verdict);
    }

    [Theory]
    [InlineData(new byte[] { 0xC0, 0xAF })]             // overlong "/"
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]       // overlong "/"
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // a UTF-16 surrogate
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // above U+10FFFF
    [InlineData(new byte[] { 0xF8, 0x88, 0x80, 0x80 })] // 5-byte form
    [InlineData(new byte[] { 0xE2, 0x82 })]             // cut off at the end of the file
    [InlineData(new byte[] { 0x80 })]                   // a lone continuation byte
    public void Invalid_utf8_forms_are_not_utf8(byte[] bad)
    {
        var result = Sniff([.. Utf8.GetBytes("Name,Email\nAnn,ann@example.com\nBob "), .. bad]);

        Assert.Equal(EncodingVerdict.NotUtf8, result.Encoding.Verdict);
        Assert.Equal(3, result.Encoding.FirstBadLine);
        Assert.Equal("not_utf8", result.Errors[0].Code);
    }

    [Fact]
    public void Unsure_latin_guess_falls_back_to_windows_1252()
    {
        // Short Latin-1 text is ambiguous between ISO-8859-x and windows-125x: the report falls back to windows-1252.
        var result = Sniff(Encoding.Latin1.GetBytes("Name,City\nAnn,Köln\n"));

        Assert.Equal("windows-1252", result.Encoding.Name);
    }

    [Fact]
    public void Iso_8859_1_is_named_when_the_detector_is_sure_and_converts_by_any_alias()
    {
        var bytes = Encoding.Latin1.GetBytes("Name,City\nAnn,Montréal\n");

        var result = Sniff(bytes, new SniffOptions(ConvertFrom: "latin1"));

        Assert.Equal("ISO-8859-1", result.Encoding.Name);
        Assert.True(result.CanImport);
        Assert.Equal("Montréal", Rows(bytes, CsvSniffer.ReadingEncoding(result, "iso-8859-1"))[0].Cells[1]);
    }

    [Fact]
    public void Utf8_reading_encoding_throws_rather_than_garble()
    {
        var result = Sniff(German);
        var encoding = CsvSniffer.ReadingEncoding(result, null);
        var changed = Encoding.Latin1.GetBytes(German);

        Assert.Throws<DecoderFallbackException>(() => Rows(changed, encoding));
    }

    [Fact]
    public void Encoding_messages_say_what_to_do()
    {
        Assert.Contains("nothing to change", Sniff(German).Encoding.Message);
        Assert.Contains("nothing to change", Sniff([.. Utf8Bom, .. Utf8.GetBytes(German)]).Encoding.Message);
        Assert.Contains("Save the file as 'CSV UTF-8'", Sniff(Windows1252.GetBytes(German)).Encoding.Message);
    }
}
