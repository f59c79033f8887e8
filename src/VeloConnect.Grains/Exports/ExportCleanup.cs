using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Jobs;

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
    ILogger<ExportCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextCleanup = DateTime.UtcNow + options.Value.CleanupInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(liveness.Value.HeartbeatInterval, stoppingToken);
                if (DateTime.UtcNow < nextCleanup)
                {
                    await RestartSilentAsync(stoppingToken);
                    continue;
                }

                nextCleanup = DateTime.UtcNow + options.Value.CleanupInterval;
                await RunOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The database or the cluster may be briefly unavailable; try again next round.
                LogError(logger, e);
            }
        }
    }

    public async Task RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var directory = options.Value.ResolvedDirectory();
        foreach (var export in await exports.ExpiringAsync(clock.GetUtcNow(), cancellationToken))
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
                    LogNotDeleted(logger, e, fileName);
                    continue;
                }
            }

            if (await exports.MarkExpiredAsync(export.Id, cancellationToken))
            {
                LogDeleted(logger, export.FileName ?? export.Id.ToString());
            }
        }

        await RestartSilentAsync(cancellationToken);
    }

    private async Task RestartSilentAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await exports.StalledAsync(liveness.Value.SilentAfter, cancellationToken))
        {
            LogRestarting(logger, id);
            await grains.GetGrain<IExportJobGrain>(id).StartAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export file {FileName} deleted: its retention ended")]
    private static partial void LogDeleted(ILogger logger, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export file {FileName} could not be deleted; the export stays until a later round deletes it")]
    private static partial void LogNotDeleted(ILogger logger, Exception exception, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} stopped reporting; starting it again")]
    private static partial void LogRestarting(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export cleanup round failed")]
    private static partial void LogError(ILogger logger, Exception exception);
}
