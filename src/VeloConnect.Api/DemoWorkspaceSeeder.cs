using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api;

/// <summary>
/// Development only: makes sure the demo workspace exists and opens with the configured key
/// (<c>VeloConnect:DemoApiKey</c>, set by the AppHost and shown on the api resource in the dashboard), and prints it.
/// </summary>
public sealed partial class DemoWorkspaceSeeder(WorkspaceStore workspaces, IConfiguration configuration, ILogger<DemoWorkspaceSeeder> logger) : IHostedService
{
    public const string KeySetting = "VeloConnect:DemoApiKey";

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var key = configuration[KeySetting];
        if (string.IsNullOrWhiteSpace(key))
        {
            LogNoKey(logger, KeySetting);
            return;
        }

        await workspaces.EnsureDemoWorkspaceAsync(key, cancellationToken);
        LogKey(logger, key);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo API key: {ApiKey}   (try: curl -H \"Authorization: Bearer {ApiKey}\" <api>/api/contacts)")]
    private static partial void LogKey(ILogger logger, string apiKey);

    [LoggerMessage(Level = LogLevel.Information, Message = "No {Setting} configured: no demo workspace seeded")]
    private static partial void LogNoKey(ILogger logger, string setting);
}
