using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Exports;

namespace VeloConnect.Grains.Exports;

/// <summary>
/// Runs in every silo: deletes the files of exports past their retention (marking them expired, so their links answer
/// 410), and starts again any running export whose job stopped reporting (its silo died). Several silos may do a round
/// at once: each expired export is claimed by one of them, and an export job runs once however often it is started.
/// </summary>
public sealed partial class ExportCleanup(ExportStore exports, IGrainFactory grains, TimeProvider clock, IOptions<ExportOptions> options, ILogger<ExportCleanup> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.Value.CleanupInterval, stoppingToken);
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
        foreach (var fileName in await exports.ExpireAsync(clock.GetUtcNow(), cancellationToken))
        {
            File.Delete(Path.Combine(directory, Path.GetFileName(fileName)));
            LogDeleted(logger, fileName);
        }

        foreach (var id in await exports.StalledAsync(options.Value.RestartAfterSilence, cancellationToken))
        {
            LogRestarting(logger, id);
            await grains.GetGrain<IExportJobGrain>(id).StartAsync();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export file {FileName} deleted: its retention ended")]
    private static partial void LogDeleted(ILogger logger, string fileName);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export {ExportId} stopped reporting; starting it again")]
    private static partial void LogRestarting(ILogger logger, Guid exportId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Export cleanup round failed")]
    private static partial void LogError(ILogger logger, Exception exception);
}
