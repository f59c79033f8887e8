using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>Reading <c>VeloConnect:Cluster</c> and the one trust rule of the cluster's TLS: a peer's certificate chains to the authority.</summary>
public sealed class ClusterCertificateTests : IDisposable
{
    private readonly X509Certificate2 _cluster = TestCertificates.Authority("CN=velo cluster");

    [Fact]
    public void Without_a_certificate_the_cluster_runs_without_tls() =>
        Assert.Null(ClusterCertificate.FromConfiguration(Configuration(new() { [ClusterCertificate.CertificateKey] = " " })));

    [Fact]
    public void The_certificate_is_read_from_base64_or_from_a_file()
    {
        var fromBase64 = ClusterCertificate.FromConfiguration(Configuration(new() { [ClusterCertificate.CertificateKey] = TestCertificates.Pfx(_cluster) }))!;
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(file, _cluster.Export(X509ContentType.Pkcs12));
            var fromFile = ClusterCertificate.FromConfiguration(Configuration(new() { [ClusterCertificate.CertificateKey] = file }))!;

            Assert.Equal(_cluster.Thumbprint, fromBase64.Certificate.Thumbprint);
            Assert.Equal(_cluster.Thumbprint, fromFile.Certificate.Thumbprint);
            Assert.True(fromFile.Certificate.HasPrivateKey);
            Assert.Equal(_cluster.Thumbprint, fromFile.Authority.Thumbprint);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("not a certificate!", "neither a readable file nor base64")]
    [InlineData("AAAA", "could not be read as a certificate")]
    public void An_unusable_setting_stops_the_host_saying_which_and_why(string value, string why)
    {
        var e = Assert.Throws<InvalidOperationException>(() =>
            ClusterCertificate.FromConfiguration(Configuration(new() { [ClusterCertificate.CertificateKey] = value })));
        Assert.Contains(ClusterCertificate.CertificateKey, e.Message);
        Assert.Contains(why, e.Message);
    }

    [Fact]
    public void A_certificate_without_its_private_key_is_refused()
    {
        var e = Assert.Throws<InvalidOperationException>(() => ClusterCertificate.FromConfiguration(Configuration(new()
        {
            [ClusterCertificate.CertificateKey] = PublicOnlyPfx(_cluster),
        })));
        Assert.Contains("no private key", e.Message);
    }

    [Fact]
    public void The_cluster_certificate_and_certificates_it_issued_are_trusted_a_stranger_of_the_same_name_is_not()
    {
        var cluster = Cluster();
        using var member = TestCertificates.IssuedBy(_cluster, "CN=velo node 2");
        using var stranger = TestCertificates.Authority("CN=velo cluster");
        using var strangersMember = TestCertificates.IssuedBy(stranger, "CN=velo node 2");

        Assert.True(cluster.Trusts(_cluster, null));
        Assert.True(cluster.Trusts(member, null));
        Assert.False(cluster.Trusts(stranger, null));
        Assert.False(cluster.Trusts(strangersMember, null));
    }

    [Fact]
    public void An_expired_member_certificate_is_not_trusted()
    {
        using var expired = TestCertificates.IssuedBy(_cluster, "CN=velo old node", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

        Assert.False(Cluster().Trusts(expired, null));
    }

    [Fact]
    public void With_an_authority_configured_the_own_certificate_is_not_the_trust_anchor()
    {
        using var member = TestCertificates.IssuedBy(_cluster, "CN=velo node 2");
        using var other = TestCertificates.IssuedBy(_cluster, "CN=velo node 3");
        var node = ClusterCertificate.FromConfiguration(Configuration(new()
        {
            [ClusterCertificate.CertificateKey] = TestCertificates.Pfx(member),
            [ClusterCertificate.AuthorityKey] = _cluster.ExportCertificatePem(),
        }))!;

        Assert.Equal(_cluster.Thumbprint, node.Authority.Thumbprint);
        Assert.True(node.Trusts(other, null));
        Assert.True(node.Trusts(_cluster, null));
    }

    public void Dispose() => _cluster.Dispose();

    private ClusterCertificate Cluster() =>
        ClusterCertificate.FromConfiguration(Configuration(new() { [ClusterCertificate.CertificateKey] = TestCertificates.Pfx(_cluster) }))!;

    private static string PublicOnlyPfx(X509Certificate2 certificate)
    {
        using var publicOnly = X509CertificateLoader.LoadCertificate(certificate.RawData);
        return Convert.ToBase64String(publicOnly.Export(X509ContentType.Pkcs12));
    }

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
