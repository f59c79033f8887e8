using Orleans.Connections.Security;
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
        builder.AddNpgsqlDataSource(DatabaseName, configureDataSourceBuilder: DataSourceDefaults.Configure);
        // Migrations first: Orleans' ADO.NET providers read their queries from the database when the silo starts.
        builder.Services.AddDatabaseMigration(builder.Configuration.GetConnectionString(DatabaseName));

        builder.Services.AddVeloConnectGrains();
        var cluster = ClusterCertificate.FromConfiguration(builder.Configuration);
        builder.UseOrleans(silo =>
        {
            silo.AddActivityPropagation();
            if (cluster is not null)
            {
                silo.UseClusterTls(cluster);
            }
        });
        return builder;
    }

    /// <summary>
    /// Mutual TLS on every Orleans connection of this silo (from silos, to silos, from clients through the gateway): each
    /// side presents the cluster certificate and accepts only a peer whose certificate the cluster trusts, so a stranger
    /// who reaches the silo or gateway port cannot even complete a handshake (docs/decisions.md, "Orleans TLS (issue 15)").
    /// </summary>
    public static ISiloBuilder UseClusterTls(this ISiloBuilder silo, ClusterCertificate cluster) =>
        silo.UseTls(cluster.Certificate, tls =>
        {
            // Required from silos and, at the gateway, from clients: the gateway's inbound connections take these same options.
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (certificate, chain, _) => cluster.Trusts(certificate, chain);
        });
}

/// <summary>Marks the silo assembly (for test hosts).</summary>
public sealed class SiloMarker;
