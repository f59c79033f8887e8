using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>A redis-server run from the binary installed on this machine (loopback only, RDB snapshots on disk).</summary>
internal sealed class LocalRedisResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"127.0.0.1:{Endpoint.Property(EndpointProperty.TargetPort)}");
}

internal static class LocalRedisExtensions
{
    /// <summary>Adds a redis-server keeping its snapshots in <paramref name="dataRoot"/>/redis; healthy once it answers PING.</summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataRoot)
    {
        var redisServer = LocalProcess.Find("redis-server", "/usr/bin")
            ?? throw new InvalidOperationException(
                "redis-server is not installed: run ./run.sh, which installs it (apt-get install redis-server).");

        var directory = Path.Combine(dataRoot, "redis");
        Directory.CreateDirectory(directory);

        var resource = new LocalRedisResource(name, redisServer, directory);
        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new RedisReadyCheck(resource), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(5)));

        return builder.AddResource(resource)
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add("--bind");
                context.Args.Add("127.0.0.1");
                context.Args.Add("--port");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("--dir");
                context.Args.Add(directory);
            })
            .WithHealthCheck(healthCheckKey);
    }
}

/// <summary>Healthy once the server answers PING with PONG (not while it is still loading its snapshot).</summary>
internal sealed class RedisReadyCheck(LocalRedisResource server) : TcpReadyCheck(server.Endpoint, "redis-server")
{
    protected override async Task<HealthCheckResult> ProbeAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);

        var buffer = new byte[64];
        var reply = new StringBuilder();
        while (!reply.ToString().Contains("\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, cancellationToken);
            if (read == 0)
            {
                break;
            }

            reply.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        var answer = reply.ToString().Trim();
        return answer == "+PONG"
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy($"redis-server answered '{answer}' to PING.");
    }
}
