using Orleans.Concurrency;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Import;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Applies a bulk request as an import applies a batch: an item whose phone or email appeared in an earlier item is
/// skipped (naming that item); the others are matched and merged by the rules' <see cref="ContactMatcher"/> against the
/// contacts their phones and emails belong to (two queries), and written in one transaction. If a contact or identifier
/// of the request changed meanwhile, nothing of that transaction lands and the items go one by one, in order, through
/// the writer and contact grains, which apply merges one at a time per contact. Stateless and reentrant: requests of
/// one workspace run in parallel.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class BulkWriterGrain(ContactStore contacts, BulkContactStore store, TimeProvider clock) : Grain, IBulkWriterGrain
{
    public const string Source = "API";

    public async Task<IReadOnlyList<BulkItemResult>> WriteAsync(IReadOnlyList<BulkItem> items, Guid? userId)
    {
        var workspaceId = this.GetPrimaryKey();
        var duplicates = new InFileDuplicates();
        var inputs = items.Select(i => (i.Index, Input: i.Contact.ToInput())).ToList();
        var duplicateOf = inputs.Select(i => duplicates.Check(i.Input, i.Index)).ToList();
        var owners = await contacts.OwnersAsync(workspaceId, inputs.Where((_, k) => duplicateOf[k] is null).SelectMany(i => i.Input.IdentifiersInMatchOrder()));
        var stored = owners.Count == 0 ? [] : (await contacts.LoadManyAsync(workspaceId, [.. owners.Values.Distinct()])).ToDictionary(c => c.Id);
        var matcher = new ContactMatcher(owners, stored.ToDictionary(p => p.Key, p => p.Value.Data));

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
