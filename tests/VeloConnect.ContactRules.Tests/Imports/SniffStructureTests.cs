using System.Text.Json;
using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class SniffStructureTests
{
    [Fact]
    public void Comma_file_is_detected()
    {
        var result = Sniff("Name,Phone,Email\nAnn,+14155550100,ann@example.com\n");

        Assert.Equal(',', result.Delimiter);
        Assert.Equal("comma", result.DelimiterName);
        Assert.Equal(3, result.Columns.Count);
    }

    [Fact]
    public void Semicolon_file_is_detected()
    {
        var result = Sniff("Name;Telefon;E-Mail;Umsatz\nJürgen Müller;+49 30 1234567;j@example.de;1.234,50\nAnna;+49 40 7654321;a@example.de;99,90\n");

        Assert.Equal(';', result.Delimiter);
        Assert.Equal("semicolon", result.DelimiterName);
        Assert.Equal(["Name", "Telefon", "E-Mail", "Umsatz"], result.Columns.Select(c => c.Header));
        Assert.Equal(["1.234,50", "99,90"], result.Columns[3].Samples);
    }

    [Fact]
    public void Tab_file_is_detected()
    {
        var result = Sniff("Name\tPhone\tNotes\nAnn\t+14155550100\tlikes commas, and semicolons; too\nBob\t+14155550101\t\n");

        Assert.Equal('\t', result.Delimiter);
        Assert.Equal("tab", result.DelimiterName);
        Assert.Equal("likes commas, and semicolons; too", result.Columns[2].Samples[0]);
    }

    [Fact]
    public void Quoted_delimiters_do_not_sway_detection()
    {
        var result = Sniff("Name,Notes\n\"Lee; Ann\",\"a;b;c\"\n\"Stone; Bob\",\"d;e;f\"\n");

        Assert.Equal("comma", result.DelimiterName);
        Assert.Equal(["Lee; Ann", "Stone; Bob"], result.Columns[0].Samples);
    }

    [Theory]
    [InlineData("a,b;c\nd,e;f\n")]
    [InlineData("ann@example.com\nbob@example.com\n")]
    [InlineData("Name\n")]
    public void Ties_and_single_columns_go_to_comma(string text)
    {
        Assert.Equal(',', Sniff(text).Delimiter);
    }

    [Fact]
    public void A_chosen_delimiter_replaces_the_detected_one()
    {
        // Detected as comma (a tie); the user knows the file is semicolon-separated.
        const string text = "Name, full;Phone\nLee, Ann;+14155550100\nStone, Bob;+14155550101\n";
        Assert.Equal(',', Sniff(text).Delimiter);

        var chosen = Sniff(text, new SniffOptions(Delimiter: ';'));

        Assert.Equal((';', "semicolon"), (chosen.Delimiter, chosen.DelimiterName));
        Assert.Equal(["Name, full", "Phone"], chosen.Columns.Select(c => c.Header));
        Assert.Equal(["Lee, Ann", "Stone, Bob"], chosen.Columns[0].Samples);
    }

    [Theory]
    [InlineData("comma", ',')]
    [InlineData(" Semicolon ", ';')]
    [InlineData("TAB", '\t')]
    public void Delimiters_are_chosen_by_the_names_the_analysis_gives(string name, char expected)
    {
        Assert.True(SniffOptions.TryParseDelimiter(name, out var delimiter));
        Assert.Equal(expected, delimiter);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("pipe")]
    [InlineData(";")]
    public void Other_delimiter_names_are_not_accepted(string? name)
    {
        Assert.False(SniffOptions.TryParseDelimiter(name, out _));
    }

    [Fact]
    public void Consistent_field_count_wins_over_frequency()
    {
        // More commas than semicolons, but only the semicolon splits every row alike.
        var result = Sniff("Name;Notes\nAnn;a, b, c, d\nBob;e, f\nCara;g\n");

        Assert.Equal("semicolon", result.DelimiterName);
    }

    [Fact]
    public void Header_is_detected_when_values_below_are_emails_and_phones()
    {
        var result = Sniff("Full name,Mobile,E-mail\nAnn Lee,+1 415 555 0100,ann@example.com\n");

        Assert.True(result.HeaderDetected);
        Assert.True(result.HasHeader);
        Assert.Equal(["Full name", "Mobile", "E-mail"], result.Columns.Select(c => c.Header));
        Assert.Equal(1, result.DataRowCount);
    }

    [Fact]
    public void Headerless_file_maps_by_position()
    {
        var result = Sniff("Ann Lee,+1 415 555 0100,ann@example.com\nBob Stone,+1 415 555 0101,bob@example.com\n");

        Assert.False(result.HeaderDetected);
        Assert.False(result.HasHeader);
        Assert.Equal(["Column 1", "Column 2", "Column 3"], result.Columns.Select(c => c.Header));
        Assert.Equal([0, 1, 2], result.Columns.Select(c => c.Index));
        Assert.Equal(["Ann Lee", "Bob Stone"], result.Columns[0].Samples);
        Assert.Equal(2, result.DataRowCount);
    }

    [Theory]
    [InlineData("Name,Email\nAnn,ann@example.com\n", false, 2)]
    [InlineData("Ann,ann@example.com\nBob,bob@example.com\n", true, 1)]
    public void Header_choice_overrides_detection(string text, bool hasHeader, int rows)
    {
        var result = Sniff(text, new SniffOptions(HasHeader: hasHeader));

        Assert.Equal(!hasHeader, result.HeaderDetected);
        Assert.Equal(hasHeader, result.HasHeader);
        Assert.Equal(rows, result.DataRowCount);
        Assert.Equal(hasHeader ? "Ann" : "Column 1", result.Columns[0].Header);
    }

    [Theory]
    [InlineData("Name,City\nAnn,Paris\nBob,Rome\n", true)]          // text over text: a header by default
    [InlineData("Name,,Email\nAnn,,ann@example.com\n", true)]       // an unnamed column does not hide the header
    [InlineData("Ann,Paris\nAnn,Paris\n", true)]                    // distinct, filled-in text: still taken for a header
    [InlineData("VIP,VIP\nAnn,Bob\n", false)]                       // a repeated value is not a header
    [InlineData("Ann,,Paris\nBob,,Rome\n", false)]                  // gaps and no header words
    [InlineData("Ann,2024-01-05\nBob,2024-02-01\n", false)]         // a date in the first row
    [InlineData("Name,Amount\nAnn,12.50\n", true)]
    [InlineData("Ann,12.50\nBob,13.00\n", false)]
    public void Header_detection_follows_the_values(string text, bool header)
    {
        Assert.Equal(header, Sniff(text).HeaderDetected);
    }

    [Fact]
    public void Empty_header_cell_is_named_by_position()
    {
        var result = Sniff("Name,,Email\nAnn,x,ann@example.com\n");

        Assert.Equal(["Name", "Column 2", "Email"], result.Columns.Select(c => c.Header));
    }

    [Fact]
    public void Header_names_are_trimmed()
    {
        var result = Sniff(" Name , Email \nAnn,ann@example.com\n");

        Assert.Equal(["Name", "Email"], result.Columns.Select(c => c.Header));
    }

    [Fact]
    public void Samples_skip_blank_values_and_stop_at_the_sample_count()
    {
        var rows = string.Concat(Enumerable.Range(1, 20).Select(i => i % 2 == 0 ? $"Person {i},\n" : $"Person {i},  p{i}@example.com  \n"));
        var result = Sniff("Name,Email\n" + rows, new SniffOptions(SampleRows: 3));

        Assert.Equal(["Person 1", "Person 2", "Person 3"], result.Columns[0].Samples);
        Assert.Equal(["p1@example.com", "p3@example.com", "p5@example.com"], result.Columns[1].Samples);
    }

    [Fact]
    public void Long_samples_are_truncated()
    {
        var result = Sniff("Name,Notes\nAnn," + new string('n', 500) + "\n");

        var sample = Assert.Single(result.Columns[1].Samples);
        Assert.Equal(101, sample.Length);
        Assert.EndsWith("…", sample);
    }

    [Fact]
    public void Data_row_count_counts_records_not_lines()
    {
        var result = Sniff("Name,Notes\nAnn,\"one\ntwo\nthree\"\nBob,\"four\r\nfive\"\n");

        Assert.Equal(2, result.DataRowCount);
        Assert.Equal(["one\ntwo\nthree", "four\r\nfive"], result.Columns[1].Samples);
    }

    [Fact]
    public void Row_50001_is_refused_with_split_advice()
    {
        var result = Sniff(ContactsCsv(50_001));

        Assert.Equal(50_001, result.DataRowCount);
        var error = Assert.Single(result.Errors);
        Assert.Equal("too_many_rows", error.Code);
        Assert.Equal(
            "The file has 50,001 data rows; the limit is 50,000. Split it into files of 10,000-20,000 rows (most reliable) "
            + "or import it with the command-line importer (velo import FILE), which sends a file of any size through the Contacts API (POST /api/contacts/bulk).",
            error.Message);
    }

    [Fact]
    public void Row_50000_is_accepted()
    {
        var result = Sniff(ContactsCsv(50_000));

        Assert.Equal(50_000, result.DataRowCount);
        Assert.True(result.CanImport);
    }

    [Fact]
    public void Row_limit_comes_from_the_options()
    {
        var result = Sniff(ContactsCsv(11), new SniffOptions(MaxDataRows: 10));

        Assert.Equal("too_many_rows", Assert.Single(result.Errors).Code);
        Assert.Contains("The file has 11 data rows; the limit is 10.", result.Errors[0].Message);
    }

    [Fact]
    public void One_way_stream_is_read_once_and_gives_the_same_result()
    {
        var bytes = Utf8.GetBytes(ContactsCsv(3_000));
        using var stream = new OneWayStream(bytes);

        var once = CsvSniffer.Sniff(stream, new SniffOptions());
        var seekable = Sniff(bytes);

        Assert.Equal(bytes.Length, stream.BytesRead);
        Assert.Equal(seekable.DataRowCount, once.DataRowCount);
        Assert.Equal(seekable.Columns.SelectMany(c => c.Samples), once.Columns.SelectMany(c => c.Samples));
    }

    [Fact]
    public void Sniff_starts_at_the_streams_position_and_leaves_it_open()
    {
        var bytes = Utf8.GetBytes("junk\n" + ContactsCsv(2));
        using var stream = new MemoryStream(bytes);
        stream.Position = 5;

        var result = CsvSniffer.Sniff(stream, new SniffOptions());

        Assert.Equal("Name", result.Columns[0].Header);
        Assert.True(stream.CanRead);
    }

    [Fact]
    public void Result_survives_a_json_round_trip()
    {
        // The import keeps the analysis as JSON between the wizard's steps.
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var result = Sniff("Name;Email;Email\nAnn;a@x.com\n\n", new SniffOptions(ConvertFrom: null));

        var copy = JsonSerializer.Deserialize<SniffResult>(JsonSerializer.Serialize(result, options), options)!;

        Assert.Equal(result.Encoding, copy.Encoding);
        Assert.Equal(';', copy.Delimiter);
        Assert.Equal(result.Columns.Select(c => (c.Index, c.Header, string.Join("|", c.Samples))), copy.Columns.Select(c => (c.Index, c.Header, string.Join("|", c.Samples))));
        Assert.Equal(result.Warnings, copy.Warnings);
        Assert.Equal(result.DataRowCount, copy.DataRowCount);
        Assert.True(copy.CanImport);
    }

    [Fact]
    public void Delimiter_is_found_past_a_huge_first_cell()
    {
        var result = Sniff("Name;Notes\nAnn;\"" + new string('x', 400_000) + "\"\nBob;short\n");

        Assert.Equal("semicolon", result.DelimiterName);
        Assert.Equal(2, result.DataRowCount);
    }
}
