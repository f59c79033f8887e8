using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// Reads a contact from a create (POST) or edit (PATCH) body, normalising and validating every value with the rules
/// library. Problems are collected per property, each saying what to send instead.
/// </summary>
internal sealed class ContactRequestReader(IReadOnlyList<FieldDefinition> fields, string defaultRegion)
{
    private static readonly string[] CreateProperties = ["name", "phones", "email", "tags", "custom", "assignedAgentId", "source", "region"];
    private static readonly string[] EditProperties = ["name", "phones", "email", "tags", "custom", "assignedAgentId", "region"];

    /// <summary>The sources a caller may give a contact it creates; imports set their own.</summary>
    public static readonly string[] CreateSources = ["API", "Manual"];

    public Dictionary<string, string[]> Errors { get; } = [];

    public ContactWrite? ReadCreate(JsonObject body, out string source)
    {
        source = "API";
        CheckProperties(body, CreateProperties);
        var region = ReadRegion(body);
        var name = ReadText(body, "name", 200);
        var phones = ReadPhones(body, region) ?? [];
        var email = ReadEmail(body);
        var tags = ReadTags(body) ?? [];
        var custom = ReadCustom(body, allowNull: false);
        var agent = ReadAgent(body, out _);
        if (body["source"] is { } sourceNode)
        {
            var given = sourceNode.GetValueKind() == JsonValueKind.String ? sourceNode.GetValue<string>() : null;
            var match = CreateSources.FirstOrDefault(s => string.Equals(s, given, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                Add("source", $"Source must be one of {string.Join(", ", CreateSources)} (imports set 'CSV import' themselves).");
            }
            else
            {
                source = match;
            }
        }

        if (phones.Count == 0 && email is null && !Errors.ContainsKey("phones") && !Errors.ContainsKey("email"))
        {
            Add("phones", "A contact needs a phone or an email: send 'phones' (the first is the primary) or 'email'.");
        }

        if (Errors.Count > 0)
        {
            return null;
        }

        return new ContactWrite(name, phones.FirstOrDefault(), [.. phones.Skip(1)], email, tags,
            custom!.Where(p => p.Value is not null).ToDictionary(p => p.Key, p => p.Value!), agent);
    }

    public ContactEditCommand? ReadEdit(JsonObject body)
    {
        CheckProperties(body, EditProperties);
        var region = ReadRegion(body);
        // A blank name clears it, as a blank email does (a form sends "" for an emptied box); ignoring it would answer 200 and keep the old name.
        var clearName = body.ContainsKey("name") && IsNullOrBlank(body["name"]);
        var name = ReadText(body, "name", 200);
        IReadOnlyList<string>? phones = null;
        if (body.ContainsKey("phones"))
        {
            phones = body["phones"] is null ? [] : ReadPhones(body, region);
        }

        var clearEmail = body.ContainsKey("email") && IsNullOrBlank(body["email"]);
        var email = ReadEmail(body);
        IReadOnlyList<string>? tags = body.ContainsKey("tags") ? (body["tags"] is null ? [] : ReadTags(body)) : null;
        var custom = body.ContainsKey("custom") ? ReadCustom(body, allowNull: true) : null;
        var agent = ReadAgent(body, out var clearAgent);
        if (body.Count == 0)
        {
            Add("body", "Send at least one of: " + string.Join(", ", EditProperties.SkipLast(1)) + ".");
        }

        return Errors.Count > 0 ? null : new ContactEditCommand(name, clearName, phones, email, clearEmail, tags, custom, agent, clearAgent);
    }

    private static bool IsNullOrBlank(JsonNode? node) =>
        node is null || node is JsonValue value && value.GetValueKind() == JsonValueKind.String && string.IsNullOrWhiteSpace(value.GetValue<string>());

    private void CheckProperties(JsonObject body, string[] allowed)
    {
        foreach (var (key, _) in body)
        {
            if (key is "optIns" or "opt_ins" or "optIn")
            {
                Add(key, "Opt-ins cannot be set here: use PUT /api/contacts/{id}/opt-ins/{channel} with the status and the consent's source.");
            }
            else if (!allowed.Contains(key))
            {
                Add(key, $"Unknown property '{key}'. Allowed: {string.Join(", ", allowed)}.");
            }
        }
    }

    private string ReadRegion(JsonObject body)
    {
        var region = ReadText(body, "region", 2);
        if (region is null)
        {
            return defaultRegion;
        }

        if (!Phones.IsKnownRegion(region))
        {
            Add("region", $"'{region}' is not a region code; use a two-letter code such as US, GB or DE.");
            return defaultRegion;
        }

        return region.ToUpperInvariant();
    }

    private string? ReadText(JsonObject body, string property, int maxLength)
    {
        if (body[property] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Add(property, $"'{property}' must be a string.");
            return null;
        }

        var text = node.GetValue<string>().Trim();
        if (text.Length > maxLength)
        {
            Add(property, $"'{property}' is longer than {maxLength} characters; shorten it.");
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private List<string>? ReadPhones(JsonObject body, string region)
    {
        if (body["phones"] is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(i => i is null || i.GetValueKind() != JsonValueKind.String))
        {
            Add("phones", "'phones' must be an array of strings, the primary phone first, e.g. [\"+14155550100\"].");
            return null;
        }

        var phones = new List<string>();
        foreach (var item in array)
        {
            if (!Phones.TryNormalize(item!.GetValue<string>(), region, out var e164, out var error))
            {
                Add("phones", error!);
            }
            else if (e164 is not null && !phones.Contains(e164))
            {
                phones.Add(e164);
            }
        }

        if (ContactLimits.TooManyPhones(phones.Count) is { } tooMany)
        {
            Add("phones", tooMany);
        }

        return phones;
    }

    private string? ReadEmail(JsonObject body)
    {
        if (body["email"] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() != JsonValueKind.String)
        {
            Add("email", "'email' must be a string such as \"ann@example.com\".");
            return null;
        }

        if (!Emails.TryNormalize(node.GetValue<string>(), out var email, out var error))
        {
            Add("email", error!);
        }

        return email;
    }

    private IReadOnlyList<string>? ReadTags(JsonObject body)
    {
        if (body["tags"] is not { } node)
        {
            return null;
        }

        if (node is not JsonArray array || array.Any(i => i is null || i.GetValueKind() != JsonValueKind.String))
        {
            Add("tags", "'tags' must be an array of strings, e.g. [\"vip\", \"newsletter\"].");
            return null;
        }

        var tags = Tags.Distinct(array.Select(i => i!.GetValue<string>()));
        if (Tags.Validate(tags) is { } error)
        {
            Add("tags", error);
        }

        if (ContactLimits.TooManyTags(tags.Count) is { } tooMany)
        {
            Add("tags", tooMany);
        }

        return tags;
    }

    private Dictionary<string, string?>? ReadCustom(JsonObject body, bool allowNull)
    {
        var custom = new Dictionary<string, string?>();
        if (body["custom"] is not { } node)
        {
            return custom;
        }

        if (node is not JsonObject values)
        {
            Add("custom", "'custom' must be an object of field key → value, e.g. {\"loyalty_tier\": \"Gold\"}.");
            return null;
        }

        foreach (var (key, value) in values)
        {
            var field = fields.FirstOrDefault(f => f.Key == key);
            if (field is null)
            {
                Add($"custom.{key}", $"There is no contact field '{key}'. Create it in Settings → Contact fields (POST /api/fields) first; existing keys: {(fields.Count == 0 ? "none" : string.Join(", ", fields.Select(f => f.Key)))}.");
                continue;
            }

            if (value is null && !allowNull)
            {
                continue;
            }

            if (!FieldValues.TryParseJson(field, value, out var canonical, out var error))
            {
                Add($"custom.{key}", error!);
                continue;
            }

            custom[key] = canonical;
        }

        return custom;
    }

    private Guid? ReadAgent(JsonObject body, out bool clear)
    {
        clear = body.ContainsKey("assignedAgentId") && body["assignedAgentId"] is null;
        if (body["assignedAgentId"] is not { } node)
        {
            return null;
        }

        if (node.GetValueKind() == JsonValueKind.String && Guid.TryParse(node.GetValue<string>(), out var id))
        {
            return id;
        }

        Add("assignedAgentId", "'assignedAgentId' must be the id of a user of this workspace (GET /api/users), or null to unassign.");
        return null;
    }

    private void Add(string property, string message) =>
        Errors[property] = Errors.TryGetValue(property, out var existing) ? [.. existing, message] : [message];
}
