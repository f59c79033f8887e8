using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.Data.Contacts;

/// <summary>A contact a batch write changes: its stored record (none for a new one), its data after the batch, and the identifiers it gains and loses.</summary>
public sealed record PlannedContact(Guid Id, ContactRecord? Stored, ContactData Data, IReadOnlyList<Identifier> Added, IReadOnlyList<Identifier> Removed)
{
    public bool IsNew => Stored is null;

    /// <summary>The contact as it is once this change is written (what the next batch plans against).</summary>
    public ContactRecord AsWritten(Guid workspaceId, string source, DateTimeOffset now) => Stored is { } stored
        ? stored with { Data = Data, LastActivityAt = now, UpdatedAt = now, Version = stored.Version + 1 }
        : new ContactRecord(Id, workspaceId, Data, source, now, now, now, 1);
}
