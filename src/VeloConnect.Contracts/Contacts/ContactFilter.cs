namespace VeloConnect.Contracts.Contacts;

/// <summary>
/// The contact list's filters (docs/spec/product.md): every condition given must hold. Used by the list, delete-by-filter
/// and exports, so all three select exactly the same contacts.
/// </summary>
/// <param name="Tags">The contact has every one of these tags (case-insensitive).</param>
/// <param name="Source">Exact source, case-insensitive ("CSV import", "API", "Manual", …).</param>
/// <param name="AssignedAgentId">Assigned to this agent; see <paramref name="Unassigned"/> for "nobody".</param>
/// <param name="Custom">Custom field key → canonical JSON value the contact's value must equal (multi-select: contain).</param>
/// <param name="OptIns">Channel name → status name ("opted_in", "opted_out", "unknown").</param>
/// <param name="Search">Text search over name, email and phones (case-insensitive substring).</param>
[GenerateSerializer, Immutable, Alias("velo.ContactFilter")]
public sealed record ContactFilter(
    [property: Id(0)] IReadOnlyList<string> Tags,
    [property: Id(1)] string? Source,
    [property: Id(2)] Guid? AssignedAgentId,
    [property: Id(3)] bool Unassigned,
    [property: Id(4)] DateTimeOffset? CreatedFrom,
    [property: Id(5)] DateTimeOffset? CreatedTo,
    [property: Id(6)] DateTimeOffset? LastActivityFrom,
    [property: Id(7)] DateTimeOffset? LastActivityTo,
    [property: Id(8)] IReadOnlyDictionary<string, string> Custom,
    [property: Id(9)] IReadOnlyDictionary<string, string> OptIns,
    [property: Id(10)] string? Search)
{
    public static readonly ContactFilter None = new([], null, null, false, null, null, null, null, new Dictionary<string, string>(), new Dictionary<string, string>(), null);

    public bool IsEmpty =>
        Tags.Count == 0 && Source is null && AssignedAgentId is null && !Unassigned && CreatedFrom is null && CreatedTo is null
        && LastActivityFrom is null && LastActivityTo is null && Custom.Count == 0 && OptIns.Count == 0 && string.IsNullOrEmpty(Search);
}

/// <summary>A deliberate opt-in change for one channel, with how the consent was given or withdrawn.</summary>
[GenerateSerializer, Immutable, Alias("velo.OptInChange")]
public sealed record OptInChange(
    [property: Id(0)] string Channel,
    [property: Id(1)] string Status,
    [property: Id(2)] string Source);
