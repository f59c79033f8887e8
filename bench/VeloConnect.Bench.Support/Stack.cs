using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Workspaces;
using VeloConnect.Silo;
using VeloConnect.TestSupport;

namespace VeloConnect.Bench.Support;

/// <summary>
/// The real topology: a throwaway PostgreSQL and Redis, a silo in a process of its own (production wiring, clustering
/// and grain storage in PostgreSQL, so its memory is its own) and, in this process, the API (an Orleans client) wired as
/// tests/VeloConnect.Api.Tests/ApiFixture.cs wires it, except that it listens on real Kestrel on 127.0.0.1, so every
/// measure goes through real HTTP.
/// </summary>
public sealed class Stack : IAsyncDisposable
{
    private readonly WebApplicationFactory<global::Program> _api;

    private Stack(SiloProcess silo, WebApplicationFactory<global::Program> api, NpgsqlDataSource dataSource, Uri apiAddress, string exportsDirectory)
    {
        Silo = silo;
        _api = api;
        DataSource = dataSource;
        ApiAddress = apiAddress;
        ExportsDirectory = exportsDirectory;
    }

    public NpgsqlDataSource DataSource { get; }

    public SiloProcess Silo { get; }

    public Uri ApiAddress { get; }

    /// <summary>Where the silo writes export files and the API serves them from (deleted with the stack).</summary>
    public string ExportsDirectory { get; }

    public static async Task<Stack> StartAsync(string environment)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("bench");
        var redis = await TestRedis.InstanceAsync();
        var shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "bench");
        // Logs go to stderr, warnings and worse only: stdout carries the figures.
        shared["Logging:LogLevel:Default"] = "Warning";
        // What production requires of the API and silo besides the connections: a key for export links, a place for files.
        shared["VeloConnect:Exports:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var exportsDirectory = Directory.CreateTempSubdirectory("veloconnect-bench-exports-").FullName;
        shared["VeloConnect:Exports:Directory"] = exportsDirectory;
        // The benches measure the server's speed, not its per-workspace request policy (LimitsTests cover that): the list
        // bench alone sends a few hundred requests a second from one key.
        shared["VeloConnect:Limits:RequestBurst"] = "1000000";
        shared["VeloConnect:Limits:RequestsPerSecond"] = "1000000";
        var dataSource = NpgsqlDataSource.Create(connectionString);
        var silo = await SiloProcess.StartAsync(shared, environment, dataSource);

        var port = LocalServer.FreePort();
        var api = new WebApplicationFactory<global::Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment(environment);
            foreach (var (key, value) in shared)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureLogging(QuietLogging);
        });
        api.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port);
            // Kestrel's default 30 MB body limit is what production has; the bench files stay well below it.
        });
        api.StartServer();
        await api.Services.GetRequiredService<NotificationHub>().Listening.WaitAsync(TimeSpan.FromSeconds(30));

        return new Stack(silo, api, dataSource, new Uri($"http://127.0.0.1:{port}"), exportsDirectory);
    }

    /// <summary>A new workspace (region US) and an HTTP client that holds its API key.</summary>
    public async Task<HttpClient> NewWorkspaceClientAsync(string name) => (await NewWorkspaceAsync(name)).Client;

    /// <summary>A new workspace (region US), its one user (the agent whose API key the client holds) and that client.</summary>
    public async Task<(Guid WorkspaceId, Guid UserId, HttpClient Client)> NewWorkspaceAsync(string name)
    {
        var (workspace, user, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync(name, "US", "Agent of " + name, null);
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = ApiAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (workspace.Id, user.Id, client);
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await Silo.DisposeAsync();
        await DataSource.DisposeAsync();
        try
        {
            Directory.Delete(ExportsDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory: the system cleans it up in the end.
        }
    }

    private static void QuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
