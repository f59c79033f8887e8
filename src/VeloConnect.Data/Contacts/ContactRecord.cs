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

/// <summary>
/// What an opt-in change found: the contact's effective status before it (and that consent), and whether it was refused
/// (clearing to unknown while opted out: only an explicit opt-in lifts an opt-out).
/// </summary>
public sealed record OptInChangeResult(OptInStatus Previous, ChannelConsent? PreviousConsent, bool Refused);
