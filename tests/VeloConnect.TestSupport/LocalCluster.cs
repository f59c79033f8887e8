using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using VeloConnect.Silo;

namespace VeloConnect.TestSupport;

/// <summary>The configuration the AppHost gives the silo and the API, and a silo host started the production way.</summary>
public static class LocalCluster
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

    /// <summary>A silo's own settings on top of the shared ones: free ports, and grain storage (a silo setting only).</summary>
    public static Dictionary<string, string?> SiloSettings(IReadOnlyDictionary<string, string?> settings) => new(settings)
    {
        ["Orleans:Endpoints:SiloPort"] = LocalServer.FreePort().ToString(),
        ["Orleans:Endpoints:GatewayPort"] = LocalServer.FreePort().ToString(),
        ["Orleans:Endpoints:AdvertisedIPAddress"] = "127.0.0.1",
        // An Orleans client fails on grain-storage settings.
        ["Orleans:GrainStorage:Default:ProviderType"] = "AdoNet",
        ["Orleans:GrainStorage:Default:ServiceKey"] = "contactsdb",
        ["Orleans:GrainStorage:Default:Invariant"] = "Npgsql",
        ["Orleans:GrainStorage:Default:ConnectionName"] = "contactsdb",
    };

    /// <summary>
    /// Starts a silo host the production way. Its Orleans ports are chosen free, but another process may take one before
    /// the silo binds it: then it starts again on other ports.
    /// </summary>
    public static async Task<WebApplication> StartSiloAsync(IReadOnlyDictionary<string, string?> settings, string environment = "Development", Action<ILoggingBuilder>? logging = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
            builder.Configuration.AddInMemoryCollection(SiloSettings(settings));
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.AddVeloConnectSilo();
            logging?.Invoke(builder.Logging);
            var silo = builder.Build();
            silo.MapDefaultEndpoints();
            try
            {
                await silo.StartAsync();
                return silo;
            }
            catch (Exception e) when (attempt < 5 && LocalServer.IsPortTaken(e))
            {
                await silo.DisposeAsync();
            }
        }
    }

    /// <summary>Stops what a test stack started: the API first (it is the silos' client), then each silo. Null parts are skipped.</summary>
    public static async Task StopAsync(IAsyncDisposable? api, params IEnumerable<WebApplication?> silos)
    {
        if (api is not null)
        {
            await api.DisposeAsync();
        }

        foreach (var silo in silos)
        {
            if (silo is not null)
            {
                await silo.StopAsync();
                await silo.DisposeAsync();
            }
        }
    }
}
