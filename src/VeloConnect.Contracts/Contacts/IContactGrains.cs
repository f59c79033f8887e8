namespace VeloConnect.Contracts.Contacts;

/// <summary>
/// Entry point for contact writes in a workspace (key: workspace id). Resolves the contact a write belongs
/// to (phones first, then email) and hands the merge to that contact's grain.
/// </summary>
[Alias("velo.IContactWriterGrain")]
public interface IContactWriterGrain : IGrainWithGuidKey
{
    [Alias("Upsert")]
    Task<WriteResult> UpsertAsync(ContactWrite contact, UpsertMode mode, WriteContext context);
}

/// <summary>One contact (key: contact id, extension: workspace id as "N"): every write to it happens here, one at a time.</summary>
[Alias("velo.IContactGrain")]
public interface IContactGrain : IGrainWithGuidCompoundKey
{
    /// <summary>The import merge: given fields overwrite, blanks keep, tags and phones are added, opt-ins untouched.</summary>
    [Alias("Merge")]
    Task<WriteResult> MergeAsync(ContactWrite contact, WriteContext context);

    /// <summary>
    /// The same merge into a contact that must exist (one a write was matched to by its phone or email): a contact deleted
    /// since it was matched answers <see cref="WriteOutcome.NotFound"/> instead of coming back with only this write's data.
    /// </summary>
    [Alias("MergeInto")]
    Task<WriteResult> MergeIntoAsync(ContactWrite contact, WriteContext context);

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
    public static IContactGrain Contact(this IGrainFactory grains, Guid workspaceId, Guid contactId) =>
        grains.GetGrain<IContactGrain>(contactId, workspaceId.ToString("N"));

    public static IContactWriterGrain ContactWriter(this IGrainFactory grains, Guid workspaceId) =>
        grains.GetGrain<IContactWriterGrain>(workspaceId);
}
