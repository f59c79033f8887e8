using Orleans.Concurrency;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Finds which contact a write belongs to (its phones first, then its email, as the identity grains record it) and
/// hands the write to that contact's grain. A write that matches nobody claims its first identifier for a new contact
/// id; if another write claimed it first, this one becomes a merge into that contact (or "already exists").
/// Stateless and reentrant, so writes of one workspace run in parallel (a non-reentrant worker would take one write
/// at a time, and a silo only runs a worker per core); each contact's grain still applies them one at a time.
/// </summary>
[StatelessWorker]
[Reentrant]
public sealed class ContactWriterGrain : Grain, IContactWriterGrain
{
    public async Task<WriteResult> UpsertAsync(ContactWrite contact, UpsertMode mode, WriteContext context)
    {
        var workspaceId = this.GetPrimaryKey();
        var input = contact.ToInput();
        if (!input.HasIdentifier)
        {
            return WriteResult.Failure("A contact needs a phone or an email: they are how contacts are matched.");
        }

        foreach (var identifier in input.IdentifiersInMatchOrder())
        {
            if (await GrainFactory.Identity(workspaceId, identifier.ToString()).GetOwnerAsync() is { } owner)
            {
                return await WriteToExisting(workspaceId, owner, contact, mode, context);
            }
        }

        var newId = Guid.NewGuid();
        var first = input.IdentifiersInMatchOrder().First();
        var claimedBy = await GrainFactory.Identity(workspaceId, first.ToString()).ClaimAsync(newId);
        return claimedBy == newId
            ? await GrainFactory.Contact(workspaceId, newId).MergeAsync(contact, context)
            : await WriteToExisting(workspaceId, claimedBy, contact, mode, context);
    }

    private Task<WriteResult> WriteToExisting(Guid workspaceId, Guid owner, ContactWrite contact, UpsertMode mode, WriteContext context) =>
        mode == UpsertMode.CreateOnly
            ? Task.FromResult(new WriteResult(WriteOutcome.AlreadyExists, owner, [], "A contact with this phone or email already exists.", owner))
            : GrainFactory.Contact(workspaceId, owner).MergeAsync(contact, context);
}
