namespace VeloConnect.Data.Contacts;

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
public sealed record ContactFilter(
    IReadOnlyList<string> Tags,
    string? Source,
    Guid? AssignedAgentId,
    bool Unassigned,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    DateTimeOffset? LastActivityFrom,
    DateTimeOffset? LastActivityTo,
    IReadOnlyDictionary<string, string> Custom,
    IReadOnlyDictionary<string, string> OptIns,
    string? Search)
{
    public static readonly ContactFilter None = new([], null, null, false, null, null, null, null, new Dictionary<string, string>(), new Dictionary<string, string>(), null);

    public bool IsEmpty =>
        Tags.Count == 0 && Source is null && AssignedAgentId is null && !Unassigned && CreatedFrom is null && CreatedTo is null
        && LastActivityFrom is null && LastActivityTo is null && Custom.Count == 0 && OptIns.Count == 0 && string.IsNullOrEmpty(Search);
}
