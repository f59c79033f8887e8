using System.Text.Json;

namespace VeloConnect.Web.Api;

/// <summary>An export as GET /api/exports shows it to its owner.</summary>
public sealed record ExportItem(
    Guid Id,
    string Format,
    string Status,
    JsonElement Filter,
    long? TotalRows,
    long Rows,
    long? Bytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset? ExpiresAt,
    string? DownloadUrl,
    string? Link,
    string? Error,
    bool WaitingForSilo = false,
    DateTimeOffset? StalledAt = null)
{
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Expired = "expired";

    public bool IsRunning => Status == Running;

    public bool IsReady => Status == Ready;
}
