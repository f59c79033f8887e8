using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>
/// A development mail server: it accepts every message on its SMTP endpoint and shows it in a web inbox (the
/// <c>http</c> endpoint, linked from the dashboard). Its connection string is <c>smtp://host:port</c>, the shape Aspire's
/// MailPit integration hands to the projects that reference it.
/// </summary>
internal interface IMailServerResource : IResourceWithConnectionString
{
    public const string SmtpEndpointName = "smtp";
    public const string HttpEndpointName = "http";
}

/// <summary>MailPit in a container (SMTP 1025, web inbox 8025).</summary>
internal sealed class MailPitResource(string name) : ContainerResource(name), IMailServerResource
{
    private EndpointReference? _smtp;

    public EndpointReference Smtp => _smtp ??= new(this, IMailServerResource.SmtpEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"smtp://{Smtp.Property(EndpointProperty.Host)}:{Smtp.Property(EndpointProperty.Port)}");
}

/// <summary>smtp4dev run from the .NET tool that run.sh installs into the repository's git-ignored <c>.tools/</c>.</summary>
internal sealed class LocalSmtp4devResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IMailServerResource
{
    private EndpointReference? _smtp;

    public EndpointReference Smtp => _smtp ??= new(this, IMailServerResource.SmtpEndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"smtp://127.0.0.1:{Smtp.Property(EndpointProperty.TargetPort)}");
}

internal static class MailServerExtensions
{
    public const string Smtp4devPathKey = "VeloConnect:Smtp4devPath";

    private const string MailPitImage = "axllent/mailpit";

    // A development inbox with nothing to migrate: the newest is the one worth having.
    private const string MailPitTag = "latest";

    public static IResourceBuilder<MailPitResource> AddMailPit(this IDistributedApplicationBuilder builder, [ResourceName] string name) =>
        builder.AddResource(new MailPitResource(name))
            .WithImage(MailPitImage, MailPitTag)
            .WithImageRegistry("docker.io")
            .WithEndpoint(targetPort: 1025, name: IMailServerResource.SmtpEndpointName, scheme: "tcp")
            .WithHttpEndpoint(targetPort: 8025, name: IMailServerResource.HttpEndpointName)
            .WithHttpHealthCheck("/readyz", endpointName: IMailServerResource.HttpEndpointName);

    /// <summary>
    /// Adds smtp4dev with its inbox in memory (a restart empties it) and its settings in <paramref name="dataRoot"/>/mail.
    /// Healthy once the SMTP server greets and the inbox page answers.
    /// </summary>
    public static IResourceBuilder<LocalSmtp4devResource> AddLocalSmtp4dev(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataRoot)
    {
        var configured = builder.Configuration[Smtp4devPathKey];
        var command = !string.IsNullOrWhiteSpace(configured)
            ? configured
            : LocalProcess.Find("smtp4dev", Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", ".tools")))
                ?? throw new InvalidOperationException(
                    "smtp4dev is not installed: run ./run.sh, which installs it (dotnet tool install Rnwood.Smtp4dev --tool-path .tools), "
                    + $"or set {Smtp4devPathKey}.");

        var directory = Path.Combine(dataRoot, "mail");
        Directory.CreateDirectory(directory);

        var resource = new LocalSmtp4devResource(name, command, directory);
        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new SmtpReadyCheck(resource), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(5)));

        var http = new EndpointReference(resource, IMailServerResource.HttpEndpointName);
        return builder.AddResource(resource)
            .WithEndpoint(name: IMailServerResource.SmtpEndpointName, scheme: "tcp", isProxied: false)
            .WithHttpEndpoint(name: IMailServerResource.HttpEndpointName, isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(ReferenceExpression.Create($"--urls=http://127.0.0.1:{http.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add(ReferenceExpression.Create($"--smtpport={resource.Smtp.Property(EndpointProperty.TargetPort)}"));
                context.Args.Add("--bindaddress=127.0.0.1");
                // Only SMTP and the web inbox: no IMAP or POP3 ports to collide with anything.
                context.Args.Add("--imapport=");
                context.Args.Add("--pop3port=");
                context.Args.Add("--db=");
                context.Args.Add("--nousersettings");
                context.Args.Add($"--baseappdatapath={directory}");
            })
            .WithHealthCheck(healthCheckKey)
            .WithHttpHealthCheck("/", endpointName: IMailServerResource.HttpEndpointName);
    }
}

/// <summary>Healthy once the SMTP server greets a new connection with 220 (a listening socket alone is not enough).</summary>
internal sealed class SmtpReadyCheck(LocalSmtp4devResource server) : TcpReadyCheck(server.Smtp, "smtp4dev")
{
    protected override async Task<HealthCheckResult> ProbeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[256];
        var read = await stream.ReadAsync(buffer, cancellationToken);
        var greeting = Encoding.ASCII.GetString(buffer, 0, read).Trim();
        return greeting.StartsWith("220", StringComparison.Ordinal)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"smtp4dev greeted with '{greeting}'.");
    }
}
