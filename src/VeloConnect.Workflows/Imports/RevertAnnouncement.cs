using VeloConnect.Data.Imports;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Workflows.Imports;

/// <summary>
/// What the end of an import's revert leaves behind: an audit row and a notification to the user who asked for it,
/// which <see cref="ImportRevertStore.EndAsync"/> writes in the transaction that ends the revert.
/// </summary>
public static class RevertAnnouncement
{
    public static Announcement Finished(ImportRevertRecord revert, string fileName)
    {
        var counts = revert.Counts;
        var summary = $"{counts.Deleted:N0} contacts deleted, {counts.Restored:N0} restored, {counts.Kept:N0} kept because they changed since";
        return new Announcement("import.reverted", new Dictionary<string, object?>
        {
            ["file"] = fileName,
            ["deleted"] = counts.Deleted,
            ["restored"] = counts.Restored,
            ["kept"] = counts.Kept,
            ["unchanged"] = counts.Unchanged,
        }, new NotificationText("import.reverted", "Import reverted", $"{fileName}: {summary}.", $"/imports/{revert.ImportId}/revert"));
    }

    public static Announcement Failed(ImportRevertRecord revert, string fileName, string error)
    {
        var counts = revert.Counts;
        return new Announcement("import.revert_failed",
            new Dictionary<string, object?> { ["file"] = fileName, ["error"] = error, ["done"] = counts.Done, ["total"] = revert.Total },
            new NotificationText("import.revert_failed", "Import revert failed",
                $"{fileName}: the revert stopped ({error}) after {counts.Done:N0} of {revert.Total:N0} contacts; what it did stays done. Ask for the revert again to continue.",
                $"/imports/{revert.ImportId}/revert"));
    }
}
