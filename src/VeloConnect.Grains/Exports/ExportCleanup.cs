using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Jobs;
using VeloConnect.Grains.Jobs;

namespace VeloConnect.Grains.Exports;

/// <summary>
/// Runs in every silo: deletes the files of exports past their retention, then marks them expired (their links answer 410
/// from their expiry on), every <see cref="ExportOptions.CleanupInterval"/>; and, at every heartbeat interval, starts
/// again any running export whose job went silent (its silo died; meanwhile the API shows it waiting for a silo). Several
/// silos may do a round at once: deleting a file twice is harmless, each export is marked expired once, and an export job
/// runs once however often it is started.
/// </summary>
public sealed partial class ExportCleanup(
    ExportStore exports,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<ExportOptions> options,
    IOptions<JobLivenessOptions> liveness,
    ILogger<ExportCleanup> logger) : JobSupervisor(clock, logger)
{
    private DateTimeOffset _nextCleanup = clock.GetUtcNow() + options.Value.CleanupInterval;

    protected override TimeSpan Interval => liveness.Value.HeartbeatInterval;

    protected override Task RoundAsync(CancellationToken cancellationToken) =>
        IsDue(ref _nextCleanup, options.Value.CleanupInterval) ? RunOnceAsync(cancellationToken) : RestartSilentAsync(cancellationToken);

    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var directory = options.Value.ResolvedDirectory();
        foreach (var export in await exports.ExpiringAsync(Clock.GetUtcNow(), cancellationToken))
        {
            // The file first, then the status: "expired" always means the file is gone. A crash (or a file that cannot be
            // deleted) in between leaves the export ready past its expiry, which the API already answers as expired
            // (410), and the next round deletes and marks it. Another silo doing the same round finds nothing to delete.
            if (export.FileName is { } fileName)
            {
                try
                {
                    File.Delete(Path.Combine(directory, Path.GetFileName(fileName)));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    LogNotDeleted(Logger, e, fileName);
                    continue;
                }
            }

            if (await exports.MarkExpiredAsync(export.Id, cancellationToken))
            {
                LogDeleted(Logger, export.FileName ?? export.Id.ToString());
            }
        }

        await RestartSilentAsync(cancellationToken);
    }

    private Task RestartSilentAsync(CancellationToken cancellationToken) =>
        ResumeSilentAsync(exports.StalledAsync(liveness.Value.SilentAfter, cancellationToken),
            id => LogRestarting(Logger, id), id => grains.GetGrain<IExportJobGrain>(id).StartAsync());

    [LoggerMessage(Level = LogLevel.Information, Message = "Export file {FileName} deleted: its retention ended")]
    private static partial void LogDeleted(ILogger logger, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export file {FileName} could not be deleted; the export stays until a later round deletes it")]
    private static partial void LogNotDeleted(ILogger logger, Exception exception, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} stopped reporting; starting it again")]
    private static partial void LogRestarting(ILogger logger, Guid exportId);
}
