using System.Collections.Concurrent;
using System.Text;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.AppHost.Tests;

[CollectionDefinition(Name)]
public sealed class AppHostCollection : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}

/// <summary>
/// The whole AppHost, started once for the collection (stopping one takes ~13 s). Its PostgreSQL and Redis data
/// live in a temporary directory, so every run starts from an empty database. While it runs, the fixture keeps
/// each resource's latest state and recent log lines, to say why when something never becomes healthy.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly TimeSpan StartupDeadline = TimeSpan.FromMinutes(3);

    /// <summary>How long stopping the AppHost may take, its resources included.</summary>
    public static readonly TimeSpan ShutdownDeadline = TimeSpan.FromMinutes(2);

    /// <summary>Everything the dashboard shows for the application.</summary>
    public static readonly string[] ResourceNames = ["postgres", "contactsdb", "redis", "mail", "silo", "api", "web"];

    private const int LogLinesKept = 60;

    private readonly string _dataDirectory = CreateDataDirectory();
    private readonly ConcurrentDictionary<string, ResourceEvent> _latest = new();
    private readonly ConcurrentDictionary<string, ConcurrentQueue<string>> _logs = new();
    private readonly CancellationTokenSource _disposing = new();
    private DistributedApplication? _app;
    private Task? _healthy;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The AppHost has not been started.");

    public async Task InitializeAsync()
    {
        // WaitForResourceCleanup: stopping the AppHost waits until DCP has stopped every process it started.
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.VeloConnect_AppHost>(
            [$"--VeloConnect:DataDirectory={_dataDirectory}", "--DcpPublisher:WaitForResourceCleanup=true"]);
        // The AppHost's orderly shutdown alone may take 3 x 10 s (web, api, silo; the web is slow to stop after the browser
        // tests): with the default 30 s, stopping is cut off before DCP stops the servers, which then outlive the run.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = ShutdownDeadline);
        _app = await builder.BuildAsync();
        _ = WatchResourcesAsync(_app, _disposing.Token);

        using var startTimeout = new CancellationTokenSource(StartupDeadline);
        await _app.StartAsync(startTimeout.Token);
        _healthy = WaitForAllHealthyAsync(_app);
    }

    /// <summary>Completes once every resource is healthy; throws with states and logs when one fails or the deadline passes.</summary>
    public Task WaitUntilHealthyAsync() => _healthy ?? throw new InvalidOperationException("The AppHost has not been started.");

    public Task<string> DemoApiKeyAsync() => ParameterAsync("demo-api-key");

    /// <summary>The value the AppHost gave a parameter (generated or kept in its user secrets).</summary>
    public async Task<string> ParameterAsync(string name)
    {
        var model = App.Services.GetRequiredService<DistributedApplicationModel>();
        var parameter = model.Resources.OfType<ParameterResource>().Single(resource => resource.Name == name);
        return await parameter.GetValueAsync(CancellationToken.None)
            ?? throw new InvalidOperationException($"The {name} parameter has no value.");
    }

    public HttpClient CreateApiClient() => App.CreateHttpClient("api", "http");

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await _disposing.CancelAsync();
        _disposing.Dispose();

        // The local servers work in the data directory, which goes only once none of them does: redis-server cannot
        // write its final snapshot into a deleted directory, and then refuses to stop (it was left running for good).
        var left = await WorkingProcesses.WaitUntilNoneInAsync(_dataDirectory, TimeSpan.FromSeconds(30));
        var described = WorkingProcesses.Describe(left);
        WorkingProcesses.Kill(left);
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A temporary directory left behind is harmless.
        }

        if (left.Count > 0)
        {
            throw new InvalidOperationException($"30 s after the AppHost stopped, these processes still worked in {_dataDirectory} (killed now): {described}");
        }
    }

    private static string CreateDataDirectory()
    {
        // Temporary folders are 0700: the postgres user, which the AppHost runs PostgreSQL as, must reach inside.
        var directory = Directory.CreateTempSubdirectory("velo-apphost-").FullName;
        if (OperatingSystem.IsWindows())
        {
            return directory;
        }

        File.SetUnixFileMode(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return directory;
    }

    private async Task WaitForAllHealthyAsync(DistributedApplication app)
    {
        using var deadline = new CancellationTokenSource(StartupDeadline);
        var notifications = app.ResourceNotifications;
        var allHealthy = Task.WhenAll(ResourceNames.Select(name => notifications.WaitForResourceHealthyAsync(name, deadline.Token)));
        var anyFailed = Task.WhenAny(ResourceNames.Select(name => notifications.WaitForResourceAsync(
            name, e => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text), deadline.Token)));

        var first = await Task.WhenAny(allHealthy, anyFailed);
        // Ends whichever wait is still pending.
        await deadline.CancelAsync();
        if (first == allHealthy && allHealthy.IsCompletedSuccessfully)
        {
            return;
        }

        var reason = first == anyFailed && anyFailed.Result.IsCompletedSuccessfully
            ? $"'{anyFailed.Result.Result.Resource.Name}' stopped ({anyFailed.Result.Result.Snapshot.State?.Text})"
            : $"not every resource was healthy within {StartupDeadline.TotalSeconds:F0} s";
        throw new TimeoutException($"The AppHost did not come up: {reason}.{Environment.NewLine}{Describe()}");
    }

    private async Task WatchResourcesAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var loggers = app.Services.GetRequiredService<ResourceLoggerService>();
        try
        {
            await foreach (var resourceEvent in app.ResourceNotifications.WatchAsync(cancellationToken))
            {
                _latest[resourceEvent.ResourceId] = resourceEvent;
                if (_logs.TryAdd(resourceEvent.ResourceId, new ConcurrentQueue<string>()))
                {
                    _ = KeepLogsAsync(loggers, resourceEvent.ResourceId, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private async Task KeepLogsAsync(ResourceLoggerService loggers, string resourceId, CancellationToken cancellationToken)
    {
        var lines = _logs[resourceId];
        try
        {
            await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    lines.Enqueue(line.Content);
                    while (lines.Count > LogLinesKept && lines.TryDequeue(out _))
                    {
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    private string Describe()
    {
        var text = new StringBuilder();
        foreach (var (resourceId, resourceEvent) in _latest.OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            var snapshot = resourceEvent.Snapshot;
            if (snapshot.ResourceType is "Parameter")
            {
                continue;
            }

            var health = string.Join(", ", snapshot.HealthReports.Select(report =>
                $"{report.Name}: {report.Status?.ToString() ?? "pending"} {report.Description ?? report.ExceptionText}".TrimEnd()));
            text.AppendLine($"== {resourceId}: {snapshot.State?.Text ?? "no state"}; health: {snapshot.HealthStatus?.ToString() ?? "none"} [{health}]");
            if (_logs.TryGetValue(resourceId, out var lines))
            {
                foreach (var line in lines)
                {
                    text.AppendLine($"   {line}");
                }
            }
        }

        return text.ToString();
    }
}
