using System.Text.Json;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// Reads a contact from a create (POST) or edit (PATCH) body, or a bulk request's item, normalising and validating every
/// value with the rules library. Problems are collected per property, each saying what to send instead. The body is a
/// <see cref="JsonElement"/> of a document the caller owns: what is kept is copied out of it (strings, canonical values).
/// </summary>
internal sealed class ContactRequestReader(IReadOnlyList<FieldDefinition> fields, string defaultRegion)
{
    private static readonly string[] CreateProperties = ["name", "phones", "email", "tags", "custom", "assignedAgentId", "source", "region"];
    private static readonly string[] EditProperties = ["name", "phones", "email", "tags", "custom", "assignedAgentId", "region"];

    /// <summary>The sources a caller may give a contact it creates; imports set their own.</summary>
    public static readonly string[] CreateSources = ["API", "Manual"];

    public Dictionary<string, string[]> Errors { get; } = [];

    /// <summary>readSource: false for a bulk item, which takes no source (its caller says so; it is not read here).</summary>
    public ContactWrite? ReadCreate(JsonElement body, out string source, bool readSource = true)
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
        if (readSource && body.TryGetProperty("source", out var sourceNode))
        {
            var given = sourceNode.ValueKind == JsonValueKind.String ? sourceNode.GetString() : null;
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

    public ContactEditCommand? ReadEdit(JsonElement body)
    {
        CheckProperties(body, EditProperties);
        var region = ReadRegion(body);
        // A blank name clears it, as a blank email does (a form sends "" for an emptied box); ignoring it would answer 200 and keep the old name.
        var clearName = body.TryGetProperty("name", out var nameNode) && IsNullOrBlank(nameNode);
        var name = ReadText(body, "name", 200);
        IReadOnlyList<string>? phones = null;
        if (body.TryGetProperty("phones", out var phonesNode))
        {
            phones = phonesNode.ValueKind == JsonValueKind.Null ? [] : ReadPhones(body, region);
        }

        var clearEmail = body.TryGetProperty("email", out var emailNode) && IsNullOrBlank(emailNode);
        var email = ReadEmail(body);
        IReadOnlyList<string>? tags = body.TryGetProperty("tags", out var tagsNode) ? (tagsNode.ValueKind == JsonValueKind.Null ? [] : ReadTags(body)) : null;
        var custom = body.TryGetProperty("custom", out _) ? ReadCustom(body, allowNull: true) : null;
        var agent = ReadAgent(body, out var clearAgent);
        if (!body.EnumerateObject().Any())
        {
            Add("body", "Send at least one of: " + string.Join(", ", EditProperties.SkipLast(1)) + ".");
        }

        return Errors.Count > 0 ? null : new ContactEditCommand(name, clearName, phones, email, clearEmail, tags, custom, agent, clearAgent);
    }

    private static bool IsNullOrBlank(JsonElement node) =>
        node.ValueKind == JsonValueKind.Null || node.ValueKind == JsonValueKind.String && string.IsNullOrWhiteSpace(node.GetString());

    /// <summary>Property names are compared as the body's bytes; only a name that is not allowed is read as a string.</summary>
    private void CheckProperties(JsonElement body, string[] allowed)
    {
        foreach (var property in body.EnumerateObject())
        {
            if (allowed.Any(property.NameEquals))
            {
                continue;
            }

            var key = property.Name;
            if (key is "optIns" or "opt_ins" or "optIn")
            {
                Add(key, "Opt-ins cannot be set here: use PUT /api/contacts/{id}/opt-ins/{channel} with the status and the consent's source.");
            }
            else
            {
                Add(key, $"Unknown property '{key}'. Allowed: {string.Join(", ", allowed)}.");
            }
        }
    }

    private string ReadRegion(JsonElement body)
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

    private string? ReadText(JsonElement body, string property, int maxLength)
    {
        if (Value(body, property) is not { } node)
        {
            return null;
        }

        if (node.ValueKind != JsonValueKind.String)
        {
            Add(property, $"'{property}' must be a string.");
            return null;
        }

        var text = node.GetString()!.Trim();
        if (text.Length > maxLength)
        {
            Add(property, $"'{property}' is longer than {maxLength} characters; shorten it.");
            return null;
        }

        return text.Length == 0 ? null : text;
    }

    private List<string>? ReadPhones(JsonElement body, string region)
    {
        if (Value(body, "phones") is not { } node)
        {
            return null;
        }

        if (!IsArrayOfStrings(node))
        {
            Add("phones", "'phones' must be an array of strings, the primary phone first, e.g. [\"+14155550100\"].");
            return null;
        }

        var phones = new List<string>();
        foreach (var item in node.EnumerateArray())
        {
            if (!Phones.TryNormalize(item.GetString()!, region, out var e164, out var error))
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

    private string? ReadEmail(JsonElement body)
    {
        if (Value(body, "email") is not { } node)
        {
            return null;
        }

        if (node.ValueKind != JsonValueKind.String)
        {
            Add("email", "'email' must be a string such as \"ann@example.com\".");
            return null;
        }

        if (!Emails.TryNormalize(node.GetString()!, out var email, out var error))
        {
            Add("email", error!);
        }

        return email;
    }

    private IReadOnlyList<string>? ReadTags(JsonElement body)
    {
        if (Value(body, "tags") is not { } node)
        {
            return null;
        }

        if (!IsArrayOfStrings(node))
        {
            Add("tags", "'tags' must be an array of strings, e.g. [\"vip\", \"newsletter\"].");
            return null;
        }

        var tags = Tags.Distinct(node.EnumerateArray().Select(i => i.GetString()!));
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

    private Dictionary<string, string?>? ReadCustom(JsonElement body, bool allowNull)
    {
        var custom = new Dictionary<string, string?>();
        if (Value(body, "custom") is not { } node)
        {
            return custom;
        }

        if (node.ValueKind != JsonValueKind.Object)
        {
            Add("custom", "'custom' must be an object of field key → value, e.g. {\"loyalty_tier\": \"Gold\"}.");
            return null;
        }

        foreach (var property in node.EnumerateObject())
        {
            var (key, value) = (property.Name, property.Value);
            var field = fields.FirstOrDefault(f => f.Key == key);
            if (field is null)
            {
                Add($"custom.{key}", $"There is no contact field '{key}'. Create it in Settings → Contact fields (POST /api/fields) first; existing keys: {(fields.Count == 0 ? "none" : string.Join(", ", fields.Select(f => f.Key)))}.");
                continue;
            }

            if (value.ValueKind == JsonValueKind.Null && !allowNull)
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

    private Guid? ReadAgent(JsonElement body, out bool clear)
    {
        clear = body.TryGetProperty("assignedAgentId", out var given) && given.ValueKind == JsonValueKind.Null;
        if (Value(body, "assignedAgentId") is not { } node)
        {
            return null;
        }

        if (node.ValueKind == JsonValueKind.String && Guid.TryParse(node.GetString(), out var id))
        {
            return id;
        }

        Add("assignedAgentId", "'assignedAgentId' must be the id of a user of this workspace (GET /api/users), or null to unassign.");
        return null;
    }

    /// <summary>The property's value; null when it is missing or JSON null (as a missing one, except where an edit clears).</summary>
    private static JsonElement? Value(JsonElement body, string property) =>
        body.TryGetProperty(property, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static bool IsArrayOfStrings(JsonElement node) =>
        node.ValueKind == JsonValueKind.Array && node.EnumerateArray().All(i => i.ValueKind == JsonValueKind.String);

    private void Add(string property, string message) =>
        Errors[property] = Errors.TryGetValue(property, out var existing) ? [.. existing, message] : [message];
}
