namespace VeloConnect.Web.Api;

/// <summary>The actions the API writes, with the words a user reads; unknown actions show as written.</summary>
public static class AuditActions
{
    public static readonly IReadOnlyList<(string Value, string Label)> Filters =
    [
        ("import", "Imports (all)"),
        ("import.finished", "Import finished"),
        ("import.failed", "Import failed"),
        ("import.reverted", "Import undone"),
        ("import.revert_failed", "Import undo failed"),
        ("contacts", "Contacts (all)"),
        ("contacts.deleted", "Contacts deleted"),
        ("contacts.bulk", "Contacts sent through the API"),
        ("opt_in.changed", "Opt-in changed"),
        ("export", "Exports (all)"),
        ("export.requested", "Export requested"),
        ("export.finished", "Export finished"),
        ("export.failed", "Export failed"),
        ("export.downloaded", "Export downloaded"),
        ("export.emailed", "Export link emailed"),
        ("export.email_failed", "Export email failed"),
        ("field", "Contact fields (all)"),
        ("field.created", "Field created"),
        ("field.updated", "Field changed"),
        ("field.deleted", "Field deleted"),
    ];

    public static string LabelOf(string action) =>
        Filters.FirstOrDefault(f => f.Value == action && action.Contains('.', StringComparison.Ordinal)).Label ?? action;
}
