using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// A real silo (started the production way, its cluster certificate in configuration) behind real sockets: the API's
/// Orleans client with the cluster certificate calls grains; a client without TLS, and one over TLS with a certificate
/// the cluster never issued, are turned away within a deadline (docs/decisions.md, "Orleans TLS (issue 15)").
/// </summary>
public sealed class ClusterTlsTests(ClusterTlsTests.TlsSilo silo, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<ClusterTlsTests.TlsSilo>
{
    /// <summary>A refused client must know within this (the TLS handshake timeout is 10 s; a busy machine adds some).</summary>
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_client_with_the_cluster_certificate_calls_a_grain()
    {
        await using var client = await StartClientAsync(silo.Settings, (orleans, configuration) =>
            orleans.UseClusterTls(ClusterCertificate.FromConfiguration(configuration)!));

        var hosts = await CallAsync(client);

        Assert.Single(hosts, host => host.Value == SiloStatus.Active);
    }

    [Fact]
    public async Task A_client_with_a_certificate_issued_by_the_cluster_certificate_calls_a_grain()
    {
        using var member = TestCertificates.IssuedBy(silo.Cluster, "CN=another velo node");
        var settings = new Dictionary<string, string?>(silo.Settings)
        {
            [ClusterCertificate.CertificateKey] = TestCertificates.Pfx(member),
            [ClusterCertificate.AuthorityKey] = Convert.ToBase64String(silo.Cluster.RawData),
        };
        await using var client = await StartClientAsync(settings, (orleans, configuration) =>
            orleans.UseClusterTls(ClusterCertificate.FromConfiguration(configuration)!));

        Assert.Single(await CallAsync(client), host => host.Value == SiloStatus.Active);
    }

    [Fact]
    public async Task A_client_without_tls_cannot_call_a_grain()
    {
        var refusal = await RefusalAsync(silo.Settings, (_, _) => { });

        Assert.NotNull(refusal);
    }

    [Fact]
    public async Task A_client_over_tls_with_a_certificate_the_cluster_does_not_trust_cannot_call_a_grain()
    {
        // A stranger who reached the gateway: its own self-signed certificate, and it accepts whatever the silo shows.
        using var stranger = TestCertificates.Authority("CN=velo cluster");
        var refusal = await RefusalAsync(silo.Settings, (orleans, _) => orleans.UseTls(stranger, tls => tls.AllowAnyRemoteCertificate()));

        Assert.NotNull(refusal);
    }

    [Fact]
    public async Task A_client_over_tls_without_a_certificate_cannot_call_a_grain()
    {
        var refusal = await RefusalAsync(silo.Settings, (orleans, _) => orleans.UseTls(tls => tls.AllowAnyRemoteCertificate()));

        Assert.NotNull(refusal);
    }

    [Fact]
    public async Task The_api_refuses_a_gateway_whose_certificate_the_cluster_does_not_trust()
    {
        // The API's client with the real cluster certificate, against a silo whose certificate is a stranger's (one that
        // welcomes the API's certificate: only the API's own check can refuse it).
        using var stranger = TestCertificates.Authority("CN=velo cluster");
        var impostorSettings = new Dictionary<string, string?>(silo.Settings)
        {
            [ClusterCertificate.CertificateKey] = TestCertificates.Pfx(stranger),
            [ClusterCertificate.AuthorityKey] = Convert.ToBase64String(silo.Cluster.RawData),
        };
        impostorSettings["Orleans:ClusterId"] += "-impostor";
        var impostor = await LocalCluster.StartSiloAsync(impostorSettings);
        try
        {
            var clientSettings = new Dictionary<string, string?>(silo.Settings) { ["Orleans:ClusterId"] = impostorSettings["Orleans:ClusterId"] };
            var refusal = await RefusalAsync(clientSettings, (orleans, configuration) =>
                orleans.UseClusterTls(ClusterCertificate.FromConfiguration(configuration)!));

            Assert.NotNull(refusal);
        }
        finally
        {
            await LocalCluster.StopAsync(null, impostor);
        }
    }

    [Fact]
    public async Task A_second_silo_with_the_cluster_certificate_joins_over_tls()
    {
        var second = await LocalCluster.StartSiloAsync(silo.Settings);
        try
        {
            await using var client = await StartClientAsync(silo.Settings, (orleans, configuration) =>
                orleans.UseClusterTls(ClusterCertificate.FromConfiguration(configuration)!));

            // Each silo answers for both: they probe each other, over TLS, to stay members.
            var hosts = await CallAsync(client);
            Assert.Equal(2, hosts.Count(host => host.Value == SiloStatus.Active));
        }
        finally
        {
            await LocalCluster.StopAsync(null, second);
        }
    }

    private static async Task<Dictionary<SiloAddress, SiloStatus>> CallAsync(ClientHost client) =>
        await client.Host.Services.GetRequiredService<IClusterClient>().GetGrain<IManagementGrain>(0).GetHosts(onlyActive: true);

    /// <summary>How a client configured by <paramref name="configure"/> failed to start or call a grain (null if it succeeded), asserting it knew within <see cref="Deadline"/>.</summary>
    private async Task<Exception?> RefusalAsync(IReadOnlyDictionary<string, string?> settings, Action<IClientBuilder, IConfiguration> configure)
    {
        var watch = Stopwatch.StartNew();
        var attempt = Task.Run(async () =>
        {
            try
            {
                await using var client = await StartClientAsync(settings, configure);
                await CallAsync(client);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        });

        var first = await Task.WhenAny(attempt, Task.Delay(Deadline));
        Assert.True(first == attempt, $"The client neither called the grain nor failed within {Deadline.TotalSeconds:F0} s.");
        var refusal = await attempt;
        Assert.True(refusal is not null, "The client called a grain.");
        Assert.True(watch.Elapsed < Deadline, $"Refused only after {watch.Elapsed.TotalSeconds:F1} s.");
        for (var e = refusal; e is not null; e = e.InnerException)
        {
            output.WriteLine($"Refused after {watch.Elapsed.TotalSeconds:F1} s: {e.GetType().Name}: {e.Message}");
        }

        return refusal;
    }

    /// <summary>An Orleans client host configured as the API's (membership in PostgreSQL), that gives up at the first failed connection.</summary>
    private static async Task<ClientHost> StartClientAsync(IReadOnlyDictionary<string, string?> settings, Action<IClientBuilder, IConfiguration> configure)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Development" });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.UseOrleansClient(orleans =>
        {
            orleans.UseConnectionRetryFilter((_, _) => Task.FromResult(false));
            orleans.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(15));
            configure(orleans, builder.Configuration);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
            return new ClientHost(host);
        }
        catch
        {
            host.Dispose();
            throw;
        }
    }

    private sealed record ClientHost(IHost Host) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await Host.StopAsync(timeout.Token);
            Host.Dispose();
        }
    }

    /// <summary>One silo with a fresh cluster certificate, over a fresh database, for the class's tests.</summary>
    public sealed class TlsSilo : IAsyncLifetime
    {
        private WebApplication? _silo;

        public X509Certificate2 Cluster { get; } = TestCertificates.Authority("CN=velo cluster");

        public Dictionary<string, string?> Settings { get; private set; } = [];

        public async Task InitializeAsync()
        {
            var database = await TestPostgres.CreateDatabaseAsync("cluster_tls");
            Settings = LocalCluster.Settings(database, "127.0.0.1:1", "tls");
            Settings[ClusterCertificate.CertificateKey] = TestCertificates.Pfx(Cluster);
            _silo = await LocalCluster.StartSiloAsync(Settings);
        }

        public async Task DisposeAsync()
        {
            await LocalCluster.StopAsync(null, _silo);
            Cluster.Dispose();
        }
    }
}

/// <summary>Certificates made on the spot: a cluster authority (self-signed, may issue) and members it issues.</summary>
internal static class TestCertificates
{
    private static readonly OidCollection TlsUsages = [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")];

    public static X509Certificate2 Authority(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = Request(subject, key, authority: true);
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-30), DateTimeOffset.UtcNow.AddDays(30));
    }

    public static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject) =>
        IssuedBy(authority, subject, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(29));

    public static X509Certificate2 IssuedBy(X509Certificate2 authority, string subject, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serial = RandomNumberGenerator.GetBytes(16);
        var request = Request(subject, key, authority: false);
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var issued = request.Create(authority, notBefore, notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>The certificate with its key as the base64 PKCS#12 that <c>VeloConnect:Cluster:Certificate</c> takes.</summary>
    public static string Pfx(X509Certificate2 certificate) => Convert.ToBase64String(certificate.Export(X509ContentType.Pkcs12));

    private static CertificateRequest Request(string subject, ECDsa key, bool authority)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(authority, false, 0, true));
        var usage = X509KeyUsageFlags.DigitalSignature | (authority ? X509KeyUsageFlags.KeyCertSign : X509KeyUsageFlags.None);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(TlsUsages, critical: false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }
}
