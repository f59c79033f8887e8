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
    public bool IsConfigured => options.Value.Server is not null;

    public MailboxAddress From => MailboxAddress.Parse(options.Value.From);

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken = default)
    {
        var server = options.Value.Server
            ?? throw new InvalidOperationException($"No SMTP server: set ConnectionStrings:{MailOptions.ConnectionName}.");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.Value.Timeout);

        using var client = new SmtpClient { Timeout = (int)options.Value.Timeout.TotalMilliseconds };
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
    /// TLS from the first byte for <c>smtps://</c>; otherwise STARTTLS, required unless <see cref="MailOptions.RequireTls"/>
    /// is false (MailKit then refuses a server that does not offer it, before the login and the message).
    /// </summary>
    public static SecureSocketOptions Security(MailOptions options) =>
        options.Server?.Scheme == "smtps" ? SecureSocketOptions.SslOnConnect
        : options.RequireTls ?? true ? SecureSocketOptions.StartTls
        : SecureSocketOptions.StartTlsWhenAvailable;
}
