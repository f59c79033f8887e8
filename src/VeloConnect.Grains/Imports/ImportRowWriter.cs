using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Grains.Contacts;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// The contended path of an import's rows (a batch that met a concurrent change): each row through the contact writer
/// and its contact's grain, which applies merges one at a time per contact, many rows in flight. A row that changes a
/// contact is recorded by the contact write itself (same transaction); the others are recorded here. Shared by the
/// import job and the command-line import's bulk requests.
/// </summary>
internal static class ImportRowWriter
{
    private const int Parallelism = 64;

    /// <summary>Writes and records the rows; returns every row's outcome (added, updated, skipped, invalid).</summary>
    public static async Task<IReadOnlyList<string>> WriteAsync(IGrainFactory grains, ImportStore imports, ImportRecord import, string source, IReadOnlyList<PlannedRow> rows)
    {
        var writer = grains.ContactWriter(import.WorkspaceId);
        var recorded = new List<ImportRowResult>();
        var outcomes = new List<string>();
        var inFlight = new List<Task<(string Outcome, ImportRowResult? ToRecord)>>(Parallelism);
        foreach (var row in rows)
        {
            if (!row.IsWrite)
            {
                var result = ImportBatchPlan.Result(new PlannedOutcome(row, row.IsInvalid ? ImportOutcome.Invalid : ImportOutcome.Skipped, null, []));
                recorded.Add(result);
                outcomes.Add(result.Outcome);
                continue;
            }

            // A sliding window of writes in flight: one slow row does not hold up the others.
            if (inFlight.Count == Parallelism)
            {
                var finished = await Task.WhenAny(inFlight);
                inFlight.Remove(finished);
                Collect(await finished);
            }

            inFlight.Add(WriteRowAsync(import, source, writer, row));
        }

        foreach (var result in await Task.WhenAll(inFlight))
        {
            Collect(result);
        }

        await imports.RecordRowsAsync(import.Id, recorded);
        return outcomes;

        void Collect((string Outcome, ImportRowResult? ToRecord) result)
        {
            outcomes.Add(result.Outcome);
            if (result.ToRecord is { } toRecord)
            {
                recorded.Add(toRecord);
            }
        }
    }

    /// <summary>Writes one row; returns its outcome and the result to record here (none when the contact write recorded it).</summary>
    private static async Task<(string Outcome, ImportRowResult? ToRecord)> WriteRowAsync(ImportRecord import, string source, IContactWriterGrain writer, PlannedRow row)
    {
        var contact = row.Result.Contact!;
        var write = new ContactWrite(contact.Name, contact.PrimaryPhone, contact.AdditionalPhones, contact.Email, contact.Tags, contact.Custom, null);
        // The row's own warnings travel with it: the contact write records them with the row (before its own).
        var context = new WriteContext(source, import.UserId, new ImportRowRef(import.Id, row.Row.RowNumber, row.Result.Warnings));
        // A failure to reach the grains (a silo going away) is not the row's fault: it propagates, the job stops with
        // the row unrecorded, and the resumed job writes it again.
        var result = await writer.UpsertAsync(write, UpsertMode.Merge, context);
        return result.Outcome switch
        {
            WriteOutcome.Created => (ImportOutcome.Added, null),
            WriteOutcome.Updated => (ImportOutcome.Updated, null),
            WriteOutcome.Unchanged => (ImportOutcome.Updated, new ImportRowResult(row.Row.RowNumber, ImportOutcome.Updated, result.ContactId, null, [], [.. row.Result.Warnings, .. result.Warnings])),
            _ => (ImportOutcome.Invalid, new ImportRowResult(row.Row.RowNumber, ImportOutcome.Invalid, null, null, [result.Error ?? "The row could not be written."], [.. row.Result.Warnings, .. result.Warnings])),
        };
    }
}
