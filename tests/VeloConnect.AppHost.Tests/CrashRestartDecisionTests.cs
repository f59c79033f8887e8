using Aspire.Hosting.ApplicationModel;
using Xunit;

namespace VeloConnect.AppHost.Tests;

/// <summary>
/// Which ends of a silo replica the local run answers by starting it again: a crash (an end after a start with no stop
/// asked since), never a stop asked from the dashboard, the CLI or the AppHost's shutdown. The restart itself, of a silo
/// killed with SIGKILL, is tested end to end in <see cref="SiloCrashTests"/>.
/// </summary>
public sealed class CrashRestartDecisionTests
{
    private static readonly DateTime T0 = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void A_replica_stopped_on_purpose_is_not_started_again()
    {
        var replica = new Replica();
        Assert.Null(replica.Observe(KnownResourceStates.Starting, T0, appStopping: false));
        Assert.Null(replica.Observe(KnownResourceStates.Running, T0.AddSeconds(5), appStopping: false));
        Assert.Null(replica.Observe(KnownResourceStates.Stopping, T0.AddMinutes(3), appStopping: false));

        Assert.Null(replica.Observe(KnownResourceStates.Exited, T0.AddMinutes(3).AddSeconds(2), appStopping: false));
        Assert.Equal(0, replica.Restarts);
    }

    [Fact]
    public void A_replica_that_ends_while_the_AppHost_shuts_down_is_not_started_again()
    {
        var replica = new Replica();
        replica.Observe(KnownResourceStates.Running, T0, appStopping: false);

        Assert.Null(replica.Observe(KnownResourceStates.Exited, T0.AddMinutes(2), appStopping: true));
    }

    [Fact]
    public void A_replica_that_ends_without_a_stop_is_started_again_at_once_and_again_after_a_stop_and_start()
    {
        var replica = new Replica();
        replica.Observe(KnownResourceStates.Starting, T0, appStopping: false);
        replica.Observe(KnownResourceStates.Running, T0.AddSeconds(5), appStopping: false);

        Assert.Equal(TimeSpan.Zero, replica.Observe(KnownResourceStates.Exited, T0.AddMinutes(5), appStopping: false));
        Assert.Equal(1, replica.Restarts);

        // Once restarted (and after a stop asked and a start), a crash is a crash again.
        replica.Restarting = false;
        replica.Observe(KnownResourceStates.Starting, T0.AddMinutes(5).AddSeconds(1), appStopping: false);
        replica.Observe(KnownResourceStates.Stopping, T0.AddMinutes(6), appStopping: false);
        Assert.Null(replica.Observe(KnownResourceStates.Exited, T0.AddMinutes(6).AddSeconds(1), appStopping: false));
        replica.Observe(KnownResourceStates.Starting, T0.AddMinutes(10), appStopping: false);
        replica.Observe(KnownResourceStates.Running, T0.AddMinutes(10).AddSeconds(5), appStopping: false);
        Assert.Equal(TimeSpan.Zero, replica.Observe(KnownResourceStates.Exited, T0.AddMinutes(20), appStopping: false));
        Assert.Equal(2, replica.Restarts);
    }

    [Fact]
    public void A_replica_that_keeps_crashing_at_start_waits_longer_each_time_up_to_thirty_seconds()
    {
        var replica = new Replica();
        var now = T0;
        var pauses = new List<double>();
        for (var crash = 0; crash < 8; crash++)
        {
            replica.Restarting = false;
            replica.Observe(KnownResourceStates.Starting, now, appStopping: false);
            now = now.AddSeconds(2);
            pauses.Add(replica.Observe(KnownResourceStates.FailedToStart, now, appStopping: false)!.Value.TotalSeconds);
        }

        Assert.Equal([0, 1, 2, 4, 8, 16, 30, 30], pauses);
    }
}
