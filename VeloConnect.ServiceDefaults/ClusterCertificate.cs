using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The certificate silos and the API's Orleans client present to each other (mutual TLS, docs/decisions.md "Orleans TLS
/// (issue 15)"), and what a peer must present to be let in: a certificate that chains to the cluster's authority (the
/// cluster certificate itself unless <c>VeloConnect:Cluster:Authority</c> names another). Both settings take base64 or
/// a file path; the certificate is a PKCS#12 (PFX) with its private key, the authority a public certificate (DER or PEM,
/// the PEM text also directly).
/// </summary>
public sealed class ClusterCertificate
{
    public const string Section = "VeloConnect:Cluster";
    public const string CertificateKey = Section + ":Certificate";
    public const string PasswordKey = Section + ":CertificatePassword";
    public const string AuthorityKey = Section + ":Authority";

    private ClusterCertificate(X509Certificate2 certificate, X509Certificate2 authority)
    {
        Certificate = certificate;
        Authority = authority;
    }

    /// <summary>This host's own certificate, with its private key: the server certificate and the client certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The one root a peer's certificate must chain to.</summary>
    public X509Certificate2 Authority { get; }

    /// <summary>The configured cluster certificate, or null when none is configured (plain TCP, as before).</summary>
    /// <exception cref="InvalidOperationException">A setting is present but unusable: the message says which and why.</exception>
    public static ClusterCertificate? FromConfiguration(IConfiguration configuration)
    {
        var value = configuration[CertificateKey];
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var password = configuration[PasswordKey];
        var certificate = Load(CertificateKey, value, bytes => X509CertificateLoader.LoadPkcs12(bytes, password));
        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException($"{CertificateKey} has no private key: give the PKCS#12 (PFX) with its key, not the public certificate.");
        }

        var authorityValue = configuration[AuthorityKey];
        var authority = string.IsNullOrWhiteSpace(authorityValue)
            ? certificate
            : Load(AuthorityKey, authorityValue, LoadPublicCertificate);
        return new ClusterCertificate(certificate, authority);
    }

    /// <summary>
    /// Whether a peer's certificate chains to the authority (which it may be itself), is within its validity period and
    /// nothing else: no system roots, no host names (silos are addressed by IP), no revocation lists (a private cluster CA
    /// publishes none). <paramref name="presented"/> supplies any intermediates the peer sent.
    /// </summary>
    public bool Trusts(X509Certificate2 remote, X509Chain? presented)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (presented is not null)
        {
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(remote)
            && chain.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(Authority.RawDataMemory.Span);
    }

    private static X509Certificate2 LoadPublicCertificate(byte[] bytes) =>
        bytes.AsSpan().StartsWith("-----BEGIN"u8)
            ? X509Certificate2.CreateFromPem(System.Text.Encoding.ASCII.GetString(bytes))
            : X509CertificateLoader.LoadCertificate(bytes);

    private static X509Certificate2 Load(string key, string value, Func<byte[], X509Certificate2> load)
    {
        byte[] bytes;
        if (value.TrimStart().StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            bytes = System.Text.Encoding.ASCII.GetBytes(value.Trim());
        }
        else if (File.Exists(value))
        {
            bytes = File.ReadAllBytes(value);
        }
        else
        {
            bytes = new byte[value.Length];
            if (!Convert.TryFromBase64String(value.Trim(), bytes, out var length))
            {
                throw new InvalidOperationException($"{key} is neither a readable file nor base64: give the certificate's bytes in base64 or the path of its file.");
            }

            bytes = bytes[..length];
        }

        try
        {
            return load(bytes);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"{key} could not be read as a certificate ({e.Message}).", e);
        }
    }
}
