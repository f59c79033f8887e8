using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using VeloConnect.Silo;

namespace VeloConnect.Api.Tests;

/// <summary>The configuration the AppHost gives the silo and the API, and a silo host started the production way.</summary>
internal static class LocalCluster
{
    /// <summary>Settings shared by silos and the API: the database, Redis, and Orleans membership in PostgreSQL.</summary>
    public static Dictionary<string, string?> Settings(string connectionString, string redis, string clusterPrefix) => new()
    {
        ["ConnectionStrings:contactsdb"] = connectionString,
        ["ConnectionStrings:redis"] = redis,
        ["Orleans:ClusterId"] = clusterPrefix + "-" + Guid.NewGuid().ToString("N")[..8],
        ["Orleans:ServiceId"] = "veloconnect-tests",
        ["Orleans:Clustering:ProviderType"] = "AdoNet",
        ["Orleans:Clustering:ServiceKey"] = "contactsdb",
        ["Orleans:Clustering:Invariant"] = "Npgsql",
        ["Orleans:Clustering:ConnectionName"] = "contactsdb",
    };

    public static async Task<WebApplication> StartSiloAsync(IReadOnlyDictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Orleans:Endpoints:SiloPort"] = FreePort().ToString(),
            ["Orleans:Endpoints:GatewayPort"] = FreePort().ToString(),
            ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
            // Grain storage is a silo setting only (an Orleans client fails on it).
            ["Orleans:GrainStorage:Default:ProviderType"] = "AdoNet",
            ["Orleans:GrainStorage:Default:ServiceKey"] = "contactsdb",
            ["Orleans:GrainStorage:Default:Invariant"] = "Npgsql",
            ["Orleans:GrainStorage:Default:ConnectionName"] = "contactsdb",
        });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.AddVeloConnectSilo();
        var silo = builder.Build();
        silo.MapDefaultEndpoints();
        await silo.StartAsync();
        return silo;
    }

    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
