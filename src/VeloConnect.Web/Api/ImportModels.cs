namespace VeloConnect.Web.Api;

// The import wizard's side of the imports API (POST /api/imports, PUT /api/imports/{id}/mapping,
// POST /api/imports/{id}/review, POST /api/imports/{id}/run, GET /api/imports/{id}), as its JSON reads.

/// <summary>
/// The file's encoding as the upload found it. Verdict: "utf-8", "utf-8-bom", "utf-16" or "not-utf-8"; Name: the
/// encoding a conversion is confirmed with (e.g. "windows-1252"); FirstBadLine: the first line that is not UTF-8.
/// </summary>
public sealed record ImportEncoding(string Verdict, string Name, long? FirstBadLine, string Message)
{
    public const string NotUtf8 = "not-utf-8";

    public bool IsUtf8 => Verdict is "utf-8" or "utf-8-bom";
}

/// <summary>A column of the file: its header (or "Column N" without a header row) and its first values.</summary>
public sealed record ImportColumn(int Index, string Header, IReadOnlyList<string> Samples);

/// <summary>A finding about the file (a warning of the upload, or one of the reasons it was refused).</summary>
public sealed record ImportProblem(string Code, string Message, long? Line);

/// <summary>A target per column ("name", "phone", "phone_additional", "email", "tags", "field:key", "ignore").
/// Source: "confirmed", "remembered" (same headers as an earlier import) or "suggested".</summary>
public sealed record ImportMapping(IReadOnlyList<string> Columns, bool HasHeader, string Region, string Source);

/// <summary>A choice of the mapping's dropdown as the API names and labels it.</summary>
public sealed record ImportTarget(string Value, string Label)
{
    public const string Ignore = "ignore";
    public const string FieldPrefix = "field:";

    /// <summary>The dropdown's choice for a custom field.</summary>
    public static ImportTarget For(VeloConnect.Client.FieldResponse field) => new(FieldPrefix + field.Key, field.Label);

    public bool IsIgnore => Value == Ignore;

    public bool IsCustomField => Value.StartsWith(FieldPrefix, StringComparison.Ordinal);

    public bool IsBuiltIn => !IsIgnore && !IsCustomField;
}

public sealed record ImportProgress(int RowsDone, int TotalRows);

public sealed record ImportCounts(int Added, int Updated, int Skipped, int Invalid)
{
    public static readonly ImportCounts Zero = new(0, 0, 0, 0);

    public int Total => Added + Updated + Skipped + Invalid;
}

/// <summary>An import: what the upload found, the mapping (confirmed, remembered or suggested), status, progress, counts and who started it (the wizard and the history).</summary>
public sealed record ImportDetails(
    Guid Id,
    string FileName,
    long FileSize,
    string Status,
    DateTimeOffset CreatedAt,
    ImportEncoding Encoding,
    string Delimiter,
    bool HeaderDetected,
    bool HasHeader,
    IReadOnlyList<ImportColumn> Columns,
    int RowCount,
    IReadOnlyList<ImportProblem> Warnings,
    ImportMapping? Mapping,
    IReadOnlyList<ImportTarget> Targets,
    ImportProgress Progress,
    ImportCounts Counts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    string Kind,
    Guid UserId = default,
    bool WaitingForSilo = false,
    DateTimeOffset? StalledAt = null)
{
    public const string Uploaded = "uploaded";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";

    /// <summary>The API keeps an import revertible for this long after it finished.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromDays(30);

    public bool IsOver => Status is Finished or Failed;

    public bool HasErrorRows => Counts.Skipped + Counts.Invalid > 0;

    public bool IsCommandLine => Kind == "command_line";

    public bool CanUndoAt(DateTimeOffset now) => Status == Finished && FinishedAt is { } finished && now - finished <= UndoWindow;
}

/// <summary>The body of PUT /api/imports/{id}/mapping.</summary>
public sealed record ImportMappingRequest(IReadOnlyList<string> Columns, bool HasHeader, string Region);

/// <summary>A row of the review: its number as a spreadsheet counts it, its cells, and why it is skipped or invalid.</summary>
public sealed record ImportReviewRow(int RowNumber, IReadOnlyList<string> Cells, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons);

public sealed record ImportReviewWarning(int RowNumber, string Message);

/// <summary>The dry run's answer: counts, warnings, and the first rows of each kind (the API sends a few of each).</summary>
public sealed record ImportReview(
    int Rows,
    ImportCounts Counts,
    IReadOnlyList<ImportReviewWarning> Warnings,
    int WarningCount,
    IReadOnlyList<ImportReviewRow> Added,
    IReadOnlyList<ImportReviewRow> Updated,
    IReadOnlyList<ImportReviewRow> Skipped,
    IReadOnlyList<ImportReviewRow> Invalid);

