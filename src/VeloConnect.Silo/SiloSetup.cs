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

    public static WebApplicationBuilder AddVeloConnectSilo(this WebApplicationBuilder builder)
    {
        builder.AddServiceDefaults();
        builder.AddNpgsqlDataSource(DatabaseName);
        // Migrations first: Orleans' ADO.NET providers read their queries from the database when the silo starts.
        builder.Services.AddDatabaseMigration(builder.Configuration.GetConnectionString(DatabaseName));

        builder.Services.AddVeloConnectGrains();
        builder.UseOrleans(silo => silo.AddActivityPropagation());
        return builder;
    }
}

/// <summary>Marks the silo assembly (for test hosts).</summary>
public sealed class SiloMarker;
