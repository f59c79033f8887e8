using CsCheck;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>
/// velo applies a recipe row by row (every step on a row, then the next row); the server applies it edit after edit (a step
/// over every row, then the next step). Filters are row-local, so both must give the same cells and the same counts.
/// </summary>
public sealed class RecipeApplierTests
{
    private static readonly string[] Headers = ["Name", "Phone", "Email"];

    private static readonly ImportMapping Mapping = new([new(TargetKind.Name), new(TargetKind.PrimaryPhone), new(TargetKind.Email)], true, "US");

    private static readonly Gen<string> Cell = Gen.OneOf<string>(["", " ", "612345678", " 612345678", "+34612345678", "+14155550100", "ann@example.com", " ann@example.com ", "Mr. Ann", "x"]);

    private static readonly Gen<RowFilter?> Filter = Gen.OneOf(
        Gen.Const((RowFilter?)null),
        Gen.OneOf<string>(["invalid", "valid", "warning"]).Select(o => (RowFilter?)new RowFilter(Outcome: o)),
        Gen.OneOf<string>(["country", "email", "phone"]).Select(r => (RowFilter?)new RowFilter(Reason: r)),
        Gen.OneOf<string>(["Ann", "61", "@"]).Select(q => (RowFilter?)new RowFilter(Q: q)));

    private static readonly Gen<RecipeStep> Step = Gen.Select(Gen.OneOf<string>([.. ColumnFixes.Kinds]), Gen.OneOf<string>(Headers), Gen.OneOf<string>(["+34", "Mr. ", " ", "61"]), Filter)
        .Select((kind, header, text, filter) => new RecipeStep(kind, header, Value: text, Find: text, Replace: "", Prefix: text, Rows: filter));

    [Fact]
    public void Row_by_row_gives_the_cells_and_counts_of_step_after_step()
    {
        Gen.Select(Cell.Array[3].Array[0, 30], Step.Array[1, 5]).Sample((rows, steps) =>
        {
            var reader = new RowReader(Mapping, Headers, []);
            var applier = new RecipeApplier(steps, Headers, reader);
            var byRow = applier.Apply(rows.Select((cells, i) => new CsvRow(i + 2, cells, ""))).Select(r => r.Cells.ToArray()).ToList();

            var byStep = rows.Select(r => r.ToArray()).ToList();
            var counts = new long[steps.Length];
            for (var s = 0; s < steps.Length; s++)
            {
                var column = Array.IndexOf(Headers, steps[s].Header);
                foreach (var cells in byStep)
                {
                    if (steps[s].Rows is { } filter && !filter.Matches(cells, reader.Read(cells), dropped: false))
                    {
                        continue;
                    }

                    var next = steps[s].Next(cells[column]);
                    counts[s] += next == cells[column] ? 0 : 1;
                    cells[column] = next;
                }
            }

            Assert.Equal(byStep, byRow);
            Assert.Equal(counts, applier.Changed);
        });
    }

    [Fact]
    public void A_trim_a_prefix_or_a_set_changes_nothing_the_second_time()
    {
        var idempotent = Step.Where(s => s.Kind != ColumnFixes.Replace).Select(s => s with { Rows = null });
        Gen.Select(Cell.Array[3].Array[1, 30], idempotent).Sample((rows, step) =>
        {
            RecipeStep[] steps = [step];
            var reader = new RowReader(Mapping, Headers, []);
            var once = new RecipeApplier(steps, Headers, reader).Apply(rows.Select((cells, i) => new CsvRow(i + 2, cells, ""))).ToList();
            var again = new RecipeApplier(steps, Headers, reader);
            _ = again.Apply(once).ToList();

            Assert.All(again.Changed, changed => Assert.Equal(0, changed));
        });
    }

    [Fact]
    public void The_report_names_each_step_and_its_rows()
    {
        var applier = new RecipeApplier([new RecipeStep(ColumnFixes.Prefix, "Phone", Prefix: "+34", Rows: new RowFilter(Outcome: "invalid", Reason: "country")),
            new RecipeStep(ColumnFixes.Trim, "email")], Headers, new RowReader(Mapping, Headers, []));
        _ = applier.Apply([new CsvRow(2, ["Ann", "612345678", ""], ""), new CsvRow(3, ["Bo", "612345679", " b@example.com"], "")]).ToList();

        Assert.Equal("recipe 'es': prefix '+34' on Phone (invalid rows with a reason containing 'country'): 1 rows; trim on email: 1 rows", applier.Report("es"));
        Assert.Equal(["Email"], RecipeApplier.MissingHeaders([new RecipeStep(ColumnFixes.Trim, "Email")], ["Name", "Phone"]));
    }
}
