using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Jobs;

/// <summary>
/// Beats a running job's heart every <see cref="JobLivenessOptions.HeartbeatInterval"/> for as long as its run lasts,
/// whatever the run is doing: a batch on the contended path or a slow chunk can take longer than the silence that marks
/// a job as lost, so progress alone cannot be the sign of life. The beats run on the thread pool (they touch no grain
/// state). A beat that fails is logged and the next one tries again; the job reports its own failures.
/// </summary>
public sealed partial class JobHeartbeats(IOptions<JobLivenessOptions> options, ILogger<JobHeartbeats> logger)
{
    /// <summary>Starts beating with <paramref name="beat"/>; disposing the result stops it (at the end of the run).</summary>
    public IAsyncDisposable Start(Func<CancellationToken, Task> beat) => new Loop(beat, options.Value.HeartbeatInterval, logger);

    private sealed class Loop : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _beating;

        public Loop(Func<CancellationToken, Task> beat, TimeSpan interval, ILogger logger) =>
            _beating = Task.Run(() => BeatAsync(beat, interval, logger, _stop.Token));

        private static async Task BeatAsync(Func<CancellationToken, Task> beat, TimeSpan interval, ILogger logger, CancellationToken stop)
        {
            using var timer = new PeriodicTimer(interval);
            try
            {
                while (await timer.WaitForNextTickAsync(stop))
                {
                    try
                    {
                        // Not part of the job's trace: a beat every few seconds would bury its phases.
                        using var housekeeping = JobTelemetry.StartHousekeeping("heartbeat");
                        await beat(stop);
                    }
                    catch (Exception e) when (!stop.IsCancellationRequested)
                    {
                        LogMissed(logger, e);
                    }
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // The run ended.
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _beating.ContinueWith(static _ => { }, TaskScheduler.Default);
            _stop.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A running job could not write its heartbeat; trying again at the next beat")]
    private static partial void LogMissed(ILogger logger, Exception exception);
}
