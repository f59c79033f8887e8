namespace VeloConnect.Web.Api.History;

/// <summary>The revert ("Undo") of an import: GET/POST /api/imports/{id}/revert.</summary>
public sealed record ImportRevertState(
    Guid ImportId,
    string Status,
    DateTimeOffset RequestedAt,
    DateTimeOffset? FinishedAt,
    ImportRevertProgress Progress,
    ImportRevertCounts Counts,
    IReadOnlyList<ImportRevertKept> Kept,
    string? Error,
    bool WaitingForSilo = false,
    DateTimeOffset? StalledAt = null)
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

public sealed record ImportRevertProgress(int Done, int Total);

public sealed record ImportRevertCounts(int Deleted, int Restored, int Kept, int Unchanged);

public sealed record ImportRevertKept(Guid ContactId, IReadOnlyList<string> Reasons);
