using VeloConnect.Data.Audit;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Data.Imports;

/// <summary>What every finished or failed import leaves behind, however its rows arrived: an audit row and a notification to its user.</summary>
public static class ImportAnnouncement
{
    public static async Task AnnounceAsync(AuditLog audit, NotificationStore notifications, ImportRecord import, ImportCounts counts, string? error)
    {
        var summary = $"{counts.Added:N0} added, {counts.Updated:N0} updated, {counts.Skipped:N0} skipped, {counts.Invalid:N0} invalid";
        await audit.WriteAsync(import.WorkspaceId, import.UserId, error is null ? "import.finished" : "import.failed", "import", import.Id.ToString(),
            new Dictionary<string, object?>
            {
                ["file"] = import.FileName,
                ["kind"] = import.Kind,
                ["rows"] = counts.Total,
                ["added"] = counts.Added,
                ["updated"] = counts.Updated,
                ["skipped"] = counts.Skipped,
                ["invalid"] = counts.Invalid,
                ["error"] = error,
            });
        await notifications.AddAsync(import.WorkspaceId, import.UserId, error is null ? "import.finished" : "import.failed",
            error is null ? "Import finished" : "Import failed",
            error is null ? $"{import.FileName}: {summary}." : $"{import.FileName}: the import stopped ({error}) after {summary}.",
            $"/imports/{import.Id}");
    }
}
