using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VeloConnect.Data.Notifications;
using Xunit;

namespace VeloConnect.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class NotificationsTests(ApiFixture fixture)
{
    [Fact]
    public async Task Notifications_are_listed_newest_first_and_marked_read()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var store = new NotificationStore(fixture.DataSource);
        var first = await store.AddAsync(ws.Id, ws.UserId, "import.finished", "Import finished", "48,211 added, 1,730 updated, 59 skipped", "/imports/1");
        var second = await store.AddAsync(ws.Id, ws.UserId, "export.ready", "Export ready", "Your export is ready", "/exports/1");

        var list = await (await ws.Http.GetAsync("/api/notifications")).ReadObjectAsync();
        Assert.Equal([second.Id, first.Id], list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
        Assert.Equal("48,211 added, 1,730 updated, 59 skipped", list["items"]![1]!["message"]!.GetValue<string>());

        var marked = await (await ws.Http.PostAsJsonAsync("/api/notifications/read", new { ids = new[] { first.Id } })).ReadObjectAsync();
        Assert.Equal(1, marked["marked"]!.GetValue<int>());
        var unread = await (await ws.Http.GetAsync("/api/notifications?unread=true")).ReadObjectAsync();
        Assert.Equal([second.Id], unread["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>()));
        var all = await (await ws.Http.PostAsJsonAsync("/api/notifications/read", new { all = true })).ReadObjectAsync();
        Assert.Equal(1, all["marked"]!.GetValue<int>());
        Assert.Empty((await (await ws.Http.GetAsync("/api/notifications?unread=true")).ReadObjectAsync())["items"]!.AsArray());
        await (await ws.Http.PostAsJsonAsync("/api/notifications/read", new { })).AssertProblemAsync(HttpStatusCode.BadRequest, "{\"all\": true}");
    }

    [Fact]
    public async Task The_live_stream_delivers_new_notifications_of_the_caller_only()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var response = await ws.Http.GetAsync("/api/notifications/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        // Written the way a silo writes them: straight to the database; PostgreSQL's NOTIFY carries them to the API.
        await store.AddAsync(other.Id, other.UserId, "import.finished", "Not yours", "Other workspace", null);
        var mine = await store.AddAsync(ws.Id, ws.UserId, "import.finished", "Import finished", "3 added", null);

        var (eventName, id, data) = await ReadEventAsync(reader, timeout.Token);
        Assert.Equal("notification", eventName);
        Assert.Equal(mine.Id.ToString(), id);
        var payload = JsonNode.Parse(data)!;
        Assert.Equal("Import finished", payload["Title"]?.GetValue<string>() ?? payload["title"]!.GetValue<string>());
    }

    private static async Task<(string? Event, string? Id, string Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? eventName = null, id = null, data = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return (eventName, id, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }

        throw new InvalidOperationException("The stream ended before an event arrived.");
    }
}
