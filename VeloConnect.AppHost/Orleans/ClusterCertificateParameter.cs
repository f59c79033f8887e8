using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace VeloConnect.AppHost.Orleans;

/// <summary>The certificate of the cluster's mutual TLS (docs/decisions.md, "Orleans TLS (issue 15)").</summary>
internal static class ClusterCertificateParameter
{
    public const string Name = "cluster-certificate";

    /// <summary>
    /// In run mode, a self-signed certificate made on the first run and kept in the AppHost's user secrets (as the export
    /// signing key is), so ./run.sh runs the cluster over TLS with zero set-up; in the manifest, a secret the deployment
    /// supplies (its own certificate: one for the cluster, or one per node with <c>VeloConnect__Cluster__Authority</c>).
    /// </summary>
    public static IResourceBuilder<ParameterResource> AddClusterCertificate(this IDistributedApplicationBuilder builder) =>
        builder.ExecutionContext.IsRunMode
            ? builder.AddParameter(Name, new SelfSignedClusterCertificate(), secret: true, persist: true)
            : builder.AddParameter(Name, secret: true);

    /// <summary>Gives <paramref name="resource"/> the cluster certificate, as a base64 PKCS#12 with its key.</summary>
    public static IResourceBuilder<T> WithClusterCertificate<T>(this IResourceBuilder<T> resource, IResourceBuilder<ParameterResource> certificate)
        where T : IResourceWithEnvironment =>
        resource.WithEnvironment("VeloConnect__Cluster__Certificate", certificate);

    /// <summary>
    /// A cluster authority for this machine: self-signed, allowed to issue (so per-node certificates could chain to it),
    /// and usable for both ends of a TLS connection. Valid for ten years: the local cluster keeps it across runs.
    /// </summary>
    internal sealed class SelfSignedClusterCertificate : ParameterDefault
    {
        public override string GetDefaultValue()
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest($"CN=VeloConnect local cluster ({Environment.MachineName})", key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyCertSign, critical: true));
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
                [new Oid("1.3.6.1.5.5.7.3.1", "Server Authentication"), new Oid("1.3.6.1.5.5.7.3.2", "Client Authentication")], critical: false));
            var now = DateTimeOffset.UtcNow;
            using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(10));
            return Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));
        }

        /// <summary>Never written: the manifest declares the parameter without a default (a deployment brings its certificate).</summary>
        public override void WriteToManifest(Aspire.Hosting.Publishing.ManifestPublishingContext context) =>
            throw new InvalidOperationException($"The {Name} parameter is generated in run mode only.");
    }
}
