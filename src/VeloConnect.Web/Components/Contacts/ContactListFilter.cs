using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using VeloConnect.Client;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Components.Contacts;

/// <summary>
/// The contact list's filters, named as the API names them (tag, source, assignedAgent, createdFrom/createdTo,
/// lastActivityFrom/lastActivityTo, field.&lt;key&gt;, optIn.&lt;channel&gt;, q). The page keeps them in its own URL with
/// the same names, so the page's query string is the API's filter.
/// </summary>
public sealed class ContactListFilter
{
    public const string FieldPrefix = "field.";
    public const string OptInPrefix = "optIn.";

    public static readonly IReadOnlyList<string> Channels = ["whatsapp", "sms", "email"];

    public static readonly IReadOnlyList<string> OptInStatuses = ["opted_in", "opted_out", "unknown"];

    public string Q { get; set; } = "";

    /// <summary>Tags separated by commas (a tag never contains one); a contact must have all of them.</summary>
    public string Tags { get; set; } = "";

    public string Source { get; set; } = "";

    /// <summary>A user id, "none" for unassigned contacts, or empty for anyone.</summary>
    public string AssignedAgent { get; set; } = "";

    public string CreatedFrom { get; set; } = "";

    public string CreatedTo { get; set; } = "";

    public string LastActivityFrom { get; set; } = "";

    public string LastActivityTo { get; set; } = "";

    /// <summary>Custom field values by field key.</summary>
    public Dictionary<string, string> Fields { get; } = new(StringComparer.Ordinal);

    /// <summary>Opt-in status by channel.</summary>
    public Dictionary<string, string> OptIns { get; } = new(StringComparer.Ordinal);

    public IReadOnlyList<string> TagList =>
        [.. Tags.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Distinct(StringComparer.OrdinalIgnoreCase)];

    public bool IsEmpty => ToQuery().Count == 0;

    /// <summary>The filter as query parameters, in a stable order; blank values are left out.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ToQuery()
    {
        var query = new List<KeyValuePair<string, string>>();
        void Add(string name, string value)
        {
            if (!string.IsNullOrWhiteSpace(value))
            {
                query.Add(new(name, value.Trim()));
            }
        }

        Add("q", Q);
        foreach (var tag in TagList)
        {
            Add("tag", tag);
        }

        Add("source", Source);
        Add("assignedAgent", AssignedAgent);
        Add("createdFrom", CreatedFrom);
        Add("createdTo", CreatedTo);
        Add("lastActivityFrom", LastActivityFrom);
        Add("lastActivityTo", LastActivityTo);
        foreach (var (key, value) in Fields.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(FieldPrefix + key, value);
        }

        foreach (var (channel, status) in OptIns.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Add(OptInPrefix + channel, status);
        }

        return query;
    }

    /// <summary>GET /api/contacts: a page of the contacts this filter selects.</summary>
    public Task<ContactListResponse> ListAsync(VeloApiClient api, string? cursor, int limit, CancellationToken cancellationToken) =>
        VeloApi.WithNamedFiltersAsync(NamedFilters(), () => api.ListContactsAsync(
            cursor, limit, Tag, Text(Source), Text(AssignedAgent), Text(CreatedFrom), Text(CreatedTo), Text(LastActivityFrom), Text(LastActivityTo), Text(Q), cancellationToken));

    /// <summary>GET /api/contacts/count: how many contacts this filter selects.</summary>
    public Task<ContactCountResponse> CountAsync(VeloApiClient api, CancellationToken cancellationToken) =>
        VeloApi.WithNamedFiltersAsync(NamedFilters(), () => api.CountContactsAsync(
            Tag, Text(Source), Text(AssignedAgent), Text(CreatedFrom), Text(CreatedTo), Text(LastActivityFrom), Text(LastActivityTo), Text(Q), cancellationToken));

    /// <summary>DELETE /api/contacts: deletes what this filter selects (with confirm=all, which the API asks for, when it selects every contact).</summary>
    public Task<DeleteContactsResponse> DeleteAsync(VeloApiClient api, CancellationToken cancellationToken) =>
        VeloApi.WithNamedFiltersAsync(NamedFilters(), () => api.DeleteContactsByFilterAsync(
            IsEmpty ? "all" : null, Tag, Text(Source), Text(AssignedAgent), Text(CreatedFrom), Text(CreatedTo), Text(LastActivityFrom), Text(LastActivityTo), Text(Q), cancellationToken));

    /// <summary>POST /api/exports: an export of what this filter selects, as <paramref name="format"/> (csv or json).</summary>
    public Task<ExportResponse> ExportAsync(VeloApiClient api, string format, CancellationToken cancellationToken) =>
        VeloApi.WithNamedFiltersAsync(NamedFilters(), () => api.StartExportAsync(
            format, Tag, Text(Source), Text(AssignedAgent), Text(CreatedFrom), Text(CreatedTo), Text(LastActivityFrom), Text(LastActivityTo), Text(Q), cancellationToken));

    private IReadOnlyList<string>? Tag => TagList is { Count: > 0 } tags ? tags : null;

    private static string? Text(string value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    /// <summary>The field and opt-in filters (their names vary, so the typed methods do not take them).</summary>
    private IReadOnlyList<KeyValuePair<string, string>> NamedFilters() =>
        [.. ToQuery().Where(p => p.Key.StartsWith(FieldPrefix, StringComparison.Ordinal) || p.Key.StartsWith(OptInPrefix, StringComparison.Ordinal))];

    /// <summary>"name=value&amp;…" with every part escaped; empty when there is no filter.</summary>
    public string ToQueryString() => Join(ToQuery());

    public static string Join(IEnumerable<KeyValuePair<string, string>> query)
    {
        var text = new StringBuilder();
        foreach (var (name, value) in query)
        {
            text.Append(text.Length == 0 ? "" : "&").Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }

    /// <summary>Reads the filter from a page address; parameters it does not know are kept so the API can name them.</summary>
    public static ContactListFilter FromUri(string uri)
    {
        var filter = new ContactListFilter();
        var query = QueryHelpers.ParseQuery(new Uri(uri).Query);
        foreach (var (name, values) in query)
        {
            var value = values.ToString();
            switch (name)
            {
                case "q": filter.Q = value; break;
                case "tag": filter.Tags = string.Join(", ", values.Where(v => !string.IsNullOrWhiteSpace(v))); break;
                case "source": filter.Source = value; break;
                case "assignedAgent": filter.AssignedAgent = value; break;
                case "createdFrom": filter.CreatedFrom = value; break;
                case "createdTo": filter.CreatedTo = value; break;
                case "lastActivityFrom": filter.LastActivityFrom = value; break;
                case "lastActivityTo": filter.LastActivityTo = value; break;
                default:
                    if (name.StartsWith(FieldPrefix, StringComparison.Ordinal))
                    {
                        filter.Fields[name[FieldPrefix.Length..]] = value;
                    }
                    else if (name.StartsWith(OptInPrefix, StringComparison.Ordinal))
                    {
                        filter.OptIns[name[OptInPrefix.Length..]] = value;
                    }

                    break;
            }
        }

        return filter;
    }

    /// <summary>The filter an export recorded (its "filter" object: name to a value or an array of values), as query parameters.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> FromExportFilter(JsonElement filter)
    {
        var query = new List<KeyValuePair<string, string>>();
        if (filter.ValueKind != JsonValueKind.Object)
        {
            return query;
        }

        foreach (var property in filter.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                query.AddRange(property.Value.EnumerateArray().Select(v => new KeyValuePair<string, string>(property.Name, v.ToString())));
            }
            else
            {
                query.Add(new(property.Name, property.Value.ToString()));
            }
        }

        return query;
    }

    /// <summary>A short human description such as "tag: vip, newsletter · source: import"; "All contacts" without a filter.</summary>
    public static string Describe(IEnumerable<KeyValuePair<string, string>> query, Func<Guid, string?>? agentName = null)
    {
        var parts = query
            .GroupBy(p => p.Key, StringComparer.Ordinal)
            .Select(group => $"{Label(group.Key)}: {string.Join(", ", group.Select(p => Value(group.Key, p.Value, agentName)))}")
            .ToList();
        return parts.Count == 0 ? "All contacts" : string.Join(" · ", parts);
    }

    public static string ChannelLabel(string channel) => channel switch
    {
        "whatsapp" => "WhatsApp",
        "sms" => "SMS",
        "email" => "Email",
        _ => channel,
    };

    public static string StatusLabel(string status) => status switch
    {
        "opted_in" => "opted in",
        "opted_out" => "opted out",
        "unknown" => "unknown",
        _ => status,
    };

    private static string Label(string name) => name switch
    {
        "q" => "search",
        "assignedAgent" => "assigned agent",
        "createdFrom" => "created from",
        "createdTo" => "created to",
        "lastActivityFrom" => "last activity from",
        "lastActivityTo" => "last activity to",
        _ when name.StartsWith(FieldPrefix, StringComparison.Ordinal) => name[FieldPrefix.Length..],
        _ when name.StartsWith(OptInPrefix, StringComparison.Ordinal) => ChannelLabel(name[OptInPrefix.Length..]) + " opt-in",
        _ => name,
    };

    private static string Value(string name, string value, Func<Guid, string?>? agentName) => name switch
    {
        "assignedAgent" when value.Equals("none", StringComparison.OrdinalIgnoreCase) => "unassigned",
        "assignedAgent" when Guid.TryParse(value, CultureInfo.InvariantCulture, out var id) => agentName?.Invoke(id) ?? value,
        _ when name.StartsWith(OptInPrefix, StringComparison.Ordinal) => StatusLabel(value),
        _ => value,
    };
}
