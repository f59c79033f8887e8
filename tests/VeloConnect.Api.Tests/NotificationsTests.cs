using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VeloConnect.Data.Notifications;
using VeloConnect.Data.Workspaces;
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
        using var stream = await SseTestStream.OpenAsync(ws.Http, "/api/notifications/stream", null, timeout.Token);

        // Written the way a silo writes them: straight to the database; PostgreSQL's NOTIFY carries them to the API.
        await store.AddAsync(other.Id, other.UserId, "import.finished", "Not yours", "Other workspace", null);
        var mine = await store.AddAsync(ws.Id, ws.UserId, "import.finished", "Import finished", "3 added", null);

        var received = await stream.NextAsync(timeout.Token);
        Assert.Equal("notification", received.Event);
        Assert.Equal(mine.Id, received.LongId);
        Assert.Equal("Import finished", JsonNode.Parse(received.Data)!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_colleague_in_the_same_workspace_sees_none_of_the_callers_notifications()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var (colleague, colleagueKey) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Colleague", "colleague@example.com");
        using var colleagueHttp = fixture.Client(colleagueKey);
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var colleagueStream = await SseTestStream.OpenAsync(colleagueHttp, "/api/notifications/stream", null, timeout.Token);

        var mine = await store.AddAsync(ws.Id, ws.UserId, "export.ready", "Export ready", "Yours only", "/exports/1");
        var theirs = await store.AddAsync(ws.Id, colleague.Id, "import.finished", "Their import", "The colleague's", null);

        // The stream: the colleague's first event is their own notification, not the caller's written before it.
        Assert.Equal(theirs.Id, (await colleagueStream.NextAsync(timeout.Token)).LongId);

        // The list and the unread count.
        Assert.Equal([theirs.Id], Ids(await (await colleagueHttp.GetAsync("/api/notifications")).ReadObjectAsync()));
        Assert.Equal([theirs.Id], Ids(await (await colleagueHttp.GetAsync("/api/notifications?unread=true")).ReadObjectAsync()));
        Assert.Equal([mine.Id], Ids(await (await ws.Http.GetAsync("/api/notifications")).ReadObjectAsync()));

        // Marking the caller's notification read as the colleague changes nothing, one by one or all at once.
        var marked = await (await colleagueHttp.PostAsJsonAsync("/api/notifications/read", new { ids = new[] { mine.Id } })).ReadObjectAsync();
        Assert.Equal(0, marked["marked"]!.GetValue<int>());
        var all = await (await colleagueHttp.PostAsJsonAsync("/api/notifications/read", new { all = true })).ReadObjectAsync();
        Assert.Equal(1, all["marked"]!.GetValue<int>());
        Assert.Equal([mine.Id], Ids(await (await ws.Http.GetAsync("/api/notifications?unread=true")).ReadObjectAsync()));

        // Resuming the stream after an id does not reach the caller's notifications either.
        using var resumed = await SseTestStream.OpenAsync(colleagueHttp, $"/api/notifications/stream?after={mine.Id - 1}", null, timeout.Token);
        var later = await store.AddAsync(ws.Id, colleague.Id, "import.finished", "Their second import", "The colleague's", null);
        Assert.Equal([theirs.Id, later.Id], [(await resumed.NextAsync(timeout.Token)).LongId, (await resumed.NextAsync(timeout.Token)).LongId]);
    }

    private static long[] Ids(JsonObject list) => [.. list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<long>())];
}
