using VeloConnect.Data.Imports;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Workflows.Imports;

/// <summary>
/// How an import ends, and what it leaves behind however its rows arrived: an audit row and a notification to its
/// user, which <see cref="ImportStore.EndAsync"/> writes in the transaction that ends the import, so there is one of
/// each per import, whoever ends it and however often that is tried.
/// </summary>
public static class ImportAnnouncement
{
    /// <summary>A command-line import finishes once all <paramref name="expectedRows"/> rows of its file are recorded.</summary>
    public static ImportEnding Finished(Guid importId, int? expectedRows = null) => new(importId, expectedRows, null, For);

    /// <summary>The import stops with <paramref name="error"/>; the rows recorded so far stay imported.</summary>
    public static ImportEnding Failed(Guid importId, string error) => new(importId, null, error, For);

    /// <summary>The audit row and notification of an import that ended with <paramref name="counts"/> (failed: with <paramref name="error"/>).</summary>
    public static Announcement For(ImportRecord import, ImportCounts counts, string? error)
    {
        var summary = $"{counts.Added:N0} added, {counts.Updated:N0} updated, {counts.Skipped:N0} skipped, {counts.Invalid:N0} invalid";
        var kind = error is null ? "import.finished" : "import.failed";
        var notification = new NotificationText(kind,
            error is null ? "Import finished" : "Import failed",
            error is null ? $"{import.FileName}: {summary}." : $"{import.FileName}: the import stopped ({error}) after {summary}.",
            $"/imports/{import.Id}");
        return new Announcement(kind, new Dictionary<string, object?>
        {
            ["file"] = import.FileName,
            ["kind"] = import.Kind,
            ["rows"] = counts.Total,
            ["added"] = counts.Added,
            ["updated"] = counts.Updated,
            ["skipped"] = counts.Skipped,
            ["invalid"] = counts.Invalid,
            ["error"] = error,
        }, notification);
    }
}
