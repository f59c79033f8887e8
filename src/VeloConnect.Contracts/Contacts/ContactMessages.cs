namespace VeloConnect.Contracts.Contacts;

/// <summary>One incoming contact, already normalised (E.164 phones, trimmed email, canonical custom values).</summary>
[GenerateSerializer, Immutable, SuppressReferenceTracking, Alias("velo.ContactWrite")]
public sealed record ContactWrite(
    [property: Id(0)] string? Name,
    [property: Id(1)] string? PrimaryPhone,
    [property: Id(2)] IReadOnlyList<string> AdditionalPhones,
    [property: Id(3)] string? Email,
    [property: Id(4)] IReadOnlyList<string> Tags,
    [property: Id(5)] IReadOnlyDictionary<string, string> Custom,
    [property: Id(6)] Guid? AssignedAgentId);

[GenerateSerializer, Alias("velo.UpsertMode")]
public enum UpsertMode
{
    /// <summary>Create a contact; if one of the identifiers already belongs to a contact, report it and change nothing.</summary>
    CreateOnly,

    /// <summary>Create, or merge into the contact that owns the identifiers (phone first, then email).</summary>
    Merge,
}

/// <summary>
/// Who writes and how: the source new contacts get ("CSV import", "API", …) and the acting user. An import row's
/// write names its row, and the row's result is recorded in the same transaction as the contact change.
/// </summary>
[GenerateSerializer, Immutable, Alias("velo.WriteContext")]
public sealed record WriteContext(
    [property: Id(0)] string Source,
    [property: Id(1)] Guid? UserId,
    [property: Id(2)] ImportRowRef? Row = null);

/// <summary>One row of one import, and what reading it warned of (values left out), recorded with the row before the write's own warnings.</summary>
[GenerateSerializer, Immutable, Alias("velo.ImportRowRef")]
public sealed record ImportRowRef(
    [property: Id(0)] Guid ImportId,
    [property: Id(1)] int RowNumber,
    [property: Id(2)] IReadOnlyList<string>? Warnings = null);

[GenerateSerializer, Alias("velo.WriteOutcome")]
public enum WriteOutcome
{
    Created,
    Updated,
    Unchanged,
    AlreadyExists,
    Failed,

    /// <summary>An identifier the write needs belongs to another contact (<see cref="WriteResult.ConflictContactId"/>); nothing was changed.</summary>
    Conflict,

    /// <summary>The contact does not exist (in this workspace).</summary>
    NotFound,
}

[GenerateSerializer, Immutable, Alias("velo.WriteResult")]
public sealed record WriteResult(
    [property: Id(0)] WriteOutcome Outcome,
    [property: Id(1)] Guid ContactId,
    [property: Id(2)] IReadOnlyList<string> Warnings,
    [property: Id(3)] string? Error = null,
    [property: Id(4)] Guid? ConflictContactId = null)
{
    public static WriteResult Failure(string error) => new(WriteOutcome.Failed, Guid.Empty, [], error);
}

/// <summary>A deliberate edit (contacts API): given members replace; null leaves as is; Clear* removes.</summary>
[GenerateSerializer, Immutable, Alias("velo.ContactEditCommand")]
public sealed record ContactEditCommand(
    [property: Id(0)] string? Name,
    [property: Id(1)] bool ClearName,
    [property: Id(2)] IReadOnlyList<string>? Phones,
    [property: Id(3)] string? Email,
    [property: Id(4)] bool ClearEmail,
    [property: Id(5)] IReadOnlyList<string>? Tags,
    [property: Id(6)] IReadOnlyDictionary<string, string?>? Custom,
    [property: Id(7)] Guid? AssignedAgentId,
    [property: Id(8)] bool ClearAssignedAgent);

/// <summary>A deliberate opt-in change for one channel, with how the consent was given or withdrawn.</summary>
[GenerateSerializer, Immutable, Alias("velo.OptInChange")]
public sealed record OptInChange(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Status,
    [property: Id(2)] string Source);
