using MailKit.Security;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MimeKit;
using VeloConnect.Grains.Exports;
using VeloConnect.Grains.Mail;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The silo's SMTP settings as its configuration makes them, sending to a real SMTP server in the test process that does
/// not offer STARTTLS: outside Development the send is refused before the message leaves; in Development it goes through.
/// </summary>
public sealed class SmtpTlsTests
{
    private static ServiceProvider Services(string environment, string connectionString, string? requireTls = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ConnectionStrings:mail"] = connectionString,
            ["VeloConnect:PublicBaseUrl"] = "https://contacts.example.com",
            ["VeloConnect:Exports:SigningKey"] = "a-signing-key-of-at-least-32-characters!",
            ["VeloConnect:Mail:RequireTls"] = requireTls,
        };
        return new ServiceCollection()
            .AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .AddSingleton<IHostEnvironment>(new TestEnvironment(environment))
            .AddSingleton(TimeProvider.System)
            .AddExportEmail()
            .BuildServiceProvider();
    }

    private static SmtpMailSender Sender(string environment, string connectionString) =>
        Services(environment, connectionString).GetRequiredService<SmtpMailSender>();

    private static MailOptions Options(string environment, string connectionString, string? requireTls = null) =>
        Services(environment, connectionString, requireTls).GetRequiredService<IOptions<MailOptions>>().Value;

    private static MimeMessage Message(string to) => new([MailboxAddress.Parse("VeloConnect <no-reply@example.com>")], [MailboxAddress.Parse(to)], "Hello", new TextPart("plain") { Text = "Hi" });

    [Theory]
    [InlineData("Production")]
    [InlineData("Staging")]
    public async Task Outside_development_a_server_without_tls_is_refused_before_anything_is_sent(string environment)
    {
        await using var server = new TestSmtpServer();
        var address = $"tls-{Guid.NewGuid():N}@example.com";

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => Sender(environment, server.ConnectionString).SendAsync(Message(address)));

        Assert.Contains("STARTTLS", refused.Message, StringComparison.Ordinal);
        Assert.Empty(server.MessagesTo(address));
    }

    [Fact]
    public async Task In_development_the_mail_catcher_without_tls_gets_the_message()
    {
        await using var server = new TestSmtpServer();
        var address = $"dev-{Guid.NewGuid():N}@example.com";

        await Sender("Development", server.ConnectionString).SendAsync(Message(address));

        await server.WaitForMessageToAsync(address);
    }

    [Fact]
    public void The_setting_decides_and_smtps_always_means_tls_from_the_first_byte()
    {
        Assert.Equal(SecureSocketOptions.StartTls, SmtpMailSender.Security(Options("Production", "smtp://127.0.0.1:25")));
        Assert.Equal(SecureSocketOptions.StartTlsWhenAvailable, SmtpMailSender.Security(Options("Development", "smtp://127.0.0.1:25")));
        Assert.Equal(SecureSocketOptions.StartTlsWhenAvailable, SmtpMailSender.Security(Options("Production", "smtp://127.0.0.1:25", "false")));
        Assert.Equal(SecureSocketOptions.StartTls, SmtpMailSender.Security(Options("Development", "smtp://127.0.0.1:25", "true")));
        Assert.Equal(SecureSocketOptions.SslOnConnect, SmtpMailSender.Security(Options("Production", "smtps://127.0.0.1:465")));
    }

    private sealed class TestEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "VeloConnect.Silo";

        public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

        public Microsoft.Extensions.FileProviders.IFileProvider ContentRootFileProvider { get; set; } = new Microsoft.Extensions.FileProviders.NullFileProvider();
    }
}
