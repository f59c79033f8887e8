using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VeloConnect.AppHost;

internal static class CrashRestartExtensions
{
    /// <summary>
    /// In the local run, starts a replica of the resource again when its process ends without having been asked to stop
    /// (a crash, an out-of-memory kill, <c>kill -9</c>). The orchestrator itself leaves such a process exited. The
    /// dashboard shows it: the replica's console log says what happened, and its properties count the restarts and give
    /// the last exit.
    /// </summary>
    public static IResourceBuilder<T> RestartOnCrash<T>(this IResourceBuilder<T> resource) where T : IResource
    {
        if (resource.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            resource.ApplicationBuilder.Services.AddHostedService(services => new CrashRestart(
                services.GetRequiredService<ResourceNotificationService>(),
                services.GetRequiredService<ResourceCommandService>(),
                services.GetRequiredService<ResourceLoggerService>(),
                services.GetRequiredService<IHostApplicationLifetime>(),
                services.GetRequiredService<ILoggerFactory>().CreateLogger("VeloConnect.AppHost"),
                resource.Resource));
        }

        return resource;
    }
}

/// <summary>
/// Watches the replicas of one resource. A replica that ends after it started, without having passed through
/// "Stopping" since (the state a stop from the dashboard, the CLI or the AppHost's shutdown puts it in first), has crashed:
/// it is started again at once, and after a few quick crashes in a row with a growing pause (up to 30 s), so a silo
/// that cannot start does not spin.
/// </summary>
internal sealed partial class CrashRestart(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    IHostApplicationLifetime lifetime,
    ILogger logger,
    IResource resource) : BackgroundService
{
    public const string RestartsProperty = "velo.restarts";
    public const string LastCrashProperty = "velo.last-crash";

    private readonly ConcurrentDictionary<string, Replica> _replicas = new();

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (update.Resource == resource)
                {
                    Observe(update.ResourceId, update.Snapshot);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost stops.
        }
    }

    private void Observe(string replicaId, CustomResourceSnapshot snapshot)
    {
        var replica = _replicas.GetOrAdd(replicaId, _ => new Replica());
        var previous = replica.State;
        var pause = replica.Observe(snapshot.State?.Text, DateTime.UtcNow, lifetime.ApplicationStopping.IsCancellationRequested);
        if (replica.State != previous)
        {
            LogState(logger, replicaId, previous, replica.State, snapshot.ExitCode);
        }

        if (pause is { } wait)
        {
            _ = Task.Run(() => RestartAsync(replicaId, replica, snapshot.ExitCode, wait), lifetime.ApplicationStopping);
        }
    }

    private async Task RestartAsync(string replicaId, Replica replica, int? exitCode, TimeSpan pause)
    {
        var stopping = lifetime.ApplicationStopping;
        var at = DateTimeOffset.UtcNow;
        var exit = exitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown";
        try
        {
            LogCrashed(logger, replicaId, exit, replica.Restarts, pause.TotalSeconds);
            resourceLogs.GetLogger(replicaId).LogWarning(
                "The process exited unexpectedly (exit code {ExitCode}) at {At:HH:mm:ss} UTC; the AppHost starts it again (restart {Restarts}{Pause})",
                exit, at, replica.Restarts, pause > TimeSpan.Zero ? $", after {pause.TotalSeconds:F0} s: it keeps crashing" : "");
            await notifications.PublishUpdateAsync(resource, replicaId, s => s with
            {
                Properties = s.Properties.RemoveAll(p => p.Name is RestartsProperty or LastCrashProperty)
                    .Add(new ResourcePropertySnapshot(RestartsProperty, replica.Restarts) { DisplayName = "Restarts after a crash", IsHighlighted = true })
                    .Add(new ResourcePropertySnapshot(LastCrashProperty, $"exit code {exit} at {at:yyyy-MM-dd HH:mm:ss} UTC") { DisplayName = "Last crash", IsHighlighted = true }),
            });
            await Task.Delay(pause, stopping);
            var result = await commands.ExecuteCommandAsync(replicaId, KnownResourceCommands.StartCommand, stopping);
            if (!result.Success)
            {
                LogRestartFailed(logger, replicaId, result.Message);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The AppHost stops: nothing to restart.
        }
        finally
        {
            replica.Restarting = false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Replica} exited unexpectedly (exit code {ExitCode}); starting it again (restart {Restarts}, after {PauseSeconds:F0} s)")]
    private static partial void LogCrashed(ILogger logger, string replica, string exitCode, int restarts, double pauseSeconds);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Replica}: {Previous} -> {State} (exit code {ExitCode})")]
    private static partial void LogState(ILogger logger, string replica, string? previous, string? state, int? exitCode);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Replica} could not be started again: {Message}")]
    private static partial void LogRestartFailed(ILogger logger, string replica, string? message);
}

/// <summary>
/// One replica's states as the orchestrator reports them, and the decision they lead to: a replica that ends after it
/// started, without having passed through "Stopping" since (the state a stop from the dashboard, the CLI or the
/// AppHost's shutdown puts it in first), has crashed and is started again: at once, and after a few quick crashes in a
/// row with a growing pause (1, 2, 4 … up to 30 s).
/// </summary>
internal sealed class Replica
{
    public static readonly TimeSpan MaxPause = TimeSpan.FromSeconds(30);

    /// <summary>A replica that ran this long before it crashed starts again without a pause.</summary>
    public static readonly TimeSpan HealthyRun = TimeSpan.FromMinutes(1);

    public string? State { get; private set; }

    public bool Restarting { get; set; }

    public int Restarts { get; private set; }

    private DateTime _runningSince = DateTime.MinValue;
    private bool _stopRequested;
    private int _quickCrashes;

    /// <summary>Takes a reported state; returns the pause before starting the replica again when it crashed, else null.</summary>
    public TimeSpan? Observe(string? state, DateTime now, bool appStopping)
    {
        var previous = State;
        State = state;
        if (state == previous)
        {
            return null;
        }

        if (state == KnownResourceStates.Stopping)
        {
            // Asked to stop (dashboard, CLI, the AppHost's shutdown): whatever ends it now is not a crash.
            _stopRequested = true;
            return null;
        }

        if (state == KnownResourceStates.Starting || state == KnownResourceStates.Running)
        {
            // A run is timed from its start (a replica that never gets to Running crashes quickly too).
            _stopRequested = _stopRequested && state == KnownResourceStates.Running;
            _runningSince = state == KnownResourceStates.Running && previous == KnownResourceStates.Starting ? _runningSince : now;
            return null;
        }

        var ended = state == KnownResourceStates.Exited || state == KnownResourceStates.Finished || state == KnownResourceStates.FailedToStart;
        var wasUp = previous == KnownResourceStates.Running || previous == KnownResourceStates.Starting;
        if (!ended || !wasUp || _stopRequested || Restarting || appStopping)
        {
            return null;
        }

        // Started, then ended without being asked to stop.
        Restarting = true;
        _quickCrashes = now - _runningSince < HealthyRun ? _quickCrashes + 1 : 0;
        Restarts++;
        return _quickCrashes <= 1 ? TimeSpan.Zero : TimeSpan.FromSeconds(Math.Min(MaxPause.TotalSeconds, Math.Pow(2, _quickCrashes - 2)));
    }
}
