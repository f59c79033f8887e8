using System.Text.Json.Nodes;

namespace VeloConnect.Web.Api;

/// <summary>One channel's consent as GET /api/contacts shows it: opted_in, opted_out or unknown.</summary>
public sealed record ContactOptIn(string Status, DateTimeOffset? SetAt, string? Source);

/// <summary>A contact as the API lists it (GET /api/contacts).</summary>
public sealed record ContactItem(
    Guid Id,
    string? Name,
    IReadOnlyList<string> Phones,
    string? Email,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, JsonNode?> Custom,
    IReadOnlyDictionary<string, ContactOptIn> OptIns,
    string Source,
    Guid? AssignedAgentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset UpdatedAt);

/// <summary>A page of the contact list; <c>NextCursor</c> is null on the last page.</summary>
public sealed record ContactListPage(IReadOnlyList<ContactItem> Items, string? NextCursor);

/// <summary>GET /api/contacts/count: how many contacts a filter selects.</summary>
public sealed record ContactCount(long Count);

/// <summary>The body of POST /api/contacts/delete.</summary>
public sealed record DeleteContactsBody(IReadOnlyList<Guid> Ids);

/// <summary>What a delete (by ids or by filter) did.</summary>
public sealed record DeletedContacts(int Deleted, int NotFound);
