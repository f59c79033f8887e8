using Xunit;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Orleans.TestingHost;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains;
using VeloConnect.TestSupport;

namespace VeloConnect.Grains.Tests.Contacts;

/// <summary>Two in-process silos over a real, migrated PostgreSQL database.</summary>
public sealed class ContactClusterFixture : IAsyncLifetime
{
    public InProcessTestCluster Cluster { get; private set; } = null!;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("grains");
        DataSource = NpgsqlDataSource.Create(connectionString);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSiloHost((_, host) =>
        {
            host.Services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            host.Services.AddVeloConnectGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    /// <summary>A fresh workspace, so tests never see each other's contacts.</summary>
    public async Task<Guid> NewWorkspaceAsync()
    {
        var (workspace, _, _) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync("Test", "US", "Agent", null);
        return workspace.Id;
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await DataSource.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class ContactClusterCollection : ICollectionFixture<ContactClusterFixture>
{
    public const string Name = "contact cluster";
}
