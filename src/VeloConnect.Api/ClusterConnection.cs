using Orleans.Connections.Security;

namespace VeloConnect.Api;

/// <summary>The API's side of the cluster's mutual TLS (docs/decisions.md, "Orleans TLS (issue 15)").</summary>
public static class ClusterClientTls
{
    /// <summary>
    /// Connects to gateways over TLS only, presents the cluster certificate, and accepts only a gateway whose certificate
    /// the cluster trusts: the API never sends a grain call to a listener that merely took a silo's address.
    /// </summary>
    public static IClientBuilder UseClusterTls(this IClientBuilder client, ClusterCertificate cluster) =>
        client.UseTls(cluster.Certificate, tls =>
        {
            tls.RemoteCertificateMode = RemoteCertificateMode.RequireCertificate;
            tls.RemoteCertificateValidation = (certificate, chain, _) => cluster.Trusts(certificate, chain);
        });
}

/// <summary>The API may start before any silo is up: keep trying to reach the cluster for a while.</summary>
internal static class ClusterConnection
{
    public static Func<Exception, CancellationToken, Task<bool>> RetryFor(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        return async (_, cancellationToken) =>
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        };
    }
}
