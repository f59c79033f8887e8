using System.Globalization;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// Reads the contact list's filters from a query string: <c>tag</c> (repeatable: all must match), <c>source</c>,
/// <c>assignedAgent</c> (a user id, or <c>none</c>), <c>createdFrom</c>/<c>createdTo</c>,
/// <c>lastActivityFrom</c>/<c>lastActivityTo</c> (ISO 8601; a date alone as "to" includes that whole day),
/// <c>field.&lt;key&gt;</c> (a custom field's value), <c>optIn.&lt;channel&gt;</c> (opted_in, opted_out, unknown), <c>q</c> (text search).
/// </summary>
internal static class ContactFilterReader
{
    public static readonly string[] Parameters = ["tag", "source", "assignedAgent", "createdFrom", "createdTo", "lastActivityFrom", "lastActivityTo", "q", "field.<key>", "optIn.<channel>"];

    private static readonly string[] Paging = ["cursor", "limit", "confirm"];

    public static ContactFilter Read(IQueryCollection query, IReadOnlyList<FieldDefinition> fields, Dictionary<string, string[]> errors)
    {
        var custom = new Dictionary<string, string>();
        var optIns = new Dictionary<string, string>();
        foreach (var (name, values) in query)
        {
            if (name.StartsWith("field.", StringComparison.Ordinal))
            {
                var key = name["field.".Length..];
                var field = fields.FirstOrDefault(f => f.Key == key);
                if (field is null)
                {
                    Add(errors, name, $"There is no contact field '{key}'; filter on one of: {(fields.Count == 0 ? "none defined" : string.Join(", ", fields.Select(f => f.Key)))}.");
                }
                else if (!FieldValues.TryParseText(field, values.ToString(), out var canonical, out var error) || canonical is null)
                {
                    Add(errors, name, error ?? $"Give a value to filter '{key}' on.");
                }
                else
                {
                    custom[key] = canonical;
                }
            }
            else if (name.StartsWith("optIn.", StringComparison.Ordinal))
            {
                var channelText = name["optIn.".Length..];
                if (!OptIns.TryParseChannel(channelText, out var channel))
                {
                    Add(errors, name, $"'{channelText}' is not a channel; use whatsapp, sms or email.");
                }
                else if (!OptIns.TryParseStatus(values.ToString(), out var status))
                {
                    Add(errors, name, $"'{values}' is not an opt-in status; use opted_in, opted_out or unknown.");
                }
                else
                {
                    optIns[OptIns.Name(channel)] = OptIns.Name(status);
                }
            }
            else if (!Parameters.Contains(name) && !Paging.Contains(name))
            {
                Add(errors, name, $"Unknown filter '{name}'. Filters: {string.Join(", ", Parameters)}; paging: cursor, limit.");
            }
        }

        Guid? agent = null;
        var unassigned = false;
        if (query["assignedAgent"] is { Count: > 0 } agentText)
        {
            if (string.Equals(agentText, "none", StringComparison.OrdinalIgnoreCase))
            {
                unassigned = true;
            }
            else if (Guid.TryParse(agentText, out var id))
            {
                agent = id;
            }
            else
            {
                Add(errors, "assignedAgent", "'assignedAgent' is a user id (GET /api/users) or 'none' for unassigned contacts.");
            }
        }

        return new ContactFilter(
            Tags.Distinct(query["tag"].Select(t => t)),
            string.IsNullOrWhiteSpace(query["source"]) ? null : query["source"].ToString().Trim(),
            agent,
            unassigned,
            ReadDate(query, "createdFrom", errors, endOfDay: false),
            ReadDate(query, "createdTo", errors, endOfDay: true),
            ReadDate(query, "lastActivityFrom", errors, endOfDay: false),
            ReadDate(query, "lastActivityTo", errors, endOfDay: true),
            custom,
            optIns,
            string.IsNullOrWhiteSpace(query["q"]) ? null : query["q"].ToString().Trim());
    }

    /// <summary>The filter as the audit log records it: only what was given.</summary>
    public static Dictionary<string, object?> Describe(IQueryCollection query) =>
        query.Where(p => !Paging.Contains(p.Key)).ToDictionary(p => p.Key, p => (object?)(p.Value.Count == 1 ? p.Value.ToString() : p.Value.ToArray()));

    private static DateTimeOffset? ReadDate(IQueryCollection query, string name, Dictionary<string, string[]> errors, bool endOfDay)
    {
        var text = query[name].ToString();
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var start = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            return endOfDay ? start.AddDays(1) : start;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var instant))
        {
            // PostgreSQL's timestamptz takes only UTC values from Npgsql: "…T14:00:00+02:00" is 12:00 UTC.
            return instant.ToUniversalTime();
        }

        Add(errors, name, $"'{text}' is not a date; use YYYY-MM-DD or an ISO 8601 time such as 2026-03-31T12:00:00Z.");
        return null;
    }

    private static void Add(Dictionary<string, string[]> errors, string key, string message) =>
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
}
