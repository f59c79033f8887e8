using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VeloConnect.AppHost.Infrastructure;

namespace VeloConnect.AppHost;

internal static class StartupReport
{
    /// <summary>
    /// Logs which infrastructure was chosen and, once every given resource is healthy, how long start-up took,
    /// where the web frontend and the API listen and the demo workspace's key. It waits in the background and holds nothing up.
    /// </summary>
    public static void ReportStartup(
        this IDistributedApplicationBuilder builder,
        InfrastructureSelection infrastructure,
        IResourceBuilder<ProjectResource> api,
        IResourceBuilder<ProjectResource> web,
        IResourceBuilder<ParameterResource> demoApiKey,
        IReadOnlyList<IResourceBuilder<IResource>> resources)
    {
        builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
        {
            Logger(e.Services).LogInformation("Infrastructure: {Kind} ({Reason})", infrastructure.Kind, infrastructure.Reason);
            return Task.CompletedTask;
        });

        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>((e, cancellationToken) =>
        {
            var notifications = e.Services.GetRequiredService<ResourceNotificationService>();
            var stopping = e.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var logger = Logger(e.Services);
            _ = Task.Run(async () =>
            {
                try
                {
                    foreach (var resource in resources)
                    {
                        await notifications.WaitForResourceHealthyAsync(resource.Resource.Name, stopping);
                    }

                    var elapsed = DateTime.Now - Process.GetCurrentProcess().StartTime;
                    logger.LogInformation(
                        "All resources are healthy, {Seconds:F1} s after the AppHost started. Web: {WebUrl}  API: {ApiUrl} (demo workspace API key: {DemoApiKey})",
                        elapsed.TotalSeconds, web.GetEndpoint("http").Url, api.GetEndpoint("http").Url, await demoApiKey.Resource.GetValueAsync(stopping));
                }
                catch (OperationCanceledException)
                {
                    // Stopped before everything was up.
                }
            }, stopping);
            return Task.CompletedTask;
        });
    }

    private static ILogger Logger(IServiceProvider services) =>
        services.GetRequiredService<ILoggerFactory>().CreateLogger("VeloConnect.AppHost");
}
