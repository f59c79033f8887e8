using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Exports;
using VeloConnect.Grains.Mail;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// An export email over TLS: a real SMTP server in the test process offers STARTTLS with a self-signed certificate, and
/// the silo's export email services, configured as in Production (TLS required), deliver through it once told to trust
/// that certificate (<c>VeloConnect:Mail:TrustedCertificate</c>). Without the setting the same send fails on the
/// certificate and nothing is delivered.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class SmtpTlsDeliveryTests(ApiFixture fixture) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("velo-smtp-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public async Task An_export_email_is_delivered_over_starttls_to_a_server_whose_certificate_is_configured_as_trusted()
    {
        using var certificate = SelfSigned("CN=localhost");
        await using var server = new TestSmtpServer(certificate);
        var (export, address) = await ExportOfAUserWithEmailAsync();

        var trusted = Path.Combine(_folder, "smtp.crt");
        await File.WriteAllTextAsync(trusted, certificate.ExportCertificatePem());
        await using (var services = Services(server.ConnectionString, trusted))
        {
            await services.GetRequiredService<ExportEmail>().SendReadyAsync(export, "1 contact", DateTimeOffset.UtcNow.AddDays(7));
        }

        var message = await server.WaitForMessageToAsync(address);
        Assert.Contains(message, server.MessagesOverTlsTo(address));
        Assert.Contains("/api/exports/download?token=", message.TextBody, StringComparison.Ordinal);
        Assert.Equal(["export.emailed"], await AuditActionsAsync(export));
    }

    [Fact]
    public async Task Without_the_trusted_certificate_the_self_signed_server_is_refused_and_nothing_is_sent()
    {
        using var certificate = SelfSigned("CN=localhost");
        await using var server = new TestSmtpServer(certificate);
        var (export, address) = await ExportOfAUserWithEmailAsync();

        await using (var services = Services(server.ConnectionString, trusted: null))
        {
            await services.GetRequiredService<ExportEmail>().SendReadyAsync(export, "1 contact", DateTimeOffset.UtcNow.AddDays(7));
        }

        Assert.Empty(server.MessagesTo(address));
        Assert.Equal(["export.email_failed"], await AuditActionsAsync(export));
    }

    [Fact]
    public async Task A_trusted_certificate_for_another_name_is_refused()
    {
        // The file is trusted, but the server's certificate names another host than the one connected to.
        using var certificate = SelfSigned("CN=mail.example.com", name: "mail.example.com");
        await using var server = new TestSmtpServer(certificate);
        var (export, address) = await ExportOfAUserWithEmailAsync();
        var trusted = Path.Combine(_folder, "other.crt");
        await File.WriteAllTextAsync(trusted, certificate.ExportCertificatePem());

        await using (var services = Services(server.ConnectionString, trusted))
        {
            await services.GetRequiredService<ExportEmail>().SendReadyAsync(export, "1 contact", DateTimeOffset.UtcNow.AddDays(7));
        }

        Assert.Empty(server.MessagesTo(address));
        Assert.Equal(["export.email_failed"], await AuditActionsAsync(export));
    }

    [Fact]
    public void A_trusted_certificate_file_that_does_not_exist_stops_the_start()
    {
        using var services = Services("smtp://127.0.0.1:25", Path.Combine(_folder, "missing.crt"));
        var refused = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<MailOptions>>().Value);
        Assert.Contains("TrustedCertificate", refused.Message, StringComparison.Ordinal);
    }

    /// <summary>A certificate for <paramref name="name"/> (default: localhost and 127.0.0.1), valid for server authentication, with its private key.</summary>
    private static X509Certificate2 SelfSigned(string subject, string? name = null)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        if (name is null)
        {
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
        }
        else
        {
            names.AddDnsName(name);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: false));
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        // A certificate with a key usable by the TLS server (an ephemeral key cannot always be used by SslStream).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), null);
    }

    private async Task<(ExportRecord Export, string Address)> ExportOfAUserWithEmailAsync()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var address = $"tls-{Guid.NewGuid():N}@example.com";
        var (user, _) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Mail Reader", address, role: ApiKeyRole.Agent);
        var now = DateTimeOffset.UtcNow;
        var export = new ExportRecord(Guid.NewGuid(), ws.Id, user.Id, ExportFormat.Csv, ContactFilter.None, JsonSerializer.SerializeToElement(new { }),
            ExportStatus.Ready, 1, 1, 100, "contacts.csv", now, now, now.AddDays(7), null);
        return (export, address);
    }

    private async Task<List<string>> AuditActionsAsync(ExportRecord export)
    {
        await using var command = fixture.DataSource.CreateCommand("select action from audit_log where workspace_id = @ws and entity_id = @id order by id");
        command.Parameters.AddWithValue("ws", export.WorkspaceId);
        command.Parameters.AddWithValue("id", export.Id.ToString());
        var actions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            actions.Add(reader.GetString(0));
        }

        return actions;
    }

    /// <summary>The silo's export email services as its configuration makes them in Production (TLS required).</summary>
    private ServiceProvider Services(string connectionString, string? trusted)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:mail"] = connectionString,
            ["VeloConnect:PublicBaseUrl"] = "https://contacts.example.com",
            ["VeloConnect:Exports:SigningKey"] = "a-signing-key-of-at-least-32-characters!",
            ["VeloConnect:Mail:Timeout"] = "00:00:10",
            ["VeloConnect:Mail:TrustedCertificate"] = trusted,
        };
        return new ServiceCollection()
            .AddLogging()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton<IHostEnvironment>(new ProductionEnvironment())
            .AddSingleton(TimeProvider.System)
            .AddSingleton(new WorkspaceStore(fixture.DataSource))
            .AddSingleton(new AuditLog(fixture.DataSource))
            .AddExportEmail()
            .BuildServiceProvider();
    }

    private sealed class ProductionEnvironment : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = Environments.Production;

        public string ApplicationName { get; set; } = "VeloConnect.Silo";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
