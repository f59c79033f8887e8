using System.Text.RegularExpressions;
using VeloConnect.Web.Files;

namespace VeloConnect.Web.Components.History;

/// <summary>Where a notification's link leads in this web app (links may be API paths or web paths).</summary>
public sealed record NotificationTarget(string Href, string Text, bool Download);

public static partial class NotificationLinks
{
    public static NotificationTarget? Map(string? link)
    {
        if (string.IsNullOrWhiteSpace(link))
        {
            return null;
        }

        if (ImportLink().Match(link) is { Success: true } import)
        {
            return new($"/imports/{import.Groups["id"].Value}", "See the import", false);
        }

        if (ExportDownloadLink().Match(link) is { Success: true } download && Guid.TryParse(download.Groups["id"].Value, out var exportId))
        {
            return new(DownloadEndpoints.Export(exportId), "Download the file", true);
        }

        if (ExportLink().IsMatch(link))
        {
            return new("/exports", "See exports", false);
        }

        if (link.StartsWith("/api/", StringComparison.OrdinalIgnoreCase))
        {
            // An API address the browser cannot open with the user's session: no link rather than a broken one.
            return null;
        }

        if (link.StartsWith('/') || link.StartsWith("https://", StringComparison.OrdinalIgnoreCase) || link.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
        {
            return new(link, "Open", false);
        }

        return null;
    }

    [GeneratedRegex(@"^(/api)?/imports/(?<id>[0-9a-fA-F-]{36})(/.*)?$")]
    private static partial Regex ImportLink();

    [GeneratedRegex(@"^/api/exports/(?<id>[0-9a-fA-F-]{36})/download$")]
    private static partial Regex ExportDownloadLink();

    [GeneratedRegex(@"^(/api)?/exports(/.*)?$")]
    private static partial Regex ExportLink();
}
