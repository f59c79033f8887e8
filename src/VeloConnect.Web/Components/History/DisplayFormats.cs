using System.Globalization;

namespace VeloConnect.Web.Components.History;

/// <summary>How the history, notification and audit pages write times and numbers: UTC (the server cannot know the
/// browser's time zone before the page is interactive), thousands separated.</summary>
public static class DisplayFormats
{
    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    public static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", Culture);

    public static string Time(DateTimeOffset? at) => at is { } value ? Time(value) : "—";

    /// <summary>The instant as ISO 8601 for a &lt;time datetime&gt; attribute.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Count(int value) => value.ToString("N0", Culture);

    /// <summary>
    /// A running job (import, undo, export) whose silo is gone: when it stopped, and that it resumes by itself. The API
    /// answers <c>waitingForSilo</c> with <c>stalledAt</c>, its job's last sign of life.
    /// </summary>
    public static string WaitingForSilo(DateTimeOffset stalledAt) =>
        $"Waiting for a silo since {Time(stalledAt)}: the service that runs it stopped. It resumes where it stopped once the service is back; nothing is lost.";

    public static string Count(long value) => value.ToString("N0", Culture);

    public static string Plural(int value, string one, string many) => $"{Count(value)} {(value == 1 ? one : many)}";

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{(bytes / 1024d).ToString("0.#", Culture)} KB",
        _ => $"{(bytes / (1024d * 1024)).ToString("0.#", Culture)} MB",
    };

    /// <summary>How long ago, in words, for notifications ("5 minutes ago").</summary>
    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var span = now - at;
        return span switch
        {
            { TotalMinutes: < 1 } => "just now",
            { TotalHours: < 1 } => $"{Plural((int)span.TotalMinutes, "minute", "minutes")} ago",
            { TotalDays: < 1 } => $"{Plural((int)span.TotalHours, "hour", "hours")} ago",
            { TotalDays: < 30 } => $"{Plural((int)span.TotalDays, "day", "days")} ago",
            _ => Time(at),
        };
    }
}
