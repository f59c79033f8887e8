using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>An API that stops does not wait for its open notification streams: they end, and the browser's bell reconnects elsewhere.</summary>
public sealed class ApiShutdownTests(IdempotencyFixture fixture) : IClassFixture<IdempotencyFixture>
{
    [Fact]
    public async Task An_open_notification_stream_ends_when_its_API_stops()
    {
        // Found with the AppHost tests: after the browser tests the API took more than 10 s to stop, holding the bell's stream
        // open until the host's shutdown timeout cut it.
        var api = fixture.StartApi();
        var ws = await fixture.NewWorkspaceAsync();
        using var http = IdempotencyFixture.Client(api, ws.ApiKey);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var stream = await SseTestStream.OpenAsync(http, "/api/notifications/stream", null, timeout.Token);

        api.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        Assert.True(await stream.EndsAsync(timeout.Token), "The stream was still open 30 s after the API was asked to stop.");
    }
}
