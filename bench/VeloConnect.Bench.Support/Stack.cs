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

    private Stack(SiloProcess silo, WebApplicationFactory<global::Program> api, NpgsqlDataSource dataSource, Uri apiAddress)
    {
        Silo = silo;
        _api = api;
        DataSource = dataSource;
        ApiAddress = apiAddress;
    }

    public NpgsqlDataSource DataSource { get; }

    public SiloProcess Silo { get; }

    public Uri ApiAddress { get; }

    public static async Task<Stack> StartAsync(string environment)
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("bench");
        var redis = await TestRedis.InstanceAsync();
        var shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "bench");
        // Logs go to stderr, warnings and worse only: stdout carries the figures.
        shared["Logging:LogLevel:Default"] = "Warning";
        // What production requires of the API and silo besides the connections: a key for export links, a place for files.
        shared["VeloConnect:Exports:SigningKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        shared["VeloConnect:Exports:Directory"] = Directory.CreateTempSubdirectory("veloconnect-bench-exports-").FullName;
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

        return new Stack(silo, api, dataSource, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>A new workspace (region US) and an HTTP client that holds its API key.</summary>
    public async Task<HttpClient> NewWorkspaceClientAsync(string name)
    {
        var (_, _, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync(name, "US", "Agent of " + name, null);
        var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10) })
        {
            BaseAddress = ApiAddress,
            Timeout = TimeSpan.FromMinutes(5),
        };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await _api.DisposeAsync();
        await Silo.DisposeAsync();
        await DataSource.DisposeAsync();
    }

    private static void QuietLogging(ILoggingBuilder logging)
    {
        logging.ClearProviders();
        logging.SetMinimumLevel(LogLevel.Warning);
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
    }
}
