using System.Net;
using System.Net.Sockets;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// The throwaway servers every test project starts: stopped whole (PostgreSQL's children too), also when the test host
/// that owns them is gone, and started again on another port when theirs is taken before they bind it.
/// </summary>
public sealed class TestServersTests
{
    private const int SigStop = 19;

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Stopping_postgres_ends_the_postmaster_and_every_child_and_removes_its_directory()
    {
        var postgres = await TestPostgres.StartOwnAsync();
        var directory = postgres.Server.Directory;
        var processes = ProcessesIn(directory);
        // The postmaster, its checkpointer, background writer, WAL writer and launchers.
        Assert.True(processes.Count >= 4, $"Only {Describe(processes)} work in {directory}.");

        postgres.Server.Stop();

        Assert.Empty(ProcessesIn(directory));
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task When_its_owner_is_gone_the_watchdog_stops_postgres_with_its_children()
    {
        var postgres = await TestPostgres.StartOwnAsync();
        var directory = postgres.Server.Directory;
        var postmaster = postgres.Server.Process.Id;

        // The watchdog's pipe ends, as it does when the test host is killed outright.
        postgres.Server.Abandon();

        await LocalServer.WaitUntilAsync(
            () => Task.FromResult(ProcessesIn(directory).Count == 0 && !Directory.Exists(directory)),
            Patience,
            () => $"{Describe(ProcessesIn(directory))} still work in {directory} (postmaster {postmaster}); directory there: {Directory.Exists(directory)}.");
    }

    [Fact]
    public async Task Children_left_stopped_by_a_tree_kill_cut_short_are_killed_by_the_watchdog()
    {
        var postgres = await TestPostgres.StartOwnAsync();
        var directory = postgres.Server.Directory;
        var postmaster = postgres.Server.Process.Id;
        var children = ProcessesIn(directory).Where(pid => pid != postmaster).ToList();
        Assert.NotEmpty(children);

        // What a process-tree kill does first (SIGSTOP to each process), then the postmaster killed and the test host gone
        // before the children were: they stay stopped (state T) for good, never seeing their postmaster die.
        foreach (var child in children)
        {
            LocalServer.Signal(child, SigStop);
        }

        LocalServer.Signal(postmaster, ServerProcess.SigKill);
        postgres.Server.Abandon();

        await LocalServer.WaitUntilAsync(
            () => Task.FromResult(ProcessesIn(directory).Count == 0 && !Directory.Exists(directory)),
            Patience,
            () => $"{Describe(ProcessesIn(directory))} still work in {directory}; directory there: {Directory.Exists(directory)}.");
    }

    [Fact]
    public async Task A_port_taken_between_choosing_and_binding_it_is_chosen_again()
    {
        var ports = new List<int>();
        using var squatter = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

        var redis = await LocalServer.StartOnFreePortAsync(port =>
        {
            ports.Add(port);
            if (ports.Count == 1)
            {
                // Someone else listens on the port first.
                squatter.Bind(new IPEndPoint(IPAddress.Loopback, port));
                squatter.Listen();
            }

            return TestRedis.StartOnPortAsync(port);
        });

        try
        {
            Assert.Equal(2, ports.Count);
            Assert.Equal(ports[1], redis.Port);
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, redis.Port);
        }
        finally
        {
            redis.Stop();
        }
    }

    private static IReadOnlyList<int> ProcessesIn(string directory) => WorkingProcesses.In(directory);

    private static string Describe(IReadOnlyList<int> pids) => pids.Count == 0 ? "no processes" : WorkingProcesses.Describe(pids);
}
