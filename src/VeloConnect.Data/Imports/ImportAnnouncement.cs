using Npgsql;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Data.Imports;

/// <summary>
/// What every finished or failed import leaves behind, however its rows arrived: an audit row and a notification to its
/// user, written in the transaction that ends the import (see <see cref="ImportStore.EndAsync"/>), so there is one of
/// each per import, whoever ends it and however often that is tried. A notification the database refuses is left out
/// (the audit row says so) rather than keeping the import from ending.
/// </summary>
public static class ImportAnnouncement
{
    /// <summary>Writes the audit row and the notification; returns whether the notification was written.</summary>
    public static async Task<bool> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRecord import, ImportCounts counts, string? error,
        CancellationToken cancellationToken = default)
    {
        var summary = $"{counts.Added:N0} added, {counts.Updated:N0} updated, {counts.Skipped:N0} skipped, {counts.Invalid:N0} invalid";
        var kind = error is null ? "import.finished" : "import.failed";
        var notified = await NotificationStore.TryAddAsync(connection, transaction, import.WorkspaceId, import.UserId, kind,
            error is null ? "Import finished" : "Import failed",
            error is null ? $"{import.FileName}: {summary}." : $"{import.FileName}: the import stopped ({error}) after {summary}.",
            $"/imports/{import.Id}", cancellationToken) is not null;
        await AuditLog.WriteAsync(connection, transaction, import.WorkspaceId, import.UserId, kind, "import", import.Id.ToString(),
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
                ["notified"] = notified,
            }, cancellationToken);
        return notified;
    }
}
