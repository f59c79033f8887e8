using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Grains.Jobs;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// Runs in every silo: a running import (or import revert) whose job has stopped beating its heart for
/// <see cref="JobLivenessOptions.SilentAfter"/> (its silo died; meanwhile the API shows it waiting for a silo) is resumed
/// by activating its job grain again, on whichever silo Orleans places it. Several silos may ask at once; the grain runs one job.
/// It also purges the journals and the uploaded files of imports past the revert window, and the jobs' start traces as old,
/// and discards the uploads never run within <see cref="ImportOptions.UploadExpiry"/>.
/// </summary>
public sealed partial class ImportSupervisor(
    ImportStore imports,
    ImportRevertStore reverts,
    JobTraceStore traces,
    IGrainFactory grains,
    TimeProvider clock,
    IOptions<ImportOptions> options,
    IOptions<JobLivenessOptions> liveness,
    ILogger<ImportSupervisor> logger) : JobSupervisor(clock, logger)
{
    // Journals older than the revert window are purged about once an hour (by each silo; the delete is idempotent).
    private static readonly TimeSpan PurgeInterval = TimeSpan.FromHours(1);

    private DateTimeOffset _nextPurge = DateTimeOffset.MinValue;

    protected override TimeSpan Interval => options.Value.SupervisorInterval;

    protected override async Task RoundAsync(CancellationToken cancellationToken)
    {
        if (IsDue(ref _nextPurge, PurgeInterval))
        {
            await PurgeAsync(cancellationToken);
        }

        await ResumeSilentAsync(imports.StalledAsync(liveness.Value.SilentAfter, cancellationToken),
            id => LogResuming(Logger, id), id => grains.GetGrain<IImportJobGrain>(id).ResumeAsync());
        await ResumeSilentAsync(reverts.StalledAsync(liveness.Value.SilentAfter, cancellationToken),
            id => LogResumingRevert(Logger, id), id => grains.GetGrain<IImportRevertGrain>(id).ResumeAsync());
    }

    /// <summary>
    /// The hourly purge: journals and uploaded files of imports past the revert window (by this silo's clock; the import
    /// and its rows stay), old start traces, and uploads never run.
    /// </summary>
    public async Task PurgeAsync(CancellationToken cancellationToken = default)
    {
        var purged = await reverts.PurgeJournalsAsync(ImportRevertStore.Window, cancellationToken);
        if (purged > 0)
        {
            LogPurged(Logger, purged);
        }

        var files = await imports.PurgeFilesAsync(Clock.GetUtcNow() - ImportRevertStore.Window, cancellationToken);
        if (files > 0)
        {
            LogFilesPurged(Logger, files);
        }

        await traces.PurgeAsync(ImportRevertStore.Window, cancellationToken);
        var expired = await imports.DiscardExpiredAsync(options.Value.UploadExpiry, cancellationToken);
        if (expired > 0)
        {
            LogExpired(Logger, expired);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted the uploaded files of {Imports} imports past the revert window")]
    private static partial void LogFilesPurged(ILogger logger, int imports);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Import {ImportId} stopped reporting; resuming it")]
    private static partial void LogResuming(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The revert of import {ImportId} stopped reporting; resuming it")]
    private static partial void LogResumingRevert(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Entries} journal entries of imports past the revert window")]
    private static partial void LogPurged(ILogger logger, int entries);

    [LoggerMessage(Level = LogLevel.Information, Message = "Discarded {Uploads} uploads never run")]
    private static partial void LogExpired(ILogger logger, int uploads);
}
