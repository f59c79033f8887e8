using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The real topology in one test process: a throwaway PostgreSQL and Redis, a silo host (the production wiring,
/// Orleans configured the way the AppHost configures it: clustering and grain storage in PostgreSQL) and the API (an Orleans client) in a
/// <see cref="WebApplicationFactory{TEntryPoint}"/>. Two workspaces with a user and an API key each.
/// </summary>
public class ApiFixture : IAsyncLifetime
{
    public const string DemoKey = "vc_demo_test_key_0123456789";

    private WebApplication? _silo;
    private WebApplicationFactory<Program>? _api;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public TestWorkspace A { get; private set; } = null!;

    public TestWorkspace B { get; private set; } = null!;

    public IServiceProvider ApiServices => _api!.Services;

    /// <summary>Receives the export emails the silo sends (links start at the test server's address, http://localhost).</summary>
    public TestSmtpServer Mail { get; } = new();

    /// <summary>What the API host logged during the run (the log-redaction test reads it).</summary>
    public CapturedLogs Logs { get; } = new();

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("api");
        var redis = await TestRedis.InstanceAsync();
        DataSource = NpgsqlDataSource.Create(connectionString);
        var shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "api-tests");
        // Small batches, so that every test file of more than a few rows crosses batch boundaries.
        shared["VeloConnect:Imports:BatchRows"] = "7";
        shared["VeloConnect:Imports:WritesInFlight"] = "2"; // the concurrent write path (the default, set here so that these tests keep it if the default changes)
        // Reverts decide their journal in chunks of 4, so a revert of a test import crosses chunks too.
        shared["VeloConnect:Imports:RevertChunk"] = "4";
        // Export files in a directory of this run, shared by the silo (which writes them) and the API (which serves them);
        // chunks of 7 contacts, so that every export of more than a few contacts crosses chunk boundaries.
        shared["VeloConnect:Exports:Directory"] = Directory.CreateTempSubdirectory("veloconnect-exports-").FullName;
        shared["VeloConnect:Exports:ChunkRows"] = "7";
        shared["ConnectionStrings:mail"] = Mail.ConnectionString;
        shared["VeloConnect:PublicBaseUrl"] = "http://localhost";
        // A request bucket the tests cannot drain, as the benches have: a property test sends hundreds of requests a second
        // from one workspace, and on a fast run met the default's 100 a second as a 429 (ImportEditTests, seen in a run of
        // 120 tests). The request limit itself is tested with its defaults (LimitsFixture).
        shared["VeloConnect:Limits:RequestBurst"] = "1000000";
        shared["VeloConnect:Limits:RequestsPerSecond"] = "1000000";
        Configure(shared);
        _silo = await LocalCluster.StartSiloAsync(shared);

        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in shared)
            {
                web.UseSetting(key, value);
            }

            web.UseSetting("VeloConnect:DemoApiKey", DemoKey);
            web.ConfigureLogging(logging => logging.AddProvider(Logs));
        });
        _ = _api.Server;
        await _api.Services.GetRequiredService<NotificationHub>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        var workspaces = new WorkspaceStore(DataSource);
        A = await CreateWorkspaceAsync(workspaces, "Workspace A");
        B = await CreateWorkspaceAsync(workspaces, "Workspace B");
    }

    /// <summary>Settings of a derived fixture, given to the silo and the API (e.g. lower limits).</summary>
    protected virtual void Configure(IDictionary<string, string?> settings)
    {
    }

    public HttpClient Client(string? apiKey)
    {
        var client = _api!.CreateClient();
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>A workspace of its own, for tests that count or filter everything they see.</summary>
    public Task<TestWorkspace> NewWorkspaceAsync(string region = "US") =>
        CreateWorkspaceAsync(new WorkspaceStore(DataSource), "Workspace " + Guid.NewGuid().ToString("N")[..6], region);

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silo);
        await DataSource.DisposeAsync();
        await Mail.DisposeAsync();
    }

    private async Task<TestWorkspace> CreateWorkspaceAsync(WorkspaceStore workspaces, string name, string region = "US")
    {
        var (workspace, user, key) = await workspaces.CreateWorkspaceAsync(name, region, "Agent of " + name, null);
        return new TestWorkspace(workspace.Id, user.Id, key, Client(key));
    }
}

public sealed record TestWorkspace(Guid Id, Guid UserId, string ApiKey, HttpClient Http);

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}
