using System.Data;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using Orleans.Configuration;
using Orleans.Messaging;
using Orleans.Runtime;
using Orleans.Runtime.Membership;
using Orleans.Runtime.MembershipService;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.OrleansProviders.OrleansTestSupport;

namespace VeloConnect.Grains.Tests.OrleansProviders;

/// <summary>
/// The membership-table contract of Orleans' ADO.NET clustering provider, called directly against our
/// SQL (migration 0003): the table version guards every insert and update, rows round-trip, the
/// gateway list shows active gateways only, and the clean-up and delete queries remove what they should.
/// </summary>
public sealed class AdoNetMembershipTableTests : IAsyncLifetime
{
    private static readonly DateTime Started = new(2026, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc);

    private string _db = "";

    private static CancellationToken Ct => CancellationToken.None;

    public async Task InitializeAsync() => _db = await TestPostgres.CreateDatabaseAsync("orleans_membership");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Inserts_and_updates_succeed_only_against_the_current_table_version()
    {
        var table = CreateTable("cluster-a");
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        await table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);    // a second silo: the version row stays

        var empty = await table.ReadAllAsync(Ct);
        Assert.Empty(empty.Members);
        Assert.Equal(0, empty.Version.Version);

        var a = Entry(11111, SiloStatus.Joining);
        Assert.True(await table.InsertRowAsync(a, empty.Version.Next(), Ct));
        var afterInsert = await table.ReadAllAsync(Ct);
        Assert.Equal(1, afterInsert.Version.Version);
        var stored = Assert.Single(afterInsert.Members).Item1;
        Assert.Equal(a.SiloAddress, stored.SiloAddress);
        Assert.Equal("silo-11111", stored.SiloName);
        Assert.Equal("host-a", stored.HostName);
        Assert.Equal(SiloStatus.Joining, stored.Status);
        Assert.Equal(21111, stored.ProxyPort);
        Assert.Equal(Started, stored.StartTime);
        Assert.Equal(DateTimeKind.Utc, stored.StartTime.Kind);

        // Written against a version that has moved on, or for a silo already present: refused, nothing changes.
        var b = Entry(11112, SiloStatus.Joining);
        Assert.False(await table.InsertRowAsync(b, empty.Version.Next(), Ct));
        Assert.False(await table.InsertRowAsync(a, afterInsert.Version.Next(), Ct));
        var unchanged = await table.ReadAllAsync(Ct);
        Assert.Equal(1, unchanged.Version.Version);
        Assert.Single(unchanged.Members);

        // An update against the current version: status and suspicions stored and read back.
        var suspectedAt = new DateTime(2026, 1, 2, 3, 5, 0, 123, DateTimeKind.Utc);
        a.Status = SiloStatus.Active;
        a.SuspectTimes = [Tuple.Create(b.SiloAddress, suspectedAt)];
        Assert.True(await table.UpdateRowAsync(a, unchanged.Members[0].Item2, unchanged.Version.Next(), Ct));
        Assert.False(await table.UpdateRowAsync(a, unchanged.Members[0].Item2, unchanged.Version.Next(), Ct));    // now stale

        var row = await table.ReadRowAsync(a.SiloAddress, Ct);
        Assert.Equal(2, row.Version.Version);
        var updated = Assert.Single(row.Members).Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        var suspicion = Assert.Single(updated.SuspectTimes!);
        Assert.Equal(b.SiloAddress, suspicion.Item1);
        Assert.Equal(suspectedAt, suspicion.Item2);

        // An update of a silo that has no row is refused and leaves the version alone. (The row etag
        // Orleans passes is the table version it read: the provider checks that before the database.)
        Assert.False(await table.UpdateRowAsync(b, row.Version.VersionEtag, row.Version.Next(), Ct));
        Assert.Equal(2, (await table.ReadAllAsync(Ct)).Version.Version);

        // Reading a silo that has no row still gives the table version.
        var missing = await table.ReadRowAsync(b.SiloAddress, Ct);
        Assert.Empty(missing.Members);
        Assert.Equal(2, missing.Version.Version);
    }

    [Fact]
    public async Task I_am_alive_updates_only_the_liveness_time_and_not_the_table_version()
    {
        var table = CreateTable("cluster-b");
        await table.InitializeMembershipTableAsync(true, Ct);
        var a = Entry(12000, SiloStatus.Active);
        Assert.True(await table.InsertRowAsync(a, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        a.IAmAliveTime = Started.AddMinutes(5);
        await table.UpdateIAmAliveAsync(a, Ct);

        var read = await table.ReadRowAsync(a.SiloAddress, Ct);
        Assert.Equal(1, read.Version.Version);
        var stored = Assert.Single(read.Members).Item1;
        Assert.Equal(Started.AddMinutes(5), stored.IAmAliveTime);
        Assert.Equal(SiloStatus.Active, stored.Status);
    }

    [Fact]
    public async Task The_gateway_list_holds_the_active_silos_that_have_a_gateway()
    {
        var table = CreateTable("cluster-c");
        await table.InitializeMembershipTableAsync(true, Ct);
        var active = Entry(13001, SiloStatus.Active);
        var joining = Entry(13002, SiloStatus.Joining);
        var noGateway = Entry(13003, SiloStatus.Active);
        noGateway.ProxyPort = 0;
        foreach (var entry in new[] { active, joining, noGateway })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        var other = CreateTable("cluster-c-other");
        await other.InitializeMembershipTableAsync(true, Ct);
        Assert.True(await other.InsertRowAsync(Entry(13004, SiloStatus.Active), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));

        var gateways = new AdoNetGatewayListProvider(
            NullLogger<AdoNetGatewayListProvider>.Instance,
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new AdoNetClusteringClientOptions { Invariant = Invariant, ConnectionString = _db }),
            Options.Create(new GatewayOptions()),
            Options.Create(new ClusterOptions { ClusterId = "cluster-c", ServiceId = "svc" }));
        await gateways.InitializeGatewayListProviderAsync(Ct);
        var list = await gateways.GetGatewaysAsync(Ct);

        var gateway = Assert.Single(list);
        Assert.Equal(SiloAddress.New(new IPEndPoint(IPAddress.Loopback, 23001), active.SiloAddress.Generation).ToGatewayUri(), gateway);
    }

    [Fact]
    public async Task Cleanup_removes_only_dead_silos_wholly_before_the_cut_off_and_delete_removes_one_cluster()
    {
        var cutoff = Started.AddDays(1);
        var table = CreateTable("cluster-d");
        await table.InitializeMembershipTableAsync(true, Ct);
        var alive = Entry(14001, SiloStatus.Active);
        var deadLongAgo = Entry(14002, SiloStatus.Dead);
        deadLongAgo.SuspectTimes = [Tuple.Create(alive.SiloAddress, Started.AddHours(1))];
        var deadRecently = Entry(14003, SiloStatus.Dead);
        deadRecently.IAmAliveTime = Started.AddDays(10);
        var suspectedRecently = Entry(14005, SiloStatus.Dead);
        suspectedRecently.SuspectTimes = [Tuple.Create(alive.SiloAddress, Started.AddDays(10))];
        var startedRecently = Entry(14006, SiloStatus.Dead);
        startedRecently.StartTime = Started.AddDays(10);
        foreach (var entry in new[] { alive, deadLongAgo, deadRecently, suspectedRecently, startedRecently })
        {
            Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
            if (entry.SuspectTimes is { Count: > 0 })
            {
                // Inserts carry no suspicions: record them with an update, as a voting silo does.
                var current = await table.ReadAllAsync(Ct);
                Assert.True(await table.UpdateRowAsync(entry, current.TryGet(entry.SiloAddress)!.Item2, current.Version.Next(), Ct));
            }
        }

        var other = CreateTable("cluster-d-other");
        await other.InitializeMembershipTableAsync(true, Ct);
        Assert.True(await other.InsertRowAsync(Entry(14004, SiloStatus.Dead), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));

        await table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(cutoff), Ct);
        var left = (await table.ReadAllAsync(Ct)).Members.Select(m => m.Item1.SiloAddress).ToHashSet();
        Assert.Equal(
            new HashSet<SiloAddress> { alive.SiloAddress, deadRecently.SiloAddress, suspectedRecently.SiloAddress, startedRecently.SiloAddress },
            left);
        Assert.Single((await other.ReadAllAsync(Ct)).Members);    // another cluster's rows are not touched

        await table.DeleteMembershipTableEntriesAsync("cluster-d", Ct);
        Assert.Equal(0L, await ExecuteScalarAsync<long>(_db,
            "select (select count(*) from orleans_membership where deployment_id = @c) + (select count(*) from orleans_membership_version where deployment_id = @c)",
            ("c", "cluster-d")));
        Assert.Single((await other.ReadAllAsync(Ct)).Members);
    }

    [Fact]
    public async Task The_per_silo_cleanup_query_leaves_a_row_that_changed_after_it_was_read()
    {
        var table = CreateTable("cluster-e");
        await table.InitializeMembershipTableAsync(true, Ct);
        var dead = Entry(15001, SiloStatus.Dead);
        Assert.True(await table.InsertRowAsync(dead, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var query = await ExecuteScalarAsync<string>(_db, "select querytext from orleansquery where querykey = 'CleanupDefunctSiloEntryKey'");
        async Task<int> Delete(DateTime iAmAlive)
        {
            await using var connection = new NpgsqlConnection(_db);
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = query;
            void Add(string name, object? value, DbType type)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                parameter.DbType = type;
                command.Parameters.Add(parameter);
            }

            // Bound as the provider binds them.
            Add("DeploymentId", "cluster-e", DbType.String);
            Add("Address", "127.0.0.1", DbType.String);
            Add("Port", 15001, DbType.Int32);
            Add("Generation", 7, DbType.Int32);
            Add("SuspectTimes", null, DbType.String);
            Add("StartTime", Started, DbType.DateTime);
            Add("IAmAliveTime", iAmAlive, DbType.DateTime);
            return await command.ExecuteNonQueryAsync(Ct);
        }

        Assert.Equal(0, await Delete(Started.AddSeconds(-1)));    // read before its last heartbeat: kept
        Assert.Single((await table.ReadAllAsync(Ct)).Members);
        Assert.Equal(1, await Delete(Started));
        Assert.Empty((await table.ReadAllAsync(Ct)).Members);
    }

    private AdoNetClusteringTable CreateTable(string clusterId) =>
        new(
            new ServiceCollection().BuildServiceProvider(),
            Options.Create(new ClusterOptions { ClusterId = clusterId, ServiceId = "svc" }),
            Options.Create(new AdoNetClusteringSiloOptions { Invariant = Invariant, ConnectionString = _db }),
            NullLogger<AdoNetClusteringTable>.Instance);

    private static MembershipEntry Entry(int port, SiloStatus status) => new()
    {
        SiloAddress = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, port), 7),
        SiloName = $"silo-{port}",
        HostName = "host-a",
        Status = status,
        ProxyPort = port + 10000,
        StartTime = Started,
        IAmAliveTime = Started,
        SuspectTimes = [],
    };
}
