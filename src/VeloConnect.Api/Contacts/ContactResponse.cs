using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using VeloConnect.ContactRules.Contacts;
using OptInRules = VeloConnect.ContactRules.Contacts.OptIns;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Api.Contacts;

public sealed record OptInResponse(string Status, DateTimeOffset? SetAt, string? Source);

/// <summary>
/// A contact as the API shows it: normalised values, custom values as typed JSON, every channel's effective opt-in (the
/// contact's own, or the opt-out of a phone or email it holds), and after a create or edit the write's warnings, if any.
/// </summary>
public sealed record ContactResponse(
    Guid Id,
    string? Name,
    IReadOnlyList<string> Phones,
    string? Email,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, JsonNode?> Custom,
    IReadOnlyDictionary<string, OptInResponse> OptIns,
    string Source,
    Guid? AssignedAgentId,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Warnings = null)
{
    public static ContactResponse From(ContactRecord record, IEnumerable<OptInRecord> optIns)
    {
        var byChannel = optIns.Where(o => o.ContactId == record.Id).ToDictionary(o => o.Channel);
        return new ContactResponse(
            record.Id,
            record.Data.Name,
            record.Data.Phones,
            record.Data.Email,
            record.Data.Tags,
            record.Data.Custom.ToDictionary(p => p.Key, p => FieldValues.ToJson(p.Value)),
            OptInRules.Channels.ToDictionary(
                OptInRules.Name,
                channel => byChannel.TryGetValue(channel, out var o)
                    ? new OptInResponse(OptInRules.Name(o.Status), o.SetAt, o.Source)
                    : new OptInResponse(OptInRules.Name(OptInStatus.Unknown), null, null)),
            record.Source,
            record.Data.AssignedAgentId,
            record.CreatedAt,
            record.LastActivityAt,
            record.UpdatedAt);
    }
}

public sealed record ContactListResponse(IReadOnlyList<ContactResponse> Items, string? NextCursor);

public sealed record DeleteContactsRequest(IReadOnlyList<Guid>? Ids);

public sealed record DeleteContactsResponse(int Deleted, int NotFound);

public sealed record ContactCountResponse(long Count);

public sealed record OptInRequest(string? Status, string? Source);

public sealed record WriteWarningsResponse(ContactResponse Contact, IReadOnlyList<string> Warnings);
