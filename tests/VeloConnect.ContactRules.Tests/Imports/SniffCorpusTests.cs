using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>Every awkward CSV of tests/corpus against its row in tests/corpus/README.md (the real-layout files: <see cref="RealLayoutCorpusTests"/>).</summary>
public sealed class SniffCorpusTests
{
    private static readonly string Folder = CorpusFiles.Folder;

    private static readonly Lazy<Dictionary<string, Expected>> Table = new(ReadTable);

    public static TheoryData<string> Files => [.. Table.Value.Keys];

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_gives_the_expected_outcome(string file)
    {
        var expected = Table.Value[file];
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));

        var result = Sniff(bytes);

        Assert.Equal(expected.Verdict, result.Encoding.Verdict);
        Assert.Equal(expected.Encoding, result.Encoding.Name);
        Assert.Equal(expected.BadLine, result.Encoding.FirstBadLine);
        Assert.Equal(expected.Delimiter, result.DelimiterName);
        Assert.Equal(expected.Header, result.HasHeader);
        Assert.Equal(expected.Rows, result.DataRowCount);
        Assert.Equal(expected.Errors, result.Errors.Select(e => e.Code));
        Assert.Equal(expected.Warnings, result.Warnings.Select(w => w.Code));
        Assert.All(result.Errors.Concat(result.Warnings).Append(new SniffProblem("encoding", result.Encoding.Message)),
            problem => Assert.False(string.IsNullOrWhiteSpace(problem.Message)));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_gives_the_same_outcome_through_the_api_entry_point(string file)
    {
        // The API tells the format by content first: a CSV goes to the same sniff; a zip or OLE signature to the
        // spreadsheet reader, which refuses a file that only starts like one.
        var expected = Table.Value[file];
        var sniff = Sniff(File.ReadAllBytes(Path.Combine(Folder, file)));

        var (format, analysis) = CorpusFiles.Analyse(file);

        Assert.Equal(expected.Format, format);
        if (format == ImportFormats.Csv)
        {
            Assert.Equal(ImportFormats.Csv, analysis.Format);
            Assert.Equal(sniff with { Format = ImportFormats.Csv, Columns = analysis.Columns, Errors = analysis.Errors, Warnings = analysis.Warnings }, analysis);
            Assert.Equal(sniff.Columns.Select(c => (c.Header, string.Join("|", c.Samples))), analysis.Columns.Select(c => (c.Header, string.Join("|", c.Samples))));
            Assert.Equal(expected.Errors, analysis.Errors.Select(e => e.Code));
            Assert.Equal(expected.Warnings, analysis.Warnings.Select(w => w.Code));
        }
        else
        {
            Assert.Equal([SpreadsheetCodes.NotSpreadsheet], analysis.Errors.Select(e => e.Code));
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Corpus_file_reads_the_same_from_a_one_way_stream(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));

        var seekable = Sniff(bytes);
        var once = SniffOnce(bytes);

        Assert.Equal(seekable.Encoding, once.Encoding);
        Assert.Equal(seekable.DataRowCount, once.DataRowCount);
        Assert.Equal(seekable.Columns.Select(c => c.Header), once.Columns.Select(c => c.Header));
        Assert.Equal(seekable.Columns.SelectMany(c => c.Samples), once.Columns.SelectMany(c => c.Samples));
        Assert.Equal(seekable.Errors, once.Errors);
        Assert.Equal(seekable.Warnings, once.Warnings);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Importable_corpus_file_reads_as_many_rows_as_the_sniff_counted(string file)
    {
        var bytes = File.ReadAllBytes(Path.Combine(Folder, file));
        var result = Sniff(bytes);
        if (!result.CanImport)
        {
            return;
        }

        var rows = Rows(bytes, CsvSniffer.ReadingEncoding(result, null), result.Delimiter, result.HasHeader, result.HeaderRow);

        Assert.Equal(result.DataRowCount, rows.Count);
        Assert.Equal(rows.Select(r => r.RowNumber).Order(), rows.Select(r => r.RowNumber));
        Assert.DoesNotContain(rows, r => r.Cells.Any(c => c.Contains('\uFFFD') || c.Contains('\uFEFF')));
    }

    [Fact]
    public void Every_corpus_file_is_in_the_table()
    {
        var files = Directory.GetFiles(Folder).Select(Path.GetFileName).Where(f => f != "README.md").Order();

        Assert.Equal(Table.Value.Keys.Concat(RealLayoutCorpusTests.Names).Order(), files);
    }

    [Fact]
    public void Corpus_stays_small()
    {
        var bytes = Directory.GetFiles(Folder).Sum(f => new FileInfo(f).Length);

        Assert.True(bytes < 3 * 1024 * 1024, $"The corpus is {bytes:N0} bytes; keep it under 3 MB (generate big files in the test).");
    }

    private sealed record Expected(
        EncodingVerdict Verdict, string Encoding, long? BadLine, string Delimiter, bool Header, int Rows, string[] Errors, string[] Warnings, string Format);

    // | `file` | Verdict | Encoding | Bad line | Delimiter | Header | Rows | Errors | Warnings | Format | What it checks |
    private static Dictionary<string, Expected> ReadTable()
    {
        var table = new Dictionary<string, Expected>(StringComparer.Ordinal);
        foreach (var cells in CorpusFiles.TableRows("Awkward CSV files"))
        {
            table.Add(cells[0].Trim('`'), new Expected(
                Enum.Parse<EncodingVerdict>(cells[1]),
                cells[2],
                cells[3] == "—" ? null : long.Parse(cells[3]),
                cells[4],
                cells[5] switch { "yes" => true, "no" => false, var other => throw new FormatException($"Header is yes or no, not '{other}'.") },
                int.Parse(cells[6]),
                Codes(cells[7]),
                Codes(cells[8]),
                cells[9]));
        }

        return table;
    }

    private static string[] Codes(string cell) => cell == "—" ? [] : [.. cell.Split(',', StringSplitOptions.TrimEntries)];
}
