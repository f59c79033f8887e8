using System.Diagnostics;
using System.Globalization;
using Orleans.Concurrency;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Grains.Imports;
using VeloConnect.Workflows.Imports;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Applies a bulk request as an import applies a batch: an item whose phone or email appeared in an earlier item is
/// skipped (naming that item); the others are matched and merged by the rules' <see cref="ContactMatcher"/> against the
/// contacts their phones and emails belong to (two queries), and written in one transaction. If a contact or identifier
/// of the request changed meanwhile, nothing of that transaction lands and the items go one by one, in order, each
/// matched again and written in a transaction of its own (retried when it meets another change). For a request sent
/// with an Idempotency-Key, each transaction also records the outcomes of the items it applies, and items an earlier
/// attempt recorded are answered from their record, never applied again. Stateless and reentrant: requests of one
/// workspace run in parallel. The rows of a command-line import come this way too, and are written and recorded as
/// the import job writes a batch of a wizard import.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class BulkWriterGrain(ContactStore contacts, BulkContactStore store, BulkRequestStore requests, ImportStore imports, CommandLineBatchStore importRows, TimeProvider clock)
    : Grain, IBulkWriterGrain
{
    private const string Source = ContactSources.Api;

    /// <summary>How many times one item is matched and written again when another writer changed its contacts meanwhile.</summary>
    private const int ItemAttempts = 5;

    public async Task<BulkResults> WriteAsync(BulkItems items, BulkResults refused, Guid? userId, BulkRequestLease? lease)
    {
        // The request's job, a span of the request's trace, with its counts.
        using var trace = VeloConnectTelemetry.Source.StartActivity(
            string.Create(CultureInfo.InvariantCulture, $"bulk request ({items.Count + refused.Count:N0} items)"));
        var results = await WriteItemsAsync(items, refused, lease.ToStore());
        foreach (var status in results.GroupBy(r => r.Status))
        {
            trace?.SetTag("bulk." + status.Key.ToString().ToLowerInvariant(), status.Count());
        }

        return new BulkResults(results);
    }

    private async Task<IReadOnlyList<BulkItemResult>> WriteItemsAsync(IReadOnlyList<BulkItem> items, IReadOnlyList<BulkItemResult> refused, BulkLease? lease)
    {
        var workspaceId = this.GetPrimaryKey();
        var recorded = lease is null ? [] : (await requests.ItemsAsync(lease.RequestId)).Values.Select(r => r.ToResult()).ToDictionary(r => r.Index);
        var duplicates = new InFileDuplicates();
        var inputs = items.Select(i => (i.Index, Input: i.Contact.ToInput())).ToList();
        var duplicateOf = inputs.Select(i => duplicates.Check(i.Input, i.Index)).ToList();

        // Outcomes that need no write (invalid items, repeats of an earlier item), and the items to write, less what an earlier attempt recorded.
        var decided = refused.Concat(inputs.Select((item, k) => duplicateOf[k] is { } earlier ? Skipped(item.Index, earlier) : null).OfType<BulkItemResult>())
            .Where(r => !recorded.ContainsKey(r.Index)).ToList();
        var todo = inputs.Where((item, k) => duplicateOf[k] is null && !recorded.ContainsKey(item.Index)).ToList();

        var (owners, stored, optOuts) = await MatchedAsync(workspaceId, todo.Select(i => i.Input));
        var matcher = new ContactMatcher(owners, stored.ToDictionary(p => p.Key, p => p.Value.Data), new ConsentTracker(optOuts));
        var written = todo.Select(item => Written(item.Index, matcher.Apply(item.Input, Guid.NewGuid))).ToList();
        if ((decided.Count == 0 && written.Count == 0)
            || await StoreAsync(workspaceId, Changes(matcher, stored), lease, [.. decided, .. written]))
        {
            return Answer(recorded.Values, decided, written);
        }

        // A contact or identifier of the request changed since it was read: item by item, each in its own transaction.
        Activity.Current?.SetTag("bulk.contended", true);
        if (lease is not null && decided.Count > 0)
        {
            await StoreAsync(workspaceId, [], lease, decided);
        }

        written.Clear();
        foreach (var (index, input) in todo)
        {
            written.Add(await WriteOneAsync(workspaceId, index, input, lease));
        }

        return Answer(recorded.Values, decided, written);
    }

    public async Task<BulkResults?> WriteImportRowsAsync(Guid importId, ImportRowItems rows)
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
            switch (await importRows.WriteAsync(import, ContactSources.Import, [.. plan.Changes()], results, clock.GetUtcNow()))
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

        return new BulkResults([.. rows.Select(r => Answer(recorded[r.Row]))]);
    }

    /// <summary>
    /// The contended path of a command-line import's rows; false when the import ended meanwhile (the database refuses
    /// rows of an ended import, so what was not recorded before the end never is).
    /// </summary>
    private async Task<bool> WriteImportRowsOneByOneAsync(ImportRecord import, IReadOnlyList<PlannedRow> rows)
    {
        try
        {
            await ImportRowWriter.WriteAsync(GrainFactory, imports, import, ContactSources.Import, rows);
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
        item.Contact is { } contact ? RowResult.Valid(contact.ToInput(), item.Warnings) : RowResult.Invalid(item.Errors),
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

    /// <summary>One item matched against what is stored now and written (with its outcome, for a keyed request) in a transaction of its own.</summary>
    private async Task<BulkItemResult> WriteOneAsync(Guid workspaceId, int index, ContactInput input, BulkLease? lease)
    {
        for (var attempt = 1; attempt <= ItemAttempts; attempt++)
        {
            var (owners, stored, optOuts) = await MatchedAsync(workspaceId, [input]);
            var matcher = new ContactMatcher(owners, stored.ToDictionary(p => p.Key, p => p.Value.Data), new ConsentTracker(optOuts));
            var result = Written(index, matcher.Apply(input, Guid.NewGuid));
            if (await StoreAsync(workspaceId, Changes(matcher, stored), lease, [result]))
            {
                return result;
            }
        }

        var failed = BulkItemResult.Error(index, [$"The contact was changed by someone else at the same time {ItemAttempts} times in a row; send this item again."]);
        await StoreAsync(workspaceId, [], lease, [failed]);
        return failed;
    }

    /// <summary>The changes, and for a keyed request the outcomes, in one transaction (<see cref="BulkContactStore.WriteAsync"/>).</summary>
    private Task<bool> StoreAsync(Guid workspaceId, IReadOnlyList<PlannedContact> changes, BulkLease? lease, IEnumerable<BulkItemResult> outcomes) =>
        store.WriteAsync(workspaceId, Source, changes, clock.GetUtcNow(), lease, [.. outcomes.Select(o => o.ToStore())]);

    private static List<PlannedContact> Changes(ContactMatcher matcher, Dictionary<Guid, ContactRecord> stored) =>
        [.. matcher.Changes().Select(c => new PlannedContact(c.Id, stored.GetValueOrDefault(c.Id), c.After, c.Added, c.Removed))];

    private static BulkItemResult Written(int index, MatchResult match) =>
        new(index, match.IsNew ? BulkStatus.Created : BulkStatus.Updated, match.ContactId, null, [], match.Warnings);

    private static List<BulkItemResult> Answer(IEnumerable<BulkItemResult> recorded, IEnumerable<BulkItemResult> decided, IEnumerable<BulkItemResult> written) =>
        [.. recorded.Concat(decided).Concat(written).OrderBy(r => r.Index)];

    private static BulkItemResult Skipped(int index, int earlier) =>
        new(index, BulkStatus.Skipped, null, earlier, [$"Same phone or email as item {earlier}; only the first is written."], []);
}
