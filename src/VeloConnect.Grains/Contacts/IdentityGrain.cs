using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// Owns one phone or email of a workspace. Orleans runs one activation per key, and every claim goes through it one at
/// a time, so two contacts never end up with the same identifier. The durable record is <c>contact_identifiers</c>,
/// written by the contact grain in the same transaction as the contact; its primary key is the last line of defence.
/// </summary>
public sealed class IdentityGrain(ContactStore store) : Grain, IIdentityGrain
{
    private Guid? _owner;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (workspaceId, identifier) = ParseKey(this.GetPrimaryKeyString());
        _owner = await store.FindOwnerAsync(workspaceId, identifier, cancellationToken);
    }

    public Task<Guid?> GetOwnerAsync() => Task.FromResult(_owner);

    public Task<Guid> ClaimAsync(Guid contactId)
    {
        _owner ??= contactId;
        return Task.FromResult(_owner.Value);
    }

    public Task ReleaseAsync(Guid contactId)
    {
        if (_owner == contactId)
        {
            _owner = null;
        }

        return Task.CompletedTask;
    }

    internal static (Guid WorkspaceId, Identifier Identifier) ParseKey(string key)
    {
        var slash = key.IndexOf('/');
        return (Guid.ParseExact(key[..slash], "N"), Identifier.Parse(key[(slash + 1)..]));
    }
}
