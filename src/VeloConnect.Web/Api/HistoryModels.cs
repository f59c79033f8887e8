using System.Text.Json.Serialization;

namespace VeloConnect.Web.Api.History;

/// <summary>One import as the history lists it (the parts of the API's ImportResponse this page reads).</summary>
public sealed record ImportHistoryItem(
    Guid Id,
    string FileName,
    long FileSize,
    string Status,
    DateTimeOffset CreatedAt,
    int RowCount,
    ImportHistoryProgress? Progress,
    ImportHistoryCounts? Counts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    string? Kind,
    Guid UserId)
{
    /// <summary>The API keeps an import revertible for this long after it finished.</summary>
    public static readonly TimeSpan UndoWindow = TimeSpan.FromDays(30);

    public const string Uploaded = "uploaded";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";

    [JsonIgnore]
    public ImportHistoryCounts CountsOrZero => Counts ?? new(0, 0, 0, 0);

    [JsonIgnore]
    public bool HasErrorRows => CountsOrZero.Skipped + CountsOrZero.Invalid > 0;

    [JsonIgnore]
    public bool IsCommandLine => Kind == "command_line";

    public bool CanUndoAt(DateTimeOffset now) => Status == Finished && FinishedAt is { } finished && now - finished <= UndoWindow;
}

public sealed record ImportHistoryProgress(int RowsDone, int TotalRows);

public sealed record ImportHistoryCounts(int Added, int Updated, int Skipped, int Invalid);

/// <summary>The revert ("Undo") of an import: GET/POST /api/imports/{id}/revert.</summary>
public sealed record ImportRevertState(
    Guid ImportId,
    string Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? FinishedAt,
    ImportRevertProgress Progress,
    ImportRevertCounts Counts,
    IReadOnlyList<ImportRevertKept> Kept,
    string? Error)
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

public sealed record ImportRevertProgress(int Done, int Total);

public sealed record ImportRevertCounts(int Deleted, int Restored, int Kept, int Unchanged);

public sealed record ImportRevertKept(Guid ContactId, IReadOnlyList<string> Reasons);
