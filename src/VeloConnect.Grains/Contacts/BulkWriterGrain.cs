using Orleans.Concurrency;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Import;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Telemetry;
using VeloConnect.Grains.Imports;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Applies a bulk request as an import applies a batch: an item whose phone or email appeared in an earlier item is
/// skipped (naming that item); the others are matched and merged by the rules' <see cref="ContactMatcher"/> against the
/// contacts their phones and emails belong to (two queries), and written in one transaction. If a contact or identifier
/// of the request changed meanwhile, nothing of that transaction lands and the items go one by one, in order, through
/// the writer and contact grains, which apply merges one at a time per contact. Stateless and reentrant: requests of
/// one workspace run in parallel. The rows of a command-line import come this way too, and are written and recorded
/// as the import job writes a batch of a wizard import.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class BulkWriterGrain(ContactStore contacts, BulkContactStore store, ImportStore imports, CommandLineBatchStore importRows, TimeProvider clock)
    : Grain, IBulkWriterGrain
{
    public const string Source = "API";

    public async Task<IReadOnlyList<BulkItemResult>> WriteAsync(IReadOnlyList<BulkItem> items, Guid? userId)
    {
        var workspaceId = this.GetPrimaryKey();
        var duplicates = new InFileDuplicates();
        var inputs = items.Select(i => (i.Index, Input: i.Contact.ToInput())).ToList();
        var duplicateOf = inputs.Select(i => duplicates.Check(i.Input, i.Index)).ToList();
        var (owners, stored, optOuts) = await MatchedAsync(workspaceId, inputs.Where((_, k) => duplicateOf[k] is null).Select(i => i.Input));
        var matcher = new ContactMatcher(owners, stored.ToDictionary(p => p.Key, p => p.Value.Data), new ConsentTracker(optOuts));

        var results = new List<BulkItemResult>(items.Count);
        for (var k = 0; k < inputs.Count; k++)
        {
            var (index, input) = inputs[k];
            if (duplicateOf[k] is { } earlier)
            {
                results.Add(Skipped(index, earlier));
                continue;
            }

            var match = matcher.Apply(input, Guid.NewGuid);
            results.Add(new BulkItemResult(index, match.IsNew ? BulkStatus.Created : BulkStatus.Updated, match.ContactId, null, [], match.Warnings));
        }

        var changes = matcher.Changes().Select(c => new PlannedContact(c.Id, stored.GetValueOrDefault(c.Id), c.After, c.Added, c.Removed)).ToList();
        if (await store.WriteAsync(workspaceId, Source, changes, clock.GetUtcNow()))
        {
            return results;
        }

        return await WriteOneByOneAsync(workspaceId, items, duplicateOf, userId);
    }

    public async Task<IReadOnlyList<BulkItemResult>?> WriteImportRowsAsync(Guid importId, IReadOnlyList<ImportRowItem> rows)
    {
        var workspaceId = this.GetPrimaryKey();
        if (await imports.GetAsync(workspaceId, importId) is not { IsCommandLine: true, Status: ImportStatus.Running } import)
        {
            return null;
        }

        using var span = ImportTelemetry.Start("import.bulk-rows", importId);
        span?.SetTag("import.batch.rows", rows.Count);
        span?.SetTag("import.batch.first_row", rows.Count > 0 ? rows[0].Row : 0);
        var recorded = (await imports.RowsAsync(importId, [.. rows.Select(r => r.Row)])).ToDictionary(r => r.RowNumber);
        var todo = rows.Where(r => !recorded.ContainsKey(r.Row)).Select(ToPlannedRow).ToList();
        span?.SetTag("import.batch.already_recorded", rows.Count - todo.Count);
        if (todo.Count > 0)
        {
            var (owners, stored, optOuts) = await MatchedAsync(workspaceId, todo.Where(r => r.IsWrite).Select(r => r.Result.Contact!));
            var plan = new ImportBatchPlan(owners, stored, optOuts);
            foreach (var row in todo)
            {
                plan.Apply(row, Guid.NewGuid);
            }

            var results = plan.Outcomes.Select(ImportBatchPlan.Result).ToList();
            switch (await importRows.WriteAsync(import, ImportJobGrain.Source, [.. plan.Changes()], results, clock.GetUtcNow()))
            {
                case CommandLineBatchWrite.Written:
                    results.ForEach(r => recorded[r.RowNumber] = r);
                    break;
                case CommandLineBatchWrite.ImportEnded:
                    // The import finished while this request was read: nothing of it landed.
                    return null;
                default:
                    // A contact, identifier or row of this request changed since it was read: row by row through the grains.
                    span?.SetTag("import.batch.contended", true);
                    if (!await WriteImportRowsOneByOneAsync(import, todo))
                    {
                        return null;
                    }

                    foreach (var result in await imports.RowsAsync(importId, [.. todo.Select(r => r.Row.RowNumber)]))
                    {
                        recorded[result.RowNumber] = result;
                    }

                    break;
            }
        }

        return [.. rows.Select(r => Answer(recorded[r.Row]))];
    }

    /// <summary>
    /// The contended path of a command-line import's rows; false when the import ended meanwhile (the database refuses
    /// rows of an ended import, so what was not recorded before the end never is).
    /// </summary>
    private async Task<bool> WriteImportRowsOneByOneAsync(ImportRecord import, IReadOnlyList<PlannedRow> rows)
    {
        try
        {
            await ImportRowWriter.WriteAsync(GrainFactory, imports, import, ImportJobGrain.Source, rows);
        }
        catch (Exception)
        {
            if (await imports.GetAsync(import.WorkspaceId, import.Id) is { Status: ImportStatus.Running })
            {
                throw;
            }

            return false;
        }

        await imports.UpdateProgressAsync(import.Id);
        return true;
    }

    private static PlannedRow ToPlannedRow(ImportRowItem item) => new(
        new CsvRow(item.Row, [], ""),
        item.Contact is { } contact ? RowResult.Valid(contact.ToInput()) : RowResult.Invalid(item.Errors),
        item.DuplicateOf);

    /// <summary>A recorded import row as a bulk result (invalid rows are errors), indexed by its row number.</summary>
    private static BulkItemResult Answer(ImportRowResult row) => new(row.RowNumber, row.Outcome switch
    {
        ImportOutcome.Added => BulkStatus.Created,
        ImportOutcome.Updated => BulkStatus.Updated,
        ImportOutcome.Skipped => BulkStatus.Skipped,
        _ => BulkStatus.Error,
    }, row.ContactId, row.DuplicateOf, row.Reasons, row.Warnings);

    /// <summary>
    /// The owners of the contacts' phones and emails, the stored contacts they name, and the opt-outs of both (three
    /// queries): a contact that takes an opted-out phone or email gets a warning.
    /// </summary>
    private async Task<(Dictionary<Identifier, Guid> Owners, Dictionary<Guid, ContactRecord> Stored, OptOutView OptOuts)> MatchedAsync(Guid workspaceId, IEnumerable<ContactInput> inputs)
    {
        var identifiers = inputs.SelectMany(i => i.IdentifiersInMatchOrder()).ToList();
        var owners = await contacts.OwnersAsync(workspaceId, identifiers);
        var stored = owners.Count == 0 ? [] : (await contacts.LoadManyAsync(workspaceId, [.. owners.Values.Distinct()])).ToDictionary(c => c.Id);
        return (owners, stored, await contacts.OptOutsAsync(workspaceId, identifiers, owners.Values));
    }

    private async Task<IReadOnlyList<BulkItemResult>> WriteOneByOneAsync(Guid workspaceId, IReadOnlyList<BulkItem> items, IReadOnlyList<int?> duplicateOf, Guid? userId)
    {
        var writer = GrainFactory.ContactWriter(workspaceId);
        var context = new WriteContext(Source, userId);
        var results = new List<BulkItemResult>(items.Count);
        for (var k = 0; k < items.Count; k++)
        {
            var item = items[k];
            if (duplicateOf[k] is { } earlier)
            {
                results.Add(Skipped(item.Index, earlier));
                continue;
            }

            var result = await writer.UpsertAsync(item.Contact, UpsertMode.Merge, context);
            results.Add(result.Outcome switch
            {
                WriteOutcome.Created => new BulkItemResult(item.Index, BulkStatus.Created, result.ContactId, null, [], result.Warnings),
                WriteOutcome.Updated or WriteOutcome.Unchanged => new BulkItemResult(item.Index, BulkStatus.Updated, result.ContactId, null, [], result.Warnings),
                _ => new BulkItemResult(item.Index, BulkStatus.Error, null, null, [result.Error ?? "The contact could not be written."], result.Warnings),
            });
        }

        return results;
    }

    private static BulkItemResult Skipped(int index, int earlier) =>
        new(index, BulkStatus.Skipped, null, earlier, [$"Same phone or email as item {earlier}; only the first is written."], []);
}
