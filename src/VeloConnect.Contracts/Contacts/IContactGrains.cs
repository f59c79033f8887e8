using Orleans.Concurrency;

namespace VeloConnect.Contracts.Contacts;

/// <summary>
/// Entry point for contact writes in a workspace (key: workspace id). Resolves the contact a write belongs
/// to through the identity grains (phones first, then email) and hands the merge to that contact's grain.
/// </summary>
[Alias("velo.IContactWriterGrain")]
public interface IContactWriterGrain : IGrainWithGuidKey
{
    [Alias("Upsert")]
    Task<WriteResult> UpsertAsync(ContactWrite contact, UpsertMode mode, WriteContext context);
}

/// <summary>
/// One phone (E.164) or lower-cased email in one workspace: decides which contact owns it, so two contacts
/// never share one. Key: <c>{workspaceId:N}/{identifier}</c>, e.g. <c>…/p:+14155550100</c>.
/// </summary>
[Alias("velo.IIdentityGrain")]
public interface IIdentityGrain : IGrainWithStringKey
{
    [AlwaysInterleave, ReadOnly, Alias("GetOwner")]
    Task<Guid?> GetOwnerAsync();

    /// <summary>Gives the identifier to <paramref name="contactId"/> if nobody owns it; returns the owner afterwards.</summary>
    [Alias("Claim")]
    Task<Guid> ClaimAsync(Guid contactId);

    /// <summary>Frees the identifier if <paramref name="contactId"/> owns it.</summary>
    [Alias("Release")]
    Task ReleaseAsync(Guid contactId);
}

/// <summary>One contact (key: contact id, extension: workspace id as "N"): every write to it happens here, one at a time.</summary>
[Alias("velo.IContactGrain")]
public interface IContactGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The import merge: given fields overwrite, blanks keep, tags and phones are added, opt-ins untouched.</summary>
    [Alias("Merge")]
    Task<WriteResult> MergeAsync(ContactWrite contact, WriteContext context);

    [Alias("Edit")]
    Task<WriteResult> EditAsync(ContactEditCommand edit, WriteContext context);

    /// <summary>The only way an opt-in flag changes: set by the opt-in endpoint, audited with the consent's source.</summary>
    [Alias("SetOptIn")]
    Task<WriteResult> SetOptInAsync(OptInChange change, WriteContext context);

    /// <summary>Deletes the contact (its opt-outs are retained under its identifiers); false if it did not exist.</summary>
    [Alias("Delete")]
    Task<bool> DeleteAsync(WriteContext context);
}

public static class ContactGrainKeys
{
    public static IIdentityGrain Identity(this IGrainFactory grains, Guid workspaceId, string identifier) =>
        grains.GetGrain<IIdentityGrain>($"{workspaceId:N}/{identifier}");

    public static IContactGrain Contact(this IGrainFactory grains, Guid workspaceId, Guid contactId) =>
        grains.GetGrain<IContactGrain>(contactId, workspaceId.ToString("N"));

    public static IContactWriterGrain ContactWriter(this IGrainFactory grains, Guid workspaceId) =>
        grains.GetGrain<IContactWriterGrain>(workspaceId);
}
