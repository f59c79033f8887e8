using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>
/// The real-layout files of tests/corpus (exports of Outlook, Google Contacts, phones; spreadsheets; locale dates; select
/// values) against their rows in the README's second table, each analysed as the API analyses an upload: format by content
/// (<see cref="ImportFiles.Detect"/>), the upload step's analysis (<see cref="ImportFiles.Analyse"/>), the suggested mapping
/// on the analysis's headers and samples (<see cref="MappingProposals.Suggest"/>), and the rows the job reads (<see cref="ImportFiles.Rows"/>).
/// </summary>
public sealed class RealLayoutCorpusTests
{
    private static readonly Lazy<Dictionary<string, Expected>> Table = new(ReadTable);

    public static TheoryData<string> Files => [.. Table.Value.Keys];

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_layout_file_is_analysed_as_expected(string file)
    {
        var expected = Table.Value[file];

        var (format, analysis) = CorpusFiles.Analyse(file);

        Assert.Equal(expected.Format, format);
        Assert.Equal([], analysis.Errors.Select(e => e.Code));
        Assert.Equal(expected.HeaderRow, analysis.HeaderRow);
        Assert.Equal(expected.Rows, analysis.DataRowCount);
        Assert.Equal(expected.Headers, analysis.Columns.Select(c => c.Header));
        Assert.Equal(expected.Warnings, analysis.Warnings.Select(w => w.Code));
        foreach (var (header, value) in expected.Values)
        {
            Assert.Contains(value, Assert.Single(analysis.Columns, c => c.Header == header).Samples);
        }

        Assert.Equal(expected.PhonesAsNumbers, PhonesAsNumbersText(analysis));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_layout_file_gets_the_expected_suggestions(string file)
    {
        var expected = Table.Value[file];
        var (_, analysis) = CorpusFiles.Analyse(file);
        var headers = analysis.Columns.Select(c => c.Header).ToList();

        var proposal = MappingProposals.Suggest(headers, [.. analysis.Columns.Select(c => c.Samples)], analysis.HasHeader, MappingTestFields.All, "US", analysis.Format);

        Assert.Equal(expected.Source, proposal.KnownSource);
        foreach (var (header, target) in expected.Suggested)
        {
            var column = headers.IndexOf(header);
            Assert.True(column >= 0, $"No column '{header}' in {file}.");
            var separator = proposal.Mapping.Separators is { } separators && column < separators.Count ? separators[column] : null;
            Assert.Equal(target, separator is null ? proposal.Mapping.Columns[column].ToString() : $"{proposal.Mapping.Columns[column]}[{separator}]");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Real_layout_file_reads_as_many_rows_as_analysed(string file)
    {
        var (_, analysis) = CorpusFiles.Analyse(file);

        using var stream = CorpusFiles.Open(file);
        var rows = ImportFiles.Rows(stream, analysis, null, analysis.HasHeader).ToList();

        Assert.Equal(analysis.DataRowCount, rows.Count);
        Assert.Equal(rows.Select(r => r.RowNumber).Order(), rows.Select(r => r.RowNumber));
        Assert.DoesNotContain(rows, r => r.Cells.Any(c => c.Contains('\uFFFD') || c.Contains('=' + "C3")));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_sheet_of_a_workbook_is_read_when_chosen(string file)
    {
        var expected = Table.Value[file];
        var (_, analysis) = CorpusFiles.Analyse(file);
        Assert.Equal(expected.Sheets.Select(s => s.Name), analysis.Sheets ?? []);

        foreach (var (sheet, outcome) in expected.Sheets)
        {
            var (_, chosen) = CorpusFiles.Analyse(file, new SniffOptions(Sheet: sheet));

            Assert.Equal(sheet, chosen.Sheet);
            Assert.Equal(outcome, chosen.CanImport ? chosen.DataRowCount.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Join(", ", chosen.Errors.Select(e => e.Code)));
        }
    }

    [Fact]
    public void The_default_sheet_is_the_first()
    {
        foreach (var (file, expected) in Table.Value.Where(t => t.Value.Sheets.Count > 0))
        {
            Assert.Equal(expected.Sheets[0].Name, CorpusFiles.Analyse(file).Analysis.Sheet);
        }
    }

    private static string PhonesAsNumbersText(SniffResult analysis) =>
        analysis.PhonesAsNumbers is { Count: > 0 } findings
            ? string.Join("; ", findings.Select(f => $"{f.Header}: {string.Join(", ", f.Rows)}" + (f.DigitsLostCount > 0 ? $" (E: {string.Join(", ", f.DigitsLostRows)})" : "")))
            : "—";

    internal static IEnumerable<string> Names => Table.Value.Keys;

    private sealed record Expected(
        string Format, IReadOnlyList<(string Name, string Outcome)> Sheets, int HeaderRow, int Rows, string[] Headers, string? Source,
        IReadOnlyList<(string Header, string Target)> Suggested, IReadOnlyList<(string Header, string Value)> Values, string[] Warnings, string PhonesAsNumbers);

    // | `file` | Format | Sheets | Header row | Rows | Headers | Source | Suggested | Values | Warnings | Phones as numbers | What it checks |
    private static Dictionary<string, Expected> ReadTable()
    {
        var table = new Dictionary<string, Expected>(StringComparer.Ordinal);
        foreach (var cells in CorpusFiles.TableRows("Real-layout files"))
        {
            table.Add(cells[0].Trim('`'), new Expected(
                cells[1],
                Pairs(cells[2], ": "),
                int.Parse(cells[3], System.Globalization.CultureInfo.InvariantCulture),
                int.Parse(cells[4], System.Globalization.CultureInfo.InvariantCulture),
                [.. cells[5].Split(" · ")],
                cells[6] == "—" ? null : cells[6],
                Pairs(cells[7], " → "),
                Pairs(cells[8], " = "),
                cells[9] == "—" ? [] : [.. cells[9].Split(',', StringSplitOptions.TrimEntries)],
                cells[10]));
        }

        return table;
    }

    // "A → b · C → d": the pairs of a cell (— for none); values are in backticks when they hold spaces or separators.
    private static List<(string, string)> Pairs(string cell, string between) =>
        cell == "—" ? [] : [.. cell.Split(" · ").Select(p => p.Split(between)).Select(p => (p[0].Trim('`'), p[1].Trim('`')))];
}
