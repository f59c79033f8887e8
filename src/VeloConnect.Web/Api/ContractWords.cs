using System.Text.Json;
using VeloConnect.Client;

namespace VeloConnect.Web.Api;

// What the pages ask of the API's answers (the generated client's types), in the words the pages use. The wire contract
// itself is the client's: nothing here copies a field of it.

/// <summary>The states of an import (ImportResponse.Status).</summary>
public static class ImportStatus
{
    public const string Uploaded = "uploaded";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";

    /// <summary>The API keeps an import revertible for this long after it finished.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromDays(30);
}

/// <summary>The states of an export (ExportResponse.Status).</summary>
public static class ExportStatus
{
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Expired = "expired";
}

/// <summary>The states of an import's revert (ImportRevertResponse.Status).</summary>
public static class RevertStatus
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

/// <summary>The mapping dropdown's values (TargetResponse.Value) the pages treat apart.</summary>
public static class ImportTargets
{
    public const string Ignore = "ignore";
    public const string FieldPrefix = "field:";

    /// <summary>The dropdown's choice for a custom field.</summary>
    public static TargetResponse For(FieldResponse field) => new() { Value = FieldPrefix + field.Key, Label = field.Label };
}

/// <summary>A review row's outcome (ReviewRowResponse.Outcome) and the rows filter's extra "warning".</summary>
public static class ReviewOutcome
{
    public const string Added = "added";
    public const string Updated = "updated";
    public const string Skipped = "skipped";
    public const string Invalid = "invalid";

    /// <summary>The rows filter only: added or updated rows with a warning.</summary>
    public const string Warning = "warning";

    /// <summary>The reason the API gives a dropped row starts so (ImportPlan.DroppedReason: "Dropped in the review by …").</summary>
    public const string DroppedReasonStart = "Dropped in the review";
}

/// <summary>The kinds of an edit over an import's file (EditImportRequest.Kind) and a bulk edit's row outcomes (EditFilter.Outcome).</summary>
public static class ImportEditKinds
{
    public const string Cell = "cell";
    public const string Drop = "drop";
    public const string Restore = "restore";
    public const string Replace = "replace";
    public const string Trim = "trim";
    public const string Prefix = "prefix";
    public const string Set = "set";

    /// <summary>The bulk kinds with the words the dialog shows.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> Bulk =
    [
        (Replace, "Find and replace"),
        (Trim, "Trim blanks"),
        (Prefix, "Add a prefix"),
        (Set, "Set a value"),
    ];

    /// <summary>A bulk edit's row outcomes (read row by row when the edit is made), with their labels.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> FilterOutcomes =
    [
        ("", "Any row"),
        ("invalid", "Invalid rows"),
        ("valid", "Valid rows"),
        ("warning", "Valid rows with a warning"),
        ("dropped", "Dropped rows"),
    ];
}

public static class ContractWords
{
    /// <summary>The file's encoding verdict of a file that is not UTF-8 (EncodingResponse.Verdict).</summary>
    public const string NotUtf8 = "not-utf-8";

    /// <summary>The file's format as the API read it (ImportResponse.Format; empty in answers from before formats).</summary>
    public const string FormatCsv = "csv";

    public const string FormatVCard = "vcard";

    /// <summary>A Tags column's separators the mapping takes (MappingRequest.Separators), with their labels.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> TagSeparators =
    [
        (",", "Comma ( , )"),
        (";", "Semicolon ( ; )"),
        ("|", "Pipe ( | )"),
        (" ::: ", "Google groups ( ::: )"),
    ];

    /// <summary>The choice for rows with one bad phone or email (MappingRequest.BadIdentifier), with its label.</summary>
    public const string BadIdentifierImport = "import";

    public const string BadIdentifierInvalid = "invalid";

    public static readonly IReadOnlyList<(string Value, string Label)> BadIdentifierChoices =
    [
        (BadIdentifierImport, "Import them by their valid phone or email, with a warning on the row (default)"),
        (BadIdentifierInvalid, "Mark them invalid: they are not imported"),
    ];

    /// <summary>The date formats the mapping takes (MappingRequest.DateFormats), with the order a user reads.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> DateFormats =
    [
        ("yyyy-MM-dd", "year-month-day"),
        ("dd/MM/yyyy", "day/month/year"),
        ("MM/dd/yyyy", "month/day/year"),
        ("dd.MM.yyyy", "day.month.year"),
        ("dd-MM-yyyy", "day-month-year"),
    ];

    /// <summary>A number column's decimal separators (MappingRequest.DecimalSeparators), with their labels.</summary>
    public static readonly IReadOnlyList<(string Value, string Label)> DecimalSeparators =
    [
        (".", "Dot (1234.5)"),
        (",", "Comma (1234,5)"),
    ];

    public static string DateFormatLabel(string format) =>
        DateFormats.FirstOrDefault(f => f.Value == format).Label is { } label ? $"{label} ({format})" : format;

    public static string DecimalSeparatorLabel(string separator) => DecimalSeparators.FirstOrDefault(s => s.Value == separator).Label ?? separator;

    extension(EncodingResponse encoding)
    {
        public bool IsUtf8 => encoding.Verdict is "utf-8" or "utf-8-bom";
    }

    extension(TargetResponse target)
    {
        public bool IsIgnore => target.Value == ImportTargets.Ignore;

        public bool IsCustomField => target.Value.StartsWith(ImportTargets.FieldPrefix, StringComparison.Ordinal);

        public bool IsBuiltIn => !target.IsIgnore && !target.IsCustomField;
    }

    extension(ImportResponse import)
    {
        public bool IsOver => import.Status is ImportStatus.Finished or ImportStatus.Failed;

        public bool HasErrorRows => import.Counts.Skipped + import.Counts.Invalid > 0;

        public bool IsCommandLine => import.Kind == "command_line";

        public bool CanUndoAt(DateTimeOffset now) =>
            import.Status == ImportStatus.Finished && import.FinishedAt is { } finished && now - finished <= ImportStatus.UndoWindow;
    }

    extension(AuditEntry entry)
    {
        /// <summary>The action's own JSON, as written.</summary>
        public JsonElement DetailsJson => JsonSerializer.SerializeToElement(entry.Details, VeloApiClient.Json);
    }

    extension(ExportResponse export)
    {
        /// <summary>The filter the export recorded (name to a value or an array of values).</summary>
        public JsonElement FilterJson => JsonSerializer.SerializeToElement(export.Filter, VeloApiClient.Json);

        public bool IsRunning => export.Status == ExportStatus.Running;

        public bool IsReady => export.Status == ExportStatus.Ready;
    }
}
