using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.Data.Contacts;

/// <summary>A stored contact: its mergeable data plus the audit fields the store keeps.</summary>
public sealed record ContactRecord(
    Guid Id,
    Guid WorkspaceId,
    ContactData Data,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset UpdatedAt,
    int Version);

/// <summary>One channel's consent as stored.</summary>
public sealed record OptInRecord(Guid ContactId, Channel Channel, OptInStatus Status, DateTimeOffset SetAt, string Source, Guid? SetBy);
