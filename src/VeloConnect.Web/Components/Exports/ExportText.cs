using System.Globalization;
using VeloConnect.Client;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Components.Exports;

/// <summary>How exports read on screen: status, progress, size, times.</summary>
public static class ExportText
{
    public static string Time(DateTimeOffset? time) =>
        time is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Size(long? bytes) => bytes switch
    {
        null => "",
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => (bytes.Value / 1024d).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes.Value / (1024d * 1024d)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };

    public static string Format(string format) => format.ToUpperInvariant();

    public static string Status(ExportResponse export) => export.Status switch
    {
        ExportStatus.Running when export.WaitingForSilo => "Waiting for a silo",
        ExportStatus.Running => "Running",
        ExportStatus.Ready => "Ready",
        ExportStatus.Failed => "Failed",
        ExportStatus.Expired => "Expired",
        _ => export.Status,
    };

    /// <summary>"1,234 of 5,000 contacts written", or "Starting…" before the export knows its total.</summary>
    public static string Progress(ExportResponse export) => export.TotalRows is { } total
        ? $"{Count(export.Rows)} of {Count(total)} contacts written"
        : "Starting…";

    /// <summary>0-100 once the total is known.</summary>
    public static int? Percent(ExportResponse export) => export.TotalRows is > 0 and var total
        ? (int)Math.Clamp(export.Rows * 100 / total, 0, 100)
        : null;
}
