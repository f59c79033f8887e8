using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.ModelTests;

/// <summary>
/// The real stack for the model test: a throwaway PostgreSQL and Redis, two silos of one Orleans cluster (membership in
/// PostgreSQL, grains placed on either) and the API served by Kestrel on a free loopback port, reached over real HTTP
/// (so a client that gives up really drops its connection). Each sequence gets a workspace of its own.
/// </summary>
public sealed class ModelStack : IAsyncLifetime
{
    /// <summary>The custom field every sequence's workspace has (text), so merges and reverts carry a field value.</summary>
    public const string FieldKey = "tier";

    private readonly List<WebApplication> _silos = [];
    private WebApplicationFactory<Program>? _api;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public Uri ApiAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("model");
        var redis = await TestRedis.InstanceAsync();
        DataSource = NpgsqlDataSource.Create(connectionString);
        var shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "model-tests");
        // Small batches and revert chunks: a generated file of a few rows crosses batch boundaries, and its rows meet
        // the other operations of their step between batches.
        shared["VeloConnect:Imports:BatchRows"] = "3";
        shared["VeloConnect:Imports:WritesInFlight"] = "2"; // the concurrent write path (the default, set here so that the model keeps it if the default changes)
        shared["VeloConnect:Imports:RevertChunk"] = "2";
        shared["VeloConnect:Exports:Directory"] = Directory.CreateTempSubdirectory("veloconnect-model-exports-").FullName;
        shared["VeloConnect:PublicBaseUrl"] = "http://localhost";

        // Two silos with the same cluster settings: grains (contacts, writers, import jobs, reverts) land on either.
        _silos.Add(await LocalCluster.StartSiloAsync(shared, logging: Quiet));
        _silos.Add(await LocalCluster.StartSiloAsync(shared, logging: Quiet));

        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            web.ConfigureLogging(Quiet);
            foreach (var (key, value) in shared)
            {
                web.UseSetting(key, value);
            }
        });
        _api.UseKestrel(0);
        _api.StartServer();
        var addresses = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        ApiAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal));
        await _api.Services.GetRequiredService<NotificationHub>().Listening.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>Errors only: hundreds of sequences (and the expected "reloading" warnings of contended contacts) would bury a failure's report.</summary>
    private static void Quiet(ILoggingBuilder logging) => logging.SetMinimumLevel(LogLevel.Error);

    /// <summary>A fresh workspace (made as the API tests make theirs) with the custom field, and a client holding its key.</summary>
    public async Task<ModelWorkspace> NewWorkspaceAsync()
    {
        var name = "Model " + Guid.NewGuid().ToString("N")[..8];
        var (workspace, _, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync(name, "US", "Agent of " + name, null);
        var http = new HttpClient { BaseAddress = ApiAddress, Timeout = TimeSpan.FromSeconds(120) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var field = await http.PostAsync("/api/fields", Json.Content(new { key = FieldKey, label = "Tier", type = "text" }));
        if (!field.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the custom field failed: {(int)field.StatusCode} {await field.Content.ReadAsStringAsync()}");
        }

        return new ModelWorkspace(workspace.Id, http, DataSource);
    }

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silos.ToArray());
        await DataSource.DisposeAsync();
    }
}

/// <summary>One sequence's workspace: its id (for the database checks), an HTTP client with its key, the database.</summary>
public sealed record ModelWorkspace(Guid Id, HttpClient Http, NpgsqlDataSource DataSource) : IDisposable
{
    public void Dispose() => Http.Dispose();
}
