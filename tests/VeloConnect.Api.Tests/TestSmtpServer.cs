using System.Buffers;
using System.Collections.Concurrent;
using MimeKit;
using SmtpServer;
using SmtpServer.Mail;
using SmtpServer.Protocol;
using SmtpServer.Storage;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// An SMTP server inside the test process: it keeps every message it accepts, and refuses (550) any recipient at
/// <see cref="RefusedDomain"/>, which is how a test makes a send fail. Given a certificate, it offers STARTTLS with it
/// and records which messages came over TLS.
/// </summary>
public sealed class TestSmtpServer : IAsyncDisposable
{
    public const string RefusedDomain = "refused.example";

    private readonly ConcurrentQueue<MimeMessage> _received = new();
    private readonly ConcurrentQueue<MimeMessage> _overTls = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _running;

    public TestSmtpServer(System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        Port = LocalServer.FreePort();
        var options = new SmtpServerOptionsBuilder().ServerName("localhost").Endpoint(e =>
        {
            e.Endpoint(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, Port));
            if (certificate is not null)
            {
                e.Certificate(certificate);
            }
        }).Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(_received, _overTls));
        services.Add(new RecipientFilter());
        _running = new SmtpServer.SmtpServer(options, services).StartAsync(_stopping.Token);
    }

    public int Port { get; }

    public string ConnectionString => $"smtp://127.0.0.1:{Port}";

    /// <summary>The first message to <paramref name="address"/>, waiting for it with a deadline.</summary>
    public async Task<MimeMessage> WaitForMessageToAsync(string address, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            if (MessagesTo(address).FirstOrDefault() is { } message)
            {
                return message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No email to {address} arrived in time.");
            await Task.Delay(50);
        }
    }

    public IEnumerable<MimeMessage> MessagesTo(string address) => To(_received, address);

    /// <summary>The messages to <paramref name="address"/> that arrived over a TLS session (after STARTTLS).</summary>
    public IEnumerable<MimeMessage> MessagesOverTlsTo(string address) => To(_overTls, address);

    private static IEnumerable<MimeMessage> To(IEnumerable<MimeMessage> messages, string address) =>
        messages.Where(m => m.To.Mailboxes.Any(to => string.Equals(to.Address, address, StringComparison.OrdinalIgnoreCase)));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        try
        {
            await _running;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stopping.Dispose();
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> received, ConcurrentQueue<MimeMessage> overTls) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (context.Pipe.IsSecure)
            {
                overTls.Enqueue(message);
            }

            received.Enqueue(message);
            return SmtpResponse.Ok;
        }
    }

    private sealed class RecipientFilter : IMailboxFilter
    {
        public Task<bool> CanAcceptFromAsync(ISessionContext context, IMailbox from, int size, CancellationToken cancellationToken) => Task.FromResult(true);

        public Task<bool> CanDeliverToAsync(ISessionContext context, IMailbox to, IMailbox from, CancellationToken cancellationToken) =>
            Task.FromResult(!string.Equals(to.Host, RefusedDomain, StringComparison.OrdinalIgnoreCase));
    }
}
