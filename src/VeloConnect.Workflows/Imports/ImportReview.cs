using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

public sealed record ReviewRow(int RowNumber, IReadOnlyList<string> Cells, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons);

public sealed record ReviewWarning(int RowNumber, string Message);

/// <summary>What running the import would do now: the counts, the warnings, and the first rows of each kind.</summary>
public sealed record ReviewResult(
    int Rows,
    ImportCounts Counts,
    IReadOnlyList<ReviewWarning> Warnings,
    int WarningCount,
    IReadOnlyList<ReviewRow> Added,
    IReadOnlyList<ReviewRow> Updated,
    IReadOnlyList<ReviewRow> Skipped,
    IReadOnlyList<ReviewRow> Invalid);

/// <summary>
/// The dry run: reads every row as the run will and plans them with the run's own <see cref="ImportBatchPlan"/>
/// against the current contacts (the owners of the file's phones and emails, and those contacts, a few queries in
/// all). Changes nothing; when nothing else changes in between, the run produces these counts.
/// </summary>
public sealed class ImportReview(ContactStore contacts)
{
    public const int ExamplesPerKind = 5;
    public const int MaxWarnings = 100;
    private const int ChunkRows = 5_000;

    /// <summary>The review of the file as the stream gives it (read once, front to back; left open).</summary>
    public async Task<ReviewResult> ReviewAsync(ImportRecord import, Stream file, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields, CancellationToken cancellationToken = default)
    {
        // The file is read (CPU) a chunk at a time while the contacts of the chunk before are looked up (the database);
        // each chunk is planned once its lookup is in, then dropped: the review keeps counts and examples, not rows.
        var plan = new ImportBatchPlan([], new Dictionary<Guid, ContactRecord>());
        var total = 0;
        var counts = ImportCounts.Zero;
        var warningCount = 0;
        List<ReviewRow> addedRows = [], updatedRows = [], skippedRows = [], invalidRows = [];
        List<ReviewWarning> warnings = [];
        (List<PlannedRow> Rows, Task<(Dictionary<Identifier, Guid>, IReadOnlyList<ContactRecord>, OptOutView)> Lookup)? pending = null;
        var chunk = new List<PlannedRow>(ChunkRows);
        foreach (var row in ImportPlan.Rows(file, import, mapping, fields))
        {
            chunk.Add(row);
            if (chunk.Count == ChunkRows)
            {
                await NextAsync();
            }
        }

        await NextAsync();
        await NextAsync();
        return new ReviewResult(total, counts, warnings, warningCount, addedRows, updatedRows, skippedRows, invalidRows);

        async Task NextAsync()
        {
            if (pending is { } previous)
            {
                var (owners, found, optOuts) = await previous.Lookup;
                plan.Learn(owners, found, optOuts);
                foreach (var row in previous.Rows)
                {
                    Count(row, plan.Apply(row, Guid.NewGuid));
                }

                plan.ForgetOutcomes();
            }

            pending = chunk.Count == 0 ? null : (chunk, LookUpAsync(import.WorkspaceId, chunk, cancellationToken));
            chunk = new List<PlannedRow>(ChunkRows);
        }

        void Count(PlannedRow row, PlannedOutcome planned)
        {
            total++;
            counts = counts.Add(planned.Outcome, 1);
            var examples = planned.Outcome switch
            {
                ImportOutcome.Added => addedRows,
                ImportOutcome.Updated => updatedRows,
                ImportOutcome.Skipped => skippedRows,
                _ => invalidRows,
            };
            if (examples.Count < ExamplesPerKind)
            {
                var result = ImportBatchPlan.Result(planned);
                examples.Add(new ReviewRow(row.Row.RowNumber, row.Row.Cells, planned.Outcome == ImportOutcome.Updated ? planned.ContactId : null, result.DuplicateOf, result.Reasons));
            }

            foreach (var warning in planned.Warnings)
            {
                warningCount++;
                if (warnings.Count < MaxWarnings)
                {
                    warnings.Add(new ReviewWarning(row.Row.RowNumber, warning));
                }
            }
        }
    }

    private async Task<(Dictionary<Identifier, Guid>, IReadOnlyList<ContactRecord>, OptOutView)> LookUpAsync(Guid workspaceId, List<PlannedRow> rows, CancellationToken cancellationToken)
    {
        var identifiers = rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()).ToList();
        var owners = await contacts.OwnersAsync(workspaceId, identifiers, cancellationToken);
        // The review only counts: the matched contacts' phones, email and tags, and the opt-outs they carry, decide every outcome and warning.
        var optOuts = await contacts.OptOutsAsync(workspaceId, identifiers, owners.Values, cancellationToken);
        return (owners, owners.Count == 0 ? [] : await contacts.LoadIdentifiersOnlyAsync(workspaceId, [.. owners.Values.Distinct()], cancellationToken), optOuts);
    }
}
