using System.Net;
using System.Text.Json.Nodes;
using Npgsql;
using VeloConnect.Data.Notifications;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The notification stream loses nothing: events carry the notification id, a client that reconnects with
/// <c>Last-Event-ID</c> (or <c>?after=</c>) gets exactly what it missed, and a notification written while the API's
/// PostgreSQL listener reconnects still reaches the open streams.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class NotificationStreamTests(ApiFixture fixture)
{
    private const string Url = "/api/notifications/stream";

    [Fact]
    public async Task A_client_reconnecting_with_Last_Event_ID_gets_exactly_what_it_missed_once()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var (colleague, _) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Colleague", null);
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        long seen;
        using (var first = await SseTestStream.OpenAsync(ws.Http, Url, null, timeout.Token))
        {
            seen = (await AddAsync(store, ws.Id, ws.UserId, "seen")).Id;
            Assert.Equal(seen, (await first.NextAsync(timeout.Token)).LongId);
        }

        // Written while the client was away, with the colleague's (same workspace) in between.
        var missed = new List<long> { (await AddAsync(store, ws.Id, ws.UserId, "missed 1")).Id };
        await AddAsync(store, ws.Id, colleague.Id, "the colleague's");
        missed.Add((await AddAsync(store, ws.Id, ws.UserId, "missed 2")).Id);

        using var again = await SseTestStream.OpenAsync(ws.Http, Url, seen.ToString(), timeout.Token);
        var live = await AddAsync(store, ws.Id, ws.UserId, "live");
        var events = new List<SseEvent>();
        for (var i = 0; i < 3; i++)
        {
            events.Add(await again.NextAsync(timeout.Token));
        }

        Assert.Equal([.. missed, live.Id], events.Select(e => e.LongId));
        Assert.All(events, e => Assert.Equal("notification", e.Event));
        Assert.Equal("missed 1", JsonNode.Parse(events[0].Data)!["title"]!.GetValue<string>());

        // Nothing twice: the next event is the next notification.
        var next = await AddAsync(store, ws.Id, ws.UserId, "next");
        Assert.Equal(next.Id, (await again.NextAsync(timeout.Token)).LongId);
    }

    [Fact]
    public async Task A_stream_opened_with_after_replays_what_came_after_and_refuses_a_bad_value()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var one = await AddAsync(store, ws.Id, ws.UserId, "one");
        var two = await AddAsync(store, ws.Id, ws.UserId, "two");

        using var stream = await SseTestStream.OpenAsync(ws.Http, $"{Url}?after={one.Id}", null, timeout.Token);
        Assert.Equal(two.Id, (await stream.NextAsync(timeout.Token)).LongId);

        var badAfter = await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync($"{Url}?after=yesterday", timeout.Token), HttpStatusCode.BadRequest);
        Assert.Contains("the id of the last notification received", badAfter["errors"]!["after"]![0]!.GetValue<string>());
        using var bad = new HttpRequestMessage(HttpMethod.Get, Url);
        bad.Headers.Add("Last-Event-ID", "-3");
        var badHeader = await ApiTestExtensions.ReadAsync(await ws.Http.SendAsync(bad, timeout.Token), HttpStatusCode.BadRequest);
        Assert.Contains("'Last-Event-ID' is the id of the last notification", badHeader["errors"]!["Last-Event-ID"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task A_client_that_missed_more_than_a_replay_holds_is_told_to_refetch()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = await AddAsync(store, ws.Id, ws.UserId, "seen");
        Notification newest = seen;
        for (var i = 0; i < 101; i++)
        {
            newest = await AddAsync(store, ws.Id, ws.UserId, $"missed {i}");
        }

        using var stream = await SseTestStream.OpenAsync(ws.Http, Url, seen.Id.ToString(), timeout.Token);
        var refetch = await stream.NextAsync(timeout.Token);
        Assert.Equal("refetch", refetch.Event);
        // Its id is the newest notification's, so a client reconnecting after it resumes from there.
        Assert.Equal(newest.Id, refetch.LongId);

        var live = await AddAsync(store, ws.Id, ws.UserId, "live");
        var next = await stream.NextAsync(timeout.Token);
        Assert.Equal(("notification", live.Id), (next.Event, next.LongId));
    }

    [Fact]
    public async Task A_notification_written_while_the_listener_reconnects_reaches_the_open_stream()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var store = new NotificationStore(fixture.DataSource);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(40));
        using var stream = await SseTestStream.OpenAsync(ws.Http, Url, null, timeout.Token);

        // Kill the API's LISTEN connection and write the notification in the gap: PostgreSQL delivers a NOTIFY only
        // to sessions listening when it commits, so this one is never heard live.
        var written = await WriteWhileNobodyListensAsync(ws, timeout.Token);

        var replayed = await stream.NextAsync(timeout.Token);
        Assert.Equal(("notification", written.Id), (replayed.Event, replayed.LongId));

        // Live again, and the replayed one is not sent twice.
        var live = await AddAsync(store, ws.Id, ws.UserId, "after the reconnect");
        Assert.Equal(live.Id, (await stream.NextAsync(timeout.Token)).LongId);
    }

    /// <summary>
    /// In one transaction: terminate every listening backend of this database (waiting until each has exited), check
    /// that no new listener has started, add the notification, commit. Tries again if the listener came back too soon.
    /// </summary>
    private async Task<Notification> WriteWhileNobodyListensAsync(TestWorkspace ws, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await fixture.DataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            var killed = await ScalarAsync<long>(connection, transaction, """
                with listeners as materialized (
                    select pid from pg_stat_activity where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid())
                select count(*) from listeners where pg_terminate_backend(pid, 10000)
                """, cancellationToken);
            Assert.True(killed > 0, "No listening backend found: is the API's notification hub connected?");
            await ScalarAsync<object>(connection, transaction, "select pg_stat_clear_snapshot()", cancellationToken);
            var listening = await ScalarAsync<long>(connection, transaction,
                "select count(*) from pg_stat_activity where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid()", cancellationToken);
            if (listening > 0 && attempt < 5)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue;
            }

            Assert.Equal(0, listening);
            var notification = await NotificationStore.AddAsync(connection, transaction, ws.Id, ws.UserId, "import.finished", "In the gap", "written while nobody listened", null, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return notification;
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private static Task<Notification> AddAsync(NotificationStore store, Guid workspaceId, Guid userId, string title) =>
        store.AddAsync(workspaceId, userId, "import.finished", title, "test notification", null);
}
