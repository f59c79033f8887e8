using Orleans.Concurrency;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Finds which contact a write belongs to (its phones first, then its email, as <c>contact_identifiers</c> records
/// them, in one query) and hands the write to that contact's grain. A write that matches nobody goes to a new
/// contact's grain; if another write claimed one of its phones or emails in between, the new contact is not created
/// (the grain answers with the owner) and the write is resolved again, becoming a merge into that contact.
/// Stateless and reentrant, so writes of one workspace run in parallel (a non-reentrant worker would take one write
/// at a time, and a silo only runs a worker per core); each contact's grain still applies them one at a time.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ContactWriterGrain(ContactStore store) : Grain, IContactWriterGrain
{
    private const int Attempts = 3;

    public async Task<WriteResult> UpsertAsync(ContactWrite contact, UpsertMode mode, WriteContext context)
    {
        var workspaceId = this.GetPrimaryKey();
        var input = contact.ToInput();
        if (!input.HasIdentifier)
        {
            return WriteResult.Failure("A contact needs a phone or an email: they are how contacts are matched.");
        }

        var identifiers = input.IdentifiersInMatchOrder().ToList();
        for (var attempt = 1; ; attempt++)
        {
            var owners = await store.OwnersAsync(workspaceId, identifiers);
            var owner = identifiers.Select(i => owners.TryGetValue(i, out var id) ? id : (Guid?)null).FirstOrDefault(id => id is not null);
            WriteResult result;
            if (owner is { } matched)
            {
                if (mode == UpsertMode.CreateOnly)
                {
                    return new WriteResult(WriteOutcome.AlreadyExists, matched, [], "A contact with this phone or email already exists.", matched);
                }

                // A delete may remove the matched contact before the merge reaches it: then the write is matched again
                // (a new contact, or another holder of one of its identifiers), never merged into the deleted one's id.
                result = await GrainFactory.Contact(workspaceId, matched).MergeIntoAsync(contact, context);
                if (result.Outcome != WriteOutcome.NotFound)
                {
                    return result;
                }
            }
            else
            {
                result = await GrainFactory.Contact(workspaceId, Guid.NewGuid()).MergeAsync(contact, context);
                if (result.Outcome != WriteOutcome.Conflict)
                {
                    return result;
                }
            }

            if (attempt == Attempts)
            {
                return result.Outcome == WriteOutcome.NotFound
                    ? WriteResult.Failure("The contact this matched was deleted while it was written, several times in a row; send it again.")
                    : result;
            }
        }
    }
}
