using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace VeloConnect.Grains.Mail;

/// <summary>
/// Sends one message per connection with MailKit. Exports finish seldom enough that a pooled connection would mostly
/// sit idle and time out on the server's side; a fresh one per message always starts from a known state.
/// </summary>
public sealed class SmtpMailSender(IOptions<MailOptions> options)
{
    private readonly Lazy<X509Certificate2?> _trusted = new(() =>
        string.IsNullOrWhiteSpace(options.Value.TrustedCertificate) ? null : X509CertificateLoader.LoadCertificateFromFile(options.Value.TrustedCertificate));

    public bool IsConfigured => options.Value.Server is not null;

    public MailboxAddress From => MailboxAddress.Parse(options.Value.From);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var server = options.Value.Server
            ?? throw new InvalidOperationException($"No SMTP server: set ConnectionStrings:{MailOptions.ConnectionName}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);

        using var client = new SmtpClient { Timeout = (int)options.Value.Timeout.TotalMilliseconds };
        if (_trusted.Value is { } trusted)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => Trusts(trusted, certificate, errors);
        }

        await client.ConnectAsync(server.Host, server.IsDefaultPort ? 0 : server.Port, Security(options.Value), timeout.Token);
        if (!string.IsNullOrEmpty(options.Value.UserName))
        {
            await client.AuthenticateAsync(options.Value.UserName, options.Value.Password ?? "", timeout.Token);
        }
        else if (server.UserInfo.Split(':', 2) is [{ Length: > 0 } user, var password])
        {
            await client.AuthenticateAsync(Uri.UnescapeDataString(user), Uri.UnescapeDataString(password), timeout.Token);
        }

        await client.SendAsync(message, timeout.Token);
        await client.DisconnectAsync(quit: true, timeout.Token);
    }

    /// <summary>
    /// The server's certificate is trusted when the system trusts it, or when its chain ends at <paramref name="trusted"/>
    /// (<see cref="MailOptions.TrustedCertificate"/>). The host name must match either way; revocation is not checked for
    /// the configured root (a private CA seldom publishes a revocation list).
    /// </summary>
    public static bool Trusts(X509Certificate2 trusted, X509Certificate? certificate, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var server = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(server);
    }

    /// <summary>
    /// TLS from the first byte for <c>smtps://</c>; otherwise STARTTLS, required unless <see cref="MailOptions.RequireTls"/>
    /// is false (MailKit then refuses a server that does not offer it, before the login and the message).
    /// </summary>
    public static SecureSocketOptions Security(MailOptions options) =>
        options.Server?.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect
        : options.RequireTls ?? true ? SecureSocketOptions.StartTls
        : SecureSocketOptions.StartTlsWhenAvailable;
}
