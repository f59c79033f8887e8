using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>Every file of tests/corpus against its row in tests/corpus/README.md.</summary>
public sealed class SniffCorpusTests
{
    private static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "corpus");

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
        var files = Directory.GetFiles(Folder, "*.csv").Select(Path.GetFileName).Order();

        Assert.Equal(Table.Value.Keys.Order(), files);
    }

    [Fact]
    public void Corpus_stays_small()
    {
        var bytes = Directory.GetFiles(Folder).Sum(f => new FileInfo(f).Length);

        Assert.True(bytes < 3 * 1024 * 1024, $"The corpus is {bytes:N0} bytes; keep it under 3 MB (generate big files in the test).");
    }

    private sealed record Expected(
        EncodingVerdict Verdict, string Encoding, long? BadLine, string Delimiter, bool Header, int Rows, string[] Errors, string[] Warnings);

    // | `file` | Verdict | Encoding | Bad line | Delimiter | Header | Rows | Errors | Warnings | What it checks |
    private static Dictionary<string, Expected> ReadTable()
    {
        var table = new Dictionary<string, Expected>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Folder, "README.md")).Where(l => l.StartsWith("| `", StringComparison.Ordinal)))
        {
            var cells = line.Split('|').Skip(1).Select(c => c.Trim()).ToArray();
            table.Add(cells[0].Trim('`'), new Expected(
                Enum.Parse<EncodingVerdict>(cells[1]),
                cells[2],
                cells[3] == "—" ? null : long.Parse(cells[3]),
                cells[4],
                cells[5] switch { "yes" => true, "no" => false, var other => throw new FormatException($"Header is yes or no, not '{other}'.") },
                int.Parse(cells[6]),
                Codes(cells[7]),
                Codes(cells[8])));
        }

        return table;
    }

    private static string[] Codes(string cell) => cell == "—" ? [] : [.. cell.Split(',', StringSplitOptions.TrimEntries)];
}
