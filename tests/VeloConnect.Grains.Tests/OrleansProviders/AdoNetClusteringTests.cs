using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.TestingHost;
using VeloConnect.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static VeloConnect.Grains.Tests.OrleansProviders.OrleansTestSupport;

namespace VeloConnect.Grains.Tests.OrleansProviders;

/// <summary>
/// Orleans' ADO.NET clustering against our PostgreSQL schema and queries (migration 0003): silos
/// find each other through the membership table, clients find gateways through it, and a silo that
/// leaves is recorded as dead.
/// </summary>
public sealed class AdoNetClusteringTests(ITestOutputHelper output) : IAsyncLifetime
{
    /// <summary>Set to "true" to make the test silos probe, suspect and vote within a couple of seconds.</summary>
    internal const string FastFailureDetectionKey = "VeloConnectTests:FastFailureDetection";

    /// <summary>
    /// How long the membership table may take to show what a test waits for. Polled: a passing test waits only as long as
    /// the cluster takes; the margin is for a busy machine (every test project runs at once on two cores).
    /// </summary>
    internal static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private string _db = "";

    public async Task InitializeAsync() => _db = await TestPostgres.CreateDatabaseAsync("orleans_clustering");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Two_silos_form_a_cluster_serve_a_gateway_client_and_a_stopped_silo_is_marked_dead()
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;    // membership from our tables, not the test fabric
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionStringKey] = _db;
        builder.AddSiloBuilderConfigurator<AdoNetClusteringSilo>();
        builder.AddClientBuilderConfigurator<AdoNetClusteringClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var clusterId = cluster.Options.ClusterId;
            var silos = cluster.Silos.Select(s => s.SiloAddress.ToString()).ToList();
            Assert.Equal(2, silos.Count);

            // Both silos registered themselves and are active in the membership table.
            await EventuallyAsync(
                async () =>
                {
                    var rows = await MembershipAsync(_db, clusterId);
                    return silos.All(s => rows.GetValueOrDefault(s) == 3);
                },
                Patience,
                async () => Describe(await MembershipAsync(_db, clusterId)));

            // The client (ADO.NET gateway list only) reaches grains, and grains run on both silos.
            var seen = new HashSet<string>();
            for (var key = 0; key < 200 && seen.Count < 2; key++)
            {
                seen.Add(await cluster.Client.GetGrain<IWhereGrain>(key).Silo());
            }

            Assert.Equal(silos.OrderBy(s => s), seen.OrderBy(s => s));

            // Grain storage works in the same cluster, through the same database.
            Assert.Equal("1", (await cluster.Client.GetGrain<IStoredCounterGrain>("clustered").Set(11)).ETag);

            // Stop one silo: it ends up Dead in the table, the other stays Active and keeps serving.
            var leaving = cluster.Silos[1];
            var staying = cluster.Silos[0].SiloAddress.ToString();
            await cluster.StopSiloAsync(leaving);
            await EventuallyAsync(
                async () =>
                {
                    var rows = await MembershipAsync(_db, clusterId);
                    return rows.GetValueOrDefault(leaving.SiloAddress.ToString()) == 6 && rows.GetValueOrDefault(staying) == 3;
                },
                Patience,
                async () => Describe(await MembershipAsync(_db, clusterId)));

            for (var key = 0; key < 20; key++)
            {
                Assert.Equal(staying, await cluster.Client.GetGrain<IWhereGrain>(key).Silo());
            }
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task A_silo_that_stops_answering_is_declared_dead_by_the_others()
    {
        var builder = new TestClusterBuilder(2);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        builder.Properties[ConnectionStringKey] = _db;
        builder.Properties[FastFailureDetectionKey] = "true";
        builder.AddSiloBuilderConfigurator<AdoNetClusteringSilo>();
        builder.AddClientBuilderConfigurator<AdoNetClusteringClient>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var clusterId = cluster.Options.ClusterId;
            await EventuallyAsync(
                async () => (await MembershipAsync(_db, clusterId)).Values.Count(status => status == 3) == 2,
                Patience,
                async () => Describe(await MembershipAsync(_db, clusterId)));

            // A crashed silo, as the table shows it: still Active, but nothing answers at its address.
            // (Stopping an in-process silo, even "killing" it, lets it write Dead itself.)
            var port = UnusedPort();
            var inserted = await ExecuteAsync(_db,
                """
                with v as (update orleans_membership_version set version = version + 1 where deployment_id = @c returning deployment_id)
                insert into orleans_membership (deployment_id, address, port, generation, silo_name, host_name, status,
                                                proxy_port, suspect_times, start_time, i_am_alive_time)
                select v.deployment_id, '127.0.0.1', @port, 1, 'crashed', 'nowhere', 3, 0, null, now(), now() from v
                """,
                ("c", clusterId), ("port", port));
            Assert.Equal(1, inserted);

            var crashed = $"S127.0.0.1:{port}:1";
            var detection = System.Diagnostics.Stopwatch.StartNew();
            await EventuallyAsync(
                async () => (await MembershipAsync(_db, clusterId)).GetValueOrDefault(crashed) == 6,
                Patience,
                async () => Describe(await MembershipAsync(_db, clusterId)));

            output.WriteLine($"The silo that does not answer was declared dead after {detection.Elapsed.TotalSeconds:0.0} s.");

            // The verdict came from the live silos: they are the suspecters recorded on the row.
            var suspecters = await ExecuteScalarAsync<string>(_db,
                "select suspect_times from orleans_membership where deployment_id = @c and port = @port",
                ("c", clusterId), ("port", port));
            var live = cluster.Silos.Select(s => s.SiloAddress.ToParsableString()).ToList();
            Assert.Contains(live, suspecters.Contains);
            Assert.All((await MembershipAsync(_db, clusterId)).Where(r => r.Key != crashed), r => Assert.Equal(3, r.Value));
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    [Fact]
    public async Task Providers_configured_only_through_Aspire_style_configuration_keys_use_our_tables()
    {
        // What an Aspire AppHost gives its projects for WithClustering(db) + WithOrleansProviderType("AdoNet"):
        // Orleans__Clustering__ProviderType / __ServiceKey and ConnectionStrings__<db> (silos and clients),
        // Orleans__GrainStorage__<name>__ProviderType / __ServiceKey (silos only). The ADO.NET providers
        // also need Invariant and ConnectionName (or ConnectionString): added here as the AppHost must.
        var builder = new TestClusterBuilder(1);
        builder.Options.UseTestClusterMembership = false;
        builder.Options.ConnectionTransport = ConnectionTransportType.TcpSocket;
        builder.Options.ConfigureFileLogging = false;
        foreach (var (key, value) in new Dictionary<string, string>
        {
            ["ConnectionStrings:orleansdb"] = _db,
            ["Orleans:Clustering:ProviderType"] = "AdoNet",
            ["Orleans:Clustering:ServiceKey"] = "orleansdb",
            ["Orleans:Clustering:Invariant"] = "Npgsql",
            ["Orleans:Clustering:ConnectionName"] = "orleansdb",
        })
        {
            builder.Properties[key] = value;
        }

        // The client must not see the grain-storage section: Orleans has no client-side AdoNet storage.
        builder.AddSiloBuilderConfigurator<AspireStyleGrainStorage>();
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            var serviceId = cluster.Options.ServiceId;
            Assert.Equal("1", (await cluster.Client.GetGrain<IStoredCounterGrain>("configured").Set(12)).ETag);
            Assert.Equal(1, (await ReadRowAsync(_db, serviceId, "configured"))!.Version);
            var members = await MembershipAsync(_db, cluster.Options.ClusterId);
            Assert.Equal(3, members[cluster.Silos[0].SiloAddress.ToString()]);
        }
        finally
        {
            await StopAsync(cluster);
        }
    }

    private static int UnusedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Describe(Dictionary<string, int> rows) =>
        rows.Count == 0 ? "no membership rows" : string.Join(", ", rows.Select(r => $"{r.Key}={r.Value}"));
}

/// <summary>Silo side of the clustering tests: ADO.NET clustering and storage on the test database.</summary>
public sealed class AdoNetClusteringSilo : ISiloConfigurator
{
    public void Configure(ISiloBuilder siloBuilder)
    {
        var connectionString = siloBuilder.Configuration[OrleansTestSupport.ConnectionStringKey]
            ?? throw new InvalidOperationException("The test cluster passed no database.");
        siloBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansTestSupport.Invariant;
            o.ConnectionString = connectionString;
        });
        OrleansTestSupport.AddTestStorage(siloBuilder, connectionString);
        // A silo that cannot join fails the test in a minute rather than after the default five.
        siloBuilder.Configure<ClusterMembershipOptions>(o => o.MaxJoinAttemptTime = AdoNetClusteringTests.Patience);
        if (siloBuilder.Configuration[AdoNetClusteringTests.FastFailureDetectionKey] == "true")
        {
            siloBuilder.Configure<ClusterMembershipOptions>(o =>
            {
                // Quick probes: a silo that refuses connections fails two of them in about a second.
                o.ProbeTimeout = TimeSpan.FromMilliseconds(500);
                o.NumMissedProbesLimit = 2;
                // Two votes: a death needs both live silos (or one and its indirect probe through the other). A stalled
                // scheduler makes the two live silos miss each other's probes and suspect each other, but neither has a
                // second voter against the other, so neither is evicted; the silo that does not answer gets both votes.
                o.NumVotesForDeathDeclaration = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
            });
        }
    }
}

/// <summary>Client side of the clustering tests: gateways from the ADO.NET membership table.</summary>
public sealed class AdoNetClusteringClient : IClientBuilderConfigurator
{
    public void Configure(IConfiguration configuration, IClientBuilder clientBuilder)
    {
        var connectionString = configuration[OrleansTestSupport.ConnectionStringKey]
            ?? throw new InvalidOperationException("The test cluster passed no database.");
        clientBuilder.UseAdoNetClustering(o =>
        {
            o.Invariant = OrleansTestSupport.Invariant;
            o.ConnectionString = connectionString;
        });
    }
}

/// <summary>The silo-only part of the Aspire-style configuration: grain storage "Default" on ADO.NET.</summary>
public sealed class AspireStyleGrainStorage : IHostConfigurator
{
    public void Configure(IHostBuilder hostBuilder) =>
        hostBuilder.ConfigureAppConfiguration(configuration => configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:GrainStorage:Default:ProviderType"] = "AdoNet",
            ["Orleans:GrainStorage:Default:ServiceKey"] = "orleansdb",
            ["Orleans:GrainStorage:Default:Invariant"] = "Npgsql",
            ["Orleans:GrainStorage:Default:ConnectionName"] = "orleansdb",
        }));
}
