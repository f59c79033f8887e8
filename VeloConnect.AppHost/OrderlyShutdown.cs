using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace VeloConnect.AppHost;

internal static class OrderlyShutdownExtensions
{
    /// <summary>
    /// On shutdown, stops the given resources one after the other before the orchestrator stops everything at once.
    /// The orchestrator would stop Redis together with the silos, so they could not leave the membership table:
    /// the next start then waits ~20 s until the new silo has evicted the stale entries.
    /// </summary>
    public static void StopFirstOnShutdown(this IDistributedApplicationBuilder builder, params IResourceBuilder<IResource>[] resources)
    {
        if (!builder.ExecutionContext.IsRunMode)
        {
            return;
        }

        // Hosted services stop in reverse order of registration: this one, added last, stops before Aspire's own.
        builder.Services.AddHostedService(services => new OrderlyShutdown(
            services.GetRequiredService<ResourceCommandService>(),
            services.GetRequiredService<ILoggerFactory>().CreateLogger("VeloConnect.AppHost"),
            [.. resources.Select(resource => resource.Resource)]));
    }
}

internal sealed class OrderlyShutdown(ResourceCommandService commands, ILogger logger, IReadOnlyList<IResource> resources) : IHostedService
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var resource in resources)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(StopTimeout);
            try
            {
                var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StopCommand, timeout.Token);
                if (!result.Success)
                {
                    logger.LogDebug("Stopping {Resource} first did not succeed: {Message}", resource.Name, result.Message);
                }
            }
            catch (Exception exception) when (exception is OperationCanceledException or InvalidOperationException)
            {
                // Shutting down regardless: the orchestrator stops whatever is left.
                logger.LogDebug(exception, "Stopping {Resource} first did not complete", resource.Name);
            }
        }
    }
}
