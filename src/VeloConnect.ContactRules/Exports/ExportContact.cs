using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Exports;

public enum ExportFormat
{
    Csv,
    Json,
}

/// <summary>One channel's consent as an export shows it; <see cref="OptInStatus.Unknown"/> when never set.</summary>
public sealed record ExportOptIn(OptInStatus Status, DateTimeOffset? SetAt, string? Source)
{
    public static readonly ExportOptIn Unknown = new(OptInStatus.Unknown, null, null);
}

/// <summary>Everything an export writes about one contact: its data, the audit fields and every channel's opt-in.</summary>
public sealed record ExportContact(
    Guid Id,
    ContactData Data,
    string Source,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastActivityAt,
    string? AssignedAgentName,
    IReadOnlyDictionary<Channel, ExportOptIn> OptIns)
{
    public ExportOptIn OptIn(Channel channel) => OptIns.TryGetValue(channel, out var optIn) ? optIn : ExportOptIn.Unknown;
}

public static class ExportFormats
{
    public static string Name(ExportFormat format) => format == ExportFormat.Json ? "json" : "csv";

    public static string ContentType(ExportFormat format) => format == ExportFormat.Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";

    public static bool TryParse(string? text, out ExportFormat format)
    {
        foreach (var candidate in (ExportFormat[])[ExportFormat.Csv, ExportFormat.Json])
        {
            if (string.Equals(Name(candidate), text?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                return true;
            }
        }

        format = default;
        return false;
    }
}
