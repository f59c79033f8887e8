using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>
/// Readiness of a local server that speaks first or answers a ping on its TCP endpoint. An accepted connection alone
/// proves little (the server may still be loading), so each check reads what the server says, within a timeout.
/// </summary>
internal abstract class TcpReadyCheck(EndpointReference endpoint, string server) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var port = int.Parse(await endpoint.Property(EndpointProperty.TargetPort).GetValueAsync(timeout.Token) ?? "",
                System.Globalization.CultureInfo.InvariantCulture);
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", port, timeout.Token);
            return await ProbeAsync(client.GetStream(), timeout.Token);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"{server} does not answer yet: {exception.Message}", exception);
        }
    }

    protected abstract Task<HealthCheckResult> ProbeAsync(NetworkStream stream, CancellationToken cancellationToken);
}
