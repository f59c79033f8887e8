using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// A planned batch of an import: its rows (in file order), its plan, the contacts it writes and the time it writes them at.
/// </summary>
public sealed class ImportBatch(List<PlannedRow> rows, ImportBatchPlan plan, DateTimeOffset now)
{
    private HashSet<Guid>? _written;

    public List<PlannedRow> Rows => rows;

    public ImportBatchPlan Plan => plan;

    public DateTimeOffset Now => now;

    /// <summary>The contacts it writes (new ones, and stored ones it changes).</summary>
    public IReadOnlyList<PlannedContact> Changes { get; } = [.. plan.Changes()];

    /// <summary>
    /// Whether <paramref name="later"/> (planned after this batch, on what this batch writes) read anything this batch
    /// writes: an identifier whose owner this batch changes, or a contact this batch writes that a row of the later
    /// batch went to. Such a batch may only be written once this one has committed (its version checks would refuse it
    /// before); a batch that reads nothing of it may be written at the same time.
    /// </summary>
    public bool IsReadBy(ImportBatch later)
    {
        var owners = plan.OwnerChanges;
        var written = _written ??= [.. Changes.Select(c => c.Id)];
        return later.Plan.Outcomes.Any(o => o.ContactId is { } id && written.Contains(id))
            || later.Rows.Any(r => r.IsWrite && r.Result.Contact!.IdentifiersInMatchOrder().Any(owners.ContainsKey));
    }
}

/// <summary>
/// Plans a batch of an import against the contacts its rows match (one query for the owners of its phones and emails,
/// one for those contacts, one for their opt-outs), and against what the batches still being written will have written:
/// their owner changes and contacts are taken from their plans, oldest first, whether or not they have committed yet. So
/// a row merges into a contact as the rows before it in the file left it, in whichever batch those rows are.
/// </summary>
public sealed class ImportBatchPlanner(ContactStore contacts)
{
    public async Task<ImportBatchPlan> PlanAsync(Guid workspaceId, string source, IReadOnlyList<PlannedRow> rows, IEnumerable<ImportBatch> inFlight)
    {
        var identifiers = new HashSet<Identifier>(rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()));
        var owners = await contacts.OwnersAsync(workspaceId, identifiers);
        // The plan asks who owns its rows' identifiers, and reads the contacts those owners name: of what the batches in
        // flight write, only that part is taken (the rest, most of a batch of new contacts, would only grow the plan).
        var earlier = inFlight.ToList();
        foreach (var batch in earlier)
        {
            foreach (var (identifier, owner) in batch.Plan.OwnerChanges)
            {
                if (!identifiers.Contains(identifier))
                {
                    continue;
                }

                if (owner is { } id)
                {
                    owners[identifier] = id;
                }
                else
                {
                    owners.Remove(identifier);
                }
            }
        }

        var named = new HashSet<Guid>(owners.Values);
        var known = new Dictionary<Guid, ContactRecord>(named.Count);
        foreach (var batch in earlier)
        {
            foreach (var change in batch.Changes)
            {
                if (named.Contains(change.Id))
                {
                    known[change.Id] = change.AsWritten(workspaceId, source, batch.Now);
                }
            }
        }

        var missing = named.Where(id => !known.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var contact in await contacts.LoadManyAsync(workspaceId, missing))
            {
                known[contact.Id] = contact;
            }
        }

        // For the rows' warnings: a row whose contact takes an opted-out phone or email says so (the database applies it).
        var optOuts = await contacts.OptOutsAsync(workspaceId, identifiers, owners.Values);
        var plan = new ImportBatchPlan(owners, known, optOuts, rows.Count);
        foreach (var row in rows)
        {
            plan.Apply(row, Guid.NewGuid);
        }

        return plan;
    }
}

/// <summary>A batch being written: its outcome, and the import's progress once it has committed.</summary>
public sealed record InFlightWrite(ImportBatch Batch, ImportCounts Progress, Task<ImportBatchWrite> Written)
{
    /// <summary>
    /// Starts writing <paramref name="batch"/> (planned on <paramref name="inFlight"/>, oldest first) in one transaction
    /// with its rows' results and the progress after it. It starts at once when it reads nothing the batches in flight
    /// write, else once the last of those it reads from has committed (their version checks would refuse it before);
    /// it commits after the batch before it, and not at all when that one did not commit
    /// (<see cref="ImportBatchStore.WriteInOrderAsync"/>). <paramref name="progress"/> is the progress before the
    /// batches in flight.
    /// </summary>
    public static InFlightWrite Start(ImportBatchStore store, ImportRecord import, string source, ImportBatch batch, ImportCounts progress,
        IReadOnlyList<InFlightWrite> inFlight)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(inFlight);
        var before = inFlight.Count > 0 ? inFlight[^1] : null;
        var readFrom = inFlight.LastOrDefault(w => w.Batch.IsReadBy(batch));
        var after = batch.Plan.Outcomes.Aggregate(before?.Progress ?? progress, (counts, o) => counts.Add(o.Outcome, 1));
        // On the thread pool, not the caller's scheduler: the COPY streams while the caller plans the next batch.
        return new InFlightWrite(batch, after, Task.Run(WriteAsync));

        async Task<ImportBatchWrite> WriteAsync()
        {
            if (readFrom is not null && await readFrom.Written != ImportBatchWrite.Written)
            {
                return ImportBatchWrite.Withdrawn;
            }

            using var persist = ImportTelemetry.Start("import.persist", import.Id);
            persist?.SetTag("import.batch.first_row", batch.Rows[0].Row.RowNumber);
            persist?.SetTag("import.batch.contacts", batch.Changes.Count);
            persist?.SetTag("import.batch.waited", readFrom is not null);
            var written = await store.WriteInOrderAsync(import, source, batch.Changes, [.. batch.Plan.Outcomes.Select(ImportBatchPlan.Result)], after,
                batch.Now, before is null ? null : async () => await before.Written == ImportBatchWrite.Written);
            persist?.SetTag("import.batch.outcome", written.ToString());
            return written;
        }
    }
}
