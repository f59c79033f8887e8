using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Jobs;

/// <summary>
/// The loop every silo runs to look after jobs (<see cref="Imports.ImportSupervisor"/>, <see cref="Exports.ExportCleanup"/>):
/// a round every <see cref="Interval"/>, untraced (housekeeping: see <see cref="JobTelemetry"/>); a round that fails is
/// logged and the next one tries again (the database or the cluster may be briefly away). Several silos may run a round
/// at once: every round's work is idempotent, and a job grain runs its job once however often it is resumed.
/// </summary>
public abstract partial class JobSupervisor(TimeProvider clock, ILogger logger) : BackgroundService
{
    /// <summary>The time between two rounds.</summary>
    protected abstract TimeSpan Interval { get; }

    /// <summary>One round's work.</summary>
    protected abstract Task RoundAsync(CancellationToken cancellationToken);

    /// <summary>The clock the rounds go by.</summary>
    protected TimeProvider Clock { get; } = clock;

    /// <summary>The supervisor's logger.</summary>
    protected ILogger Logger { get; } = logger;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(Interval, Clock, stoppingToken);
                using var housekeeping = JobTelemetry.StartHousekeeping(GetType().Name);
                await RoundAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRoundFailed(Logger, e, GetType().Name);
            }
        }
    }

    /// <summary>Resumes each job that <paramref name="stalled"/> finds silent (its silo died), logging each.</summary>
    protected static async Task ResumeSilentAsync(Task<IReadOnlyList<Guid>> stalled, Action<Guid> log, Func<Guid, Task> resume)
    {
        foreach (var id in await stalled)
        {
            log(id);
            await resume(id);
        }
    }

    /// <summary>Whether a task done every <paramref name="every"/> is due at this round; if so, it is due again after that.</summary>
    protected bool IsDue(ref DateTimeOffset next, TimeSpan every)
    {
        var now = Clock.GetUtcNow();
        if (now < next)
        {
            return false;
        }

        next = now + every;
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "A round of {Supervisor} failed; trying again next round")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception, string supervisor);
}
