using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Notifications;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Exports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Jobs end exactly once: a command-line import's finish is one transaction (status, audit row, notification) that
/// batches respect; notifications travel as ids, so no text can overflow NOTIFY; an export is ready only once its file
/// is complete, and its cleanup deletes the file before it says "expired". Races are set up with real row locks held
/// by the test, so each interleaving is the same every run.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JobEndTests(ApiFixture fixture)
{
    private const string Head = "Full name,Mobile\nAnn Lee,+14155550501\n";

    [Fact]
    public async Task A_notification_longer_than_a_notify_payload_reaches_the_live_stream_whole()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var hub = fixture.ApiServices.GetRequiredService<NotificationHub>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var live = (await hub.SubscribeAsync(ws.Id, ws.UserId, null, timeout.Token)).GetAsyncEnumerator(timeout.Token);
        await using var listener = await fixture.DataSource.OpenConnectionAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await using (var listen = new NpgsqlCommand($"listen {NotificationStore.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        // 20,000 characters that JSON escapes: far more than the 8,000 bytes a NOTIFY payload may hold.
        var message = string.Concat(Enumerable.Repeat("\"<é>\" ", 4_000));
        var added = await new NotificationStore(fixture.DataSource).AddAsync(ws.Id, ws.UserId, "import.finished", "Import finished", message, "/imports/x");

        Assert.True(await live.MoveNextAsync());
        var arrived = Assert.IsType<NotificationArrived>(live.Current).Notification;
        Assert.Equal((added.Id, message, "/imports/x"), (arrived.Id, arrived.Message, arrived.Link));
        await listener.WaitAsync(timeout.Token);
        var payload = Assert.Single(payloads);
        Assert.True(payload.Length < 200, payload);
        Assert.Contains(added.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), payload);
    }

    [Fact]
    public async Task A_finish_sent_twice_at_once_finishes_audits_and_notifies_once()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await CommandLineImportTests.StartAsync(ws.Http, Head, ["name", "phone"]);
        await ReadAsync(await ws.Http.SendAsync(CommandLineImportTests.RowsRequest(id, [Row(2, "Ann", "+14155550501"), Row(3, "Bob", "+14155550502")], null)), HttpStatusCode.OK);

        // Both finishes pass their first look at the import while the test holds its row; both then wait for it.
        HttpResponseMessage[] answers;
        await using (var hold = await HoldAsync("select 1 from imports where id = @id for update", Guid.Parse(id)))
        {
            var finishes = new[] { Finish(ws.Http, id, 2), Finish(ws.Http, id, 2) };
            await WaitForLockWaitersAsync("%imports%", 2);
            await hold.Transaction.RollbackAsync();
            answers = await Task.WhenAll(finishes);
        }

        foreach (var answer in answers)
        {
            var done = await ReadAsync(answer, HttpStatusCode.OK);
            Assert.Equal(("finished", 2), (done["status"]!.GetValue<string>(), done["progress"]!["rowsDone"]!.GetValue<int>()));
        }

        Assert.Single((await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.finished&entityId={id}"), HttpStatusCode.OK))["items"]!.AsArray());
        Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/notifications"), HttpStatusCode.OK))["items"]!.AsArray(),
            n => n!["link"]!.GetValue<string>() == $"/imports/{id}");
        // Retried later: the same answer, nothing announced again.
        Assert.Equal("finished", (await ReadAsync(await Finish(ws.Http, id, 2), HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Single((await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.finished&entityId={id}"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_batch_held_up_while_the_import_finishes_is_refused_and_records_nothing()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var existing = await ws.Http.CreateContactAsync(new { name = "Existing", phones = new[] { "+14155550509" } });
        var id = await CommandLineImportTests.StartAsync(ws.Http, Head, ["name", "phone"]);
        await ReadAsync(await ws.Http.SendAsync(CommandLineImportTests.RowsRequest(id, [Row(2, "Ann", "+14155550501"), Row(3, "Bob", "+14155550502")], null)), HttpStatusCode.OK);

        // A late batch (row 4 renames the existing contact) passes the import's status check, then waits for the contact's
        // row, which the test holds, while the import finishes with the 2 rows recorded.
        HttpResponseMessage late;
        await using (var hold = await HoldAsync("select 1 from contacts where id = @id for update", Guid.Parse(existing.Id())))
        {
            var batch = ws.Http.SendAsync(CommandLineImportTests.RowsRequest(id, [Row(4, "Renamed late", "+14155550509")], null));
            await WaitForLockWaitersAsync("%contacts%", 1);
            Assert.Equal("finished", (await ReadAsync(await Finish(ws.Http, id, 2), HttpStatusCode.OK))["status"]!.GetValue<string>());
            await hold.Transaction.RollbackAsync();
            late = await batch;
        }

        await late.AssertProblemAsync(HttpStatusCode.Conflict, "no row of this request was applied");
        Assert.Equal(2L, await ScalarAsync("select count(*) from import_rows where import_id = @id", Guid.Parse(id)));
        var state = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.Equal(("finished", 2), (state["status"]!.GetValue<string>(), state["progress"]!["rowsDone"]!.GetValue<int>()));
        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(state));
        Assert.Equal("Existing", (await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{existing.Id()}"), HttpStatusCode.OK))["name"]!.GetValue<string>());

        // A batch that arrives after the finish is refused up front.
        await (await ws.Http.SendAsync(CommandLineImportTests.RowsRequest(id, [Row(5, "Later", "+14155550505")], null))).AssertProblemAsync(HttpStatusCode.Conflict, "no more rows can be added");
        Assert.Equal(2L, await ScalarAsync("select count(*) from import_rows where import_id = @id", Guid.Parse(id)));
    }

    [Fact]
    public async Task Cleanup_that_cannot_delete_an_expired_file_leaves_the_export_for_its_next_round()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Ann", phones = new[] { "+14155550510" } });
        var id = Guid.Parse((await ws.Http.ExportToEndAsync("format=csv"))["id"]!.GetValue<string>());
        var options = fixture.ApiServices.GetRequiredService<IOptions<ExportOptions>>();
        var path = Path.Combine(options.Value.ResolvedDirectory(), $"{id:N}.csv");
        await ScalarAsync("update exports set expires_at = now() - interval '1 second' where id = @id returning id", id);
        var cleanup = new ExportCleanup(new ExportStore(fixture.DataSource), fixture.ApiServices.GetRequiredService<IClusterClient>(), TimeProvider.System,
            options, fixture.ApiServices.GetRequiredService<IOptions<VeloConnect.Data.Jobs.JobLivenessOptions>>(), NullLogger<ExportCleanup>.Instance);

        // A directory in the file's place: File.Delete fails on it.
        File.Delete(path);
        Directory.CreateDirectory(path);
        var failure = await Record.ExceptionAsync(() => cleanup.RunOnceAsync());
        Assert.Equal("ready", await ScalarAsync("select status from exports where id = @id", id));
        Assert.Null(failure);
        // Expired all the same for whoever asks (past its expiry), and the next round deletes it once it can.
        Assert.Equal("expired", (await ReadAsync(await ws.Http.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>());

        Directory.Delete(path);
        await File.WriteAllTextAsync(path, "left over");
        await cleanup.RunOnceAsync();
        Assert.Equal("expired", await ScalarAsync("select status from exports where id = @id", id));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_ready_export_has_its_whole_file_with_the_size_recorded()
    {
        var ws = await fixture.NewWorkspaceAsync();
        for (var i = 0; i < 20; i++)
        {
            await ws.Http.CreateContactAsync(new { name = $"Person {i}", phones = new[] { $"+1415555{0600 + i:D4}" } });
        }

        var export = await ws.Http.ExportToEndAsync("format=csv");
        var id = Guid.Parse(export["id"]!.GetValue<string>());
        var path = Path.Combine(fixture.ApiServices.GetRequiredService<IOptions<ExportOptions>>().Value.ResolvedDirectory(), $"{id:N}.csv");

        Assert.Equal(export["bytes"]!.GetValue<long>(), new FileInfo(path).Length);
        Assert.False(File.Exists(path + ".partial"));
        Assert.Equal(20, ExportTestSupport.ReadCsv(await File.ReadAllBytesAsync(path)).Count);
    }

    [Fact]
    public async Task An_export_whose_ready_notification_cannot_be_written_is_ready_once_and_never_failed()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var address = $"erin-{Guid.NewGuid():N}@example.com";
        var (_, key) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Erin Example", address);
        var user = fixture.Client(key);
        await user.CreateContactAsync(new { name = "Ann", phones = new[] { "+14155550520" } });
        // A fault in the database: the workspace's "export ready" notifications cannot be written.
        await using (var fault = fixture.DataSource.CreateCommand($"""
            create or replace function refuse_export_notification() returns trigger language plpgsql as $$
            begin raise exception 'injected fault: notification refused'; end $$;
            create trigger "refuse {ws.Id}" before insert on notifications for each row
                when (new.workspace_id = '{ws.Id}' and new.kind = 'export.ready') execute function refuse_export_notification();
            """))
        {
            await fault.ExecuteNonQueryAsync();
        }

        var export = await user.ExportToEndAsync("format=csv");
        var id = export["id"]!.GetValue<string>();
        // The job's last word: the email after a ready export, or (what used to happen) a failure on top of it.
        await ExportTestSupport.WaitForAsync(async () =>
            (await AuditAsync(user, id)).FirstOrDefault(e => e!["action"]!.GetValue<string>() is "export.emailed" or "export.failed"));

        var audit = await AuditAsync(user, id);
        Assert.Single(audit, e => e!["action"]!.GetValue<string>() == "export.finished");
        Assert.DoesNotContain(audit, e => e!["action"]!.GetValue<string>() == "export.failed");
        Assert.Equal("ready", (await ReadAsync(await user.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await user.GetAsync($"/api/exports/{id}/download")).StatusCode);
    }

    private static object Row(int row, params string[] cells) => new { row, cells };

    private static Task<HttpResponseMessage> Finish(HttpClient http, string id, int totalRows) =>
        http.PostAsJsonAsync($"/api/imports/{id}/finish", new { totalRows });

    private static async Task<JsonArray> AuditAsync(HttpClient http, string id) =>
        (await ReadAsync(await http.GetAsync($"/api/audit?entityId={id}"), HttpStatusCode.OK))["items"]!.AsArray();

    private async Task<object?> ScalarAsync(string sql, Guid id)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync();
    }

    /// <summary>A transaction of the test's that holds the row locks its query takes until rolled back (or disposed).</summary>
    private async Task<Hold> HoldAsync(string sql, Guid id)
    {
        var connection = await fixture.DataSource.OpenConnectionAsync();
        var transaction = await connection.BeginTransactionAsync();
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddWithValue("id", id);
        Assert.NotNull(await command.ExecuteScalarAsync());
        return new Hold(connection, transaction);
    }

    private sealed record Hold(NpgsqlConnection Connection, NpgsqlTransaction Transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }

    /// <summary>Waits (polling, with a deadline) until that many statements on matching tables wait for a row lock.</summary>
    private async Task WaitForLockWaitersAsync(string queryLike, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            await using var command = fixture.DataSource.CreateCommand("""
                select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and query ilike @like
                """);
            command.Parameters.AddWithValue("like", queryLike);
            if ((long)(await command.ExecuteScalarAsync())! >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Fewer than {count} statements waited for the test's lock in time.");
            await Task.Delay(20);
        }
    }
}
