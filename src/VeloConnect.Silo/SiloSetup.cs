using System.Data.Common;
using Npgsql;
using VeloConnect.Data;
using VeloConnect.Grains;

namespace VeloConnect.Silo;

/// <summary>
/// The silo host's wiring, shared by Program and the tests that start a real silo. Orleans itself is configured
/// from the "Orleans" section that Aspire writes (cluster and service ids, clustering, grain storage, endpoints).
/// </summary>
public static class SiloSetup
{
    public const string DatabaseName = "contactsdb";
    public const string RedisName = "redis";

    public static WebApplicationBuilder AddVeloConnectSilo(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddNpgsqlDataSource(DatabaseName);
        // Migrations first: Orleans' ADO.NET providers read their queries from the database when the silo starts.
        builder.Services.AddDatabaseMigration(builder.Configuration.GetConnectionString(DatabaseName));

        // Orleans' Redis providers resolve the connection as a keyed service named after the resource.
        if (UsesRedis(builder.Configuration))
        {
            builder.AddKeyedRedisClient(RedisName);
        }

        // Orleans' ADO.NET providers look their driver up by invariant name.
        DbProviderFactories.RegisterFactory("Npgsql", NpgsqlFactory.Instance);
        builder.Services.AddVeloConnectGrains();
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        return builder;
    }

    private static bool UsesRedis(IConfiguration configuration) =>
        configuration.GetSection("Orleans").AsEnumerable().Any(pair => string.Equals(pair.Value, RedisName, StringComparison.Ordinal))
        || configuration.GetConnectionString(RedisName) is not null;
}

/// <summary>Marks the silo assembly (for test hosts).</summary>
public sealed class SiloMarker;
