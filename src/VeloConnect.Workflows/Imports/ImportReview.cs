using System.Threading.Channels;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

public sealed record ReviewRow(int RowNumber, IReadOnlyList<string> Cells, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons);

public sealed record ReviewWarning(int RowNumber, string Message);

/// <summary>
/// What running the import would do now: the counts, the warnings, and the first rows of each kind. <c>rowsUrl</c>: every row's
/// result, a page at a time (GET /api/imports/{id}/review/rows); null when the review was not kept (the import started or
/// its mapping changed meanwhile).
/// </summary>
public sealed record ReviewResult(
    int Rows,
    ImportCounts Counts,
    IReadOnlyList<ReviewWarning> Warnings,
    int WarningCount,
    IReadOnlyList<ReviewRow> Added,
    IReadOnlyList<ReviewRow> Updated,
    IReadOnlyList<ReviewRow> Skipped,
    IReadOnlyList<ReviewRow> Invalid,
    string? RowsUrl = null);

/// <summary>
/// The dry run: reads every row as the run will and plans them with the run's own <see cref="ImportBatchPlan"/>
/// against the current contacts (the owners of the file's phones and emails, and those contacts, a few queries in
/// all). Changes no contact; when nothing else changes in between, the run produces these counts. Every row's result is kept
/// with the import as the review goes (<see cref="ImportReviewRows"/>: one binary COPY streamed in the transaction that marks
/// the import reviewed), replacing the previous review's.
/// </summary>
public sealed class ImportReview(ContactStore contacts, ImportReviewRows reviewRows)
{
    public const int ExamplesPerKind = 5;
    public const int MaxWarnings = 100;
    private const int ChunkRows = 5_000;
    private const int PresizedRows = 100_000;

    /// <summary>The review of the file as the stream gives it (read once, front to back; left open).</summary>
    public async Task<ReviewResult> ReviewAsync(ImportRecord import, Stream file, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields, CancellationToken cancellationToken = default)
    {
        // Three stages overlap: reading and normalising the rows (a thread of its own, a chunk ahead), looking up the
        // contacts of a chunk (the database) and planning the chunk before it (this thread), whose rows go to the COPY as
        // each is decided. Each chunk is dropped once planned: the review keeps counts and examples, not rows.
        await using var kept = await reviewRows.BeginAsync(import.Id, mapping, ImportEditStore.Version(import.Edits), cancellationToken);
        // The plan keeps every row's contact and identifiers to the end: sized once from the upload's row count (up to
        // PresizedRows), its dictionaries are not copied as they grow, and the collector is not woken by the copies.
        var expected = Math.Clamp(import.TotalRows, 0, PresizedRows);
        var plan = new ImportBatchPlan(new Dictionary<Identifier, Guid>(2 * expected), new Dictionary<Guid, ContactRecord>(), contacts: expected);
        var total = 0;
        var counts = ImportCounts.Zero;
        var warningCount = 0;
        List<ReviewRow> addedRows = [], updatedRows = [], skippedRows = [], invalidRows = [];
        List<ReviewWarning> warnings = [];
        (List<PlannedRow> Rows, Task<(Dictionary<Identifier, Guid>, IReadOnlyList<ContactRecord>, OptOutView)> Lookup)? pending = null;
        var chunks = System.Threading.Channels.Channel.CreateBounded<List<PlannedRow>>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = Task.Run(() => ImportPlan.ReadChunksAsync(ImportPlan.Rows(file, import, mapping, fields), ChunkRows, chunks.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var chunk in chunks.Reader.ReadAllAsync(cancellationToken))
            {
                var previous = pending;
                pending = (chunk, LookUpAsync(import.WorkspaceId, chunk, stop.Token));
                await PlanAsync(previous);
            }

            var last = pending;
            pending = null;
            await PlanAsync(last);
        }
        finally
        {
            // A failure here stops the reading (and the lookup in flight); the reading's own failure has already ended the loop above with it.
            await stop.CancelAsync();
            await reading.ContinueWith(static _ => { }, TaskScheduler.Current);
            if (pending is { } unplanned)
            {
                await unplanned.Lookup.ContinueWith(static _ => { }, TaskScheduler.Current);
            }
        }

        if (kept is not null)
        {
            await kept.CommitAsync(cancellationToken);
        }

        return new ReviewResult(total, counts, warnings, warningCount, addedRows, updatedRows, skippedRows, invalidRows,
            kept is null ? null : RowsUrl(import.Id));

        async Task PlanAsync((List<PlannedRow> Rows, Task<(Dictionary<Identifier, Guid>, IReadOnlyList<ContactRecord>, OptOutView)> Lookup)? chunk)
        {
            if (chunk is not { } previous)
            {
                return;
            }

            var (owners, found, optOuts) = await previous.Lookup;
            plan.Learn(owners, found, optOuts);
            foreach (var row in previous.Rows)
            {
                await CountAsync(row, plan.Apply(row, Guid.NewGuid));
            }

            plan.ForgetOutcomes();
        }

        async Task CountAsync(PlannedRow row, PlannedOutcome planned)
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
            var result = ImportBatchPlan.Result(planned);
            var contactId = planned.Outcome == ImportOutcome.Updated ? planned.ContactId : null;
            if (examples.Count < ExamplesPerKind)
            {
                examples.Add(new ReviewRow(row.Row.RowNumber, row.Row.Cells, contactId, result.DuplicateOf, result.Reasons));
            }

            if (kept is not null)
            {
                await kept.WriteAsync(Kept(planned, result), cancellationToken);
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

    /// <summary>A planned row as its review keeps it (<see cref="ImportReviewRows"/>): the full review and an edit's re-review write the same.</summary>
    public static ReviewedRow Kept(PlannedOutcome planned) => Kept(planned, ImportBatchPlan.Result(planned));

    private static ReviewedRow Kept(PlannedOutcome planned, ImportRowResult result)
    {
        var row = planned.Row;
        return new ReviewedRow(row.Row.RowNumber, planned.Outcome, planned.Outcome == ImportOutcome.Updated ? planned.ContactId : null, result.DuplicateOf,
            result.Reasons, result.Warnings, row.Row.Cells, row.Edited, row.KeptIdentifiers(), row.DroppedBy, row.OriginalCells);
    }

    /// <summary>The first page of a kept review's rows.</summary>
    public static string RowsUrl(Guid importId) => $"/api/imports/{importId}/review/rows";

    private async Task<(Dictionary<Identifier, Guid>, IReadOnlyList<ContactRecord>, OptOutView)> LookUpAsync(Guid workspaceId, List<PlannedRow> rows, CancellationToken cancellationToken)
    {
        var identifiers = rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()).ToList();
        var owners = await contacts.OwnersAsync(workspaceId, identifiers, cancellationToken);
        // The review only counts: the matched contacts' phones, email and tags, and the opt-outs they carry, decide every outcome and warning.
        var optOuts = await contacts.OptOutsAsync(workspaceId, identifiers, owners.Values, cancellationToken);
        return (owners, owners.Count == 0 ? [] : await contacts.LoadIdentifiersOnlyAsync(workspaceId, [.. owners.Values.Distinct()], cancellationToken), optOuts);
    }
}
