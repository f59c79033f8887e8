using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// The real stack for velo to talk to over TCP: a throwaway PostgreSQL and Redis, a silo host (the production wiring),
/// and the API's own Program on Kestrel on a free loopback port, an Orleans client of that silo.
/// </summary>
public sealed class CliStackFixture : IAsyncLifetime
{
    private WebApplication? _silo;
    private WebApplicationFactory<Program>? _api;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public string ApiUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("cli");
        var redis = await TestRedis.InstanceAsync();
        DataSource = NpgsqlDataSource.Create(connectionString);
        var shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "cli-tests");
        // 200,000 rows make a lot of information logs; warnings and errors are what a failing run needs.
        shared["Logging:LogLevel:Default"] = "Warning";
        _silo = await LocalCluster.StartSiloAsync(shared);

        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in shared)
            {
                web.UseSetting(key, value);
            }
        });
        // A port Kestrel chooses as it binds (not the API's default, 5000, which a developer's API may hold; nor one
        // chosen free beforehand, which another process may take in between).
        _api.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        _api.StartServer();
        var addresses = _api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        ApiUrl = addresses.Single().TrimEnd('/');
    }

    /// <summary>A workspace of its own (region US) and its API key.</summary>
    public async Task<(Guid WorkspaceId, string ApiKey)> NewWorkspaceAsync()
    {
        var (workspace, _, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync("CLI " + Guid.NewGuid().ToString("N")[..6], "US", "Agent", null);
        return (workspace.Id, key);
    }

    public HttpClient Client(string apiKey)
    {
        var client = new HttpClient { BaseAddress = new Uri(ApiUrl + "/"), Timeout = TimeSpan.FromMinutes(2) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silo);
        await DataSource.DisposeAsync();
    }
}
