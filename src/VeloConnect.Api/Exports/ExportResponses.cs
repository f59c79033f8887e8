using System.Text.Json;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Jobs;

namespace VeloConnect.Api.Exports;

/// <summary>
/// An export as its owner sees it: status, progress, size and, once ready, where to download it — with the API key
/// (<c>downloadUrl</c>) or without (<c>link</c>, signed, valid until <c>expiresAt</c>). A running export whose silo is gone
/// stays <c>running</c> (it is written again once a silo is back) with <c>waitingForSilo</c> true and <c>stalledAt</c> the
/// time its job last reported.
/// </summary>
public sealed record ExportResponse(
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
    bool WaitingForSilo,
    DateTimeOffset? StalledAt)
{
    public static ExportResponse From(ExportRecord export, ExportLinkSigner signer, DateTimeOffset now, JobLivenessOptions liveness)
    {
        var status = StatusAt(export, now);
        var stalledAt = liveness.StalledAt(status == ExportStatus.Running, export.Heartbeat);
        var ready = status == ExportStatus.Ready;
        return new ExportResponse(
            export.Id,
            ExportFormats.Name(export.Format),
            status,
            export.FilterQuery,
            export.TotalRows,
            export.Rows,
            export.Bytes,
            export.CreatedAt,
            export.FinishedAt,
            export.ExpiresAt,
            ready ? $"/api/exports/{export.Id}/download" : null,
            ready ? "/api/exports/download?token=" + signer.Sign(new ExportLink(export.Id, export.WorkspaceId, export.ExpiresAt!.Value)) : null,
            export.Error,
            stalledAt is not null,
            stalledAt);
    }

    /// <summary>A ready export past its expiry is expired even before a silo's cleanup has deleted its file.</summary>
    public static string StatusAt(ExportRecord export, DateTimeOffset now) =>
        export.Status == ExportStatus.Ready && export.ExpiresAt <= now ? ExportStatus.Expired : export.Status;

    /// <summary>The name the browser saves the file under, e.g. contacts-2026-03-31-1412.csv.</summary>
    public static string DownloadName(ExportRecord export) =>
        $"contacts-{export.CreatedAt.UtcDateTime:yyyy-MM-dd-HHmm}.{ExportFormats.Name(export.Format)}";
}
