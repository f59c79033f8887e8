using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// Runs in every silo: a running import (or import revert) whose job has stopped beating its heart for
/// <see cref="JobLivenessOptions.SilentAfter"/> (its silo died; meanwhile the API shows it waiting for a silo) is resumed
/// by activating its job grain again, on whichever silo Orleans places it. Several silos may ask at once; the grain runs one job.
/// It also purges the journals of imports past the revert window.
/// </summary>
public sealed partial class ImportSupervisor(
    ImportStore imports,
    ImportRevertStore reverts,
    IGrainFactory grains,
    IOptions<ImportOptions> options,
    IOptions<JobLivenessOptions> liveness,
    ILogger<ImportSupervisor> logger) : BackgroundService
{
    // Journals older than the revert window are purged about once an hour (by each silo; the delete is idempotent).
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPurge = DateTime.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.SupervisorInterval, stoppingToken);
                if (DateTime.UtcNow - lastPurge > PurgeInterval)
                {
                    lastPurge = DateTime.UtcNow;
                    var purged = await reverts.PurgeJournalsAsync(ImportRevertStore.Window, stoppingToken);
                    if (purged > 0)
                    {
                        LogPurged(logger, purged);
                    }
                }

                foreach (var id in await imports.StalledAsync(liveness.Value.SilentAfter, stoppingToken))
                {
                    LogResuming(logger, id);
                    await grains.GetGrain<IImportJobGrain>(id).ResumeAsync();
                }

                foreach (var id in await reverts.StalledAsync(liveness.Value.SilentAfter, stoppingToken))
                {
                    LogResumingRevert(logger, id);
                    await grains.GetGrain<IImportRevertGrain>(id).ResumeAsync();
                }
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

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} stopped reporting; resuming it")]
    private static partial void LogResuming(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The revert of import {ImportId} stopped reporting; resuming it")]
    private static partial void LogResumingRevert(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Entries} journal entries of imports past the revert window")]
    private static partial void LogPurged(ILogger logger, int entries);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import supervisor round failed")]
    private static partial void LogError(ILogger logger, Exception exception);
}
