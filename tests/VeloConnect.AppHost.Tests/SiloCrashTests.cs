using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace VeloConnect.AppHost.Tests;

/// <summary>
/// The local run heals a crashed silo: its process killed hard is started again by the AppHost, which the dashboard shows
/// (the replica's restarts and last crash, a line in its console log). The test leaves the silo healthy again for the
/// tests after it.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class SiloCrashTests(AppHostFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_silo_killed_hard_is_started_again_and_the_dashboard_shows_it()
    {
        await fixture.WaitUntilHealthyAsync();
        var notifications = fixture.App.ResourceNotifications;
        using var deadline = new CancellationTokenSource(Deadline);
        var running = await notifications.WaitForResourceAsync("silo", e => e.Snapshot.State?.Text == KnownResourceStates.Running, deadline.Token);
        var restartsBefore = Restarts(running.Snapshot);
        var logs = CollectLogs(running.ResourceId, deadline.Token);

        var silo = SiloProcess(running.Snapshot);
        var watch = Stopwatch.StartNew();
        silo.Kill();
        await silo.WaitForExitAsync(deadline.Token);

        var restarted = await notifications.WaitForResourceAsync("silo",
            e => e.Snapshot.State?.Text == KnownResourceStates.Running && Restarts(e.Snapshot) == restartsBefore + 1, deadline.Token);
        var startedAgain = watch.Elapsed;
        await notifications.WaitForResourceHealthyAsync("silo", deadline.Token);
        var healthyAgain = watch.Elapsed;
        Assert.Equal(running.ResourceId, restarted.ResourceId);
        Assert.Contains("exit code 137", Property(restarted.Snapshot, "velo.last-crash"), StringComparison.Ordinal);
        await WaitUntilAsync(() => logs.Any(line => line.Contains("exited unexpectedly (exit code 137)", StringComparison.Ordinal)), deadline.Token,
            () => $"The silo's console log does not say it crashed:\n{string.Join('\n', logs.TakeLast(20))}");
        output.WriteLine($"Killed the silo (pid {silo.Id}); running again after {startedAgain.TotalSeconds:F1} s, healthy after {healthyAgain.TotalSeconds:F1} s");

        // The API reaches the restarted silo: a write goes through its grains.
        await AssertApiWritesAsync("+14155550191");
    }

    private async Task AssertApiWritesAsync(string phone)
    {
        using var client = fixture.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.DemoApiKeyAsync());
        using var deadline = new CancellationTokenSource(Deadline);
        string last = "";
        await WaitUntilAsync(async () =>
        {
            using var created = await client.PostAsJsonAsync("/api/contacts", new { name = "After the silo restart", phones = new[] { phone } });
            last = $"{(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}";
            return created.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK;
        }, deadline.Token, () => $"The API could not write through the restarted silo: {last}");
    }

    /// <summary>The silo's own process: the orchestrator's pid, or its child when the project runs under <c>dotnet run</c>.</summary>
    private static Process SiloProcess(CustomResourceSnapshot snapshot)
    {
        var pid = Convert.ToInt32(Property(snapshot, "executable.pid"), CultureInfo.InvariantCulture);
        using var launched = Process.GetProcessById(pid);
        if (launched.ProcessName.StartsWith("VeloConnect.Silo", StringComparison.Ordinal))
        {
            return Process.GetProcessById(pid);
        }

        var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return children.Select(child => Process.GetProcessById(int.Parse(child, CultureInfo.InvariantCulture)))
            .Single(child => child.ProcessName.StartsWith("VeloConnect.Silo", StringComparison.Ordinal));
    }

    private static int Restarts(CustomResourceSnapshot snapshot) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == "velo.restarts")?.Value is { } value ? Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0;

    private static string Property(CustomResourceSnapshot snapshot, string name) =>
        snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value?.ToString()
            ?? throw new InvalidOperationException($"The snapshot has no property {name}: {string.Join(", ", snapshot.Properties.Select(p => p.Name))}");

    /// <summary>The replica's console log lines from now on, as the dashboard shows them.</summary>
    private System.Collections.Concurrent.ConcurrentQueue<string> CollectLogs(string resourceId, CancellationToken cancellationToken)
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var loggers = fixture.App.Services.GetRequiredService<ResourceLoggerService>();
        _ = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in loggers.WatchAsync(resourceId).WithCancellation(cancellationToken))
                {
                    foreach (var line in batch)
                    {
                        lines.Enqueue(line.Content);
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The test ended.
            }
        }, cancellationToken);
        return lines;
    }

    private static Task WaitUntilAsync(Func<bool> condition, CancellationToken cancellationToken, Func<string> describe) =>
        WaitUntilAsync(() => Task.FromResult(condition()), cancellationToken, describe);

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, CancellationToken cancellationToken, Func<string> describe)
    {
        while (!await condition())
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException(describe());
            }

            await Task.Delay(200, CancellationToken.None);
        }
    }
}
