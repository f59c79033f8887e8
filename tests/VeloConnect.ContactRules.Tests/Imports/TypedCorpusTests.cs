using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>
/// The corpus's typed-value files read as the mapping step reads a whole column (<see cref="TypedColumns.Summarise"/>) and as
/// the review and the run read a cell (<see cref="TypedColumns.TryRead"/>): the expected outcomes of tests/corpus/README.md's
/// rows for dates-day-first.csv and select-unmatched-values.csv.
/// </summary>
public sealed class TypedCorpusTests
{
    private static readonly FieldDefinition Birthday = new("birthday", "Birthday", FieldType.Date, []);
    private static readonly FieldDefinition Tier = new("loyalty_tier", "Loyalty tier", FieldType.SingleSelect, ["Gold", "Silver", "Bronze"]);

    [Fact]
    public void A_day_first_date_column_is_detected_as_day_first_and_read_as_the_dates_written()
    {
        var cells = Column("dates-day-first.csv", "Birthday");

        var summary = TypedColumns.Summarise(cells, Birthday);

        Assert.Equal("dd/MM/yyyy", summary.Dates.Format);
        Assert.False(summary.Dates.Ambiguous);
        var read = cells.Select(c => TypedColumns.TryRead(Birthday, c, summary.Dates.Format, '.', null, out var json, out _) ? json : "error").ToList();
        Assert.Equal(["\"1985-12-31\"", "\"1990-04-05\"", "\"2001-08-17\"", null], read);
    }

    [Fact]
    public void A_select_column_matches_other_cases_and_accents_and_lists_only_the_value_no_option_matches()
    {
        var cells = Column("select-unmatched-values.csv", "Loyalty tier");

        var summary = TypedColumns.Summarise(cells, Tier);

        Assert.Equal(1, summary.UnmatchedCount);
        Assert.Equal("Platinum+", Assert.Single(summary.Values, v => v.Option is null).Value);
        Assert.Equal(["Gold", "Gold", "Gold", "Bronze", "Bronze"], summary.Values.Where(v => v.Option is not null).SelectMany(v => Enumerable.Repeat(v.Option!, v.Count)).Order().Reverse().ToList());

        // Unmapped, Platinum+ leaves its row invalid with a reason; mapped to blank, the row has no tier.
        Assert.False(TypedColumns.TryRead(Tier, "Platinum+", null, '.', null, out _, out var error));
        Assert.Contains("Platinum+", error, StringComparison.Ordinal);
        Assert.True(TypedColumns.TryRead(Tier, "Platinum+", null, '.', new Dictionary<string, string?> { ["Platinum+"] = null }, out var blank, out _));
        Assert.Null(blank);
    }

    private static List<string> Column(string file, string header)
    {
        var (_, analysis) = CorpusFiles.Analyse(file);
        var index = analysis.Columns.Single(c => c.Header == header).Index;
        using var stream = CorpusFiles.Open(file);
        return [.. ImportFiles.Rows(stream, analysis, null, analysis.HasHeader).Select(r => index < r.Cells.Count ? r.Cells[index] : "")];
    }
}
