using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// A stack whose supervisor notices a silent job after 2 s (instead of 30): a job that failed to end would be resumed
/// again and again within the tests' waits.
/// </summary>
public sealed class QuickResumeFixture : IAsyncLifetime
{
    public static readonly TimeSpan Silence = TimeSpan.FromSeconds(2);

    private WebApplication? _silo;
    private WebApplicationFactory<Program>? _api;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("jobend");
        DataSource = NpgsqlDataSource.Create(connectionString);
        var settings = LocalCluster.Settings(connectionString, (await TestRedis.InstanceAsync()).ConnectionString, "jobend");
        settings["VeloConnect:Imports:ResumeAfterSilence"] = Silence.ToString();
        settings["VeloConnect:Imports:SupervisorInterval"] = "00:00:00.500";
        settings["VeloConnect:Imports:BatchRows"] = "3";
        // One batch written at a time (not the default): that path is checked on every run too.
        settings["VeloConnect:Imports:WritesInFlight"] = "1";
        _silo = await LocalCluster.StartSiloAsync(settings);
        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
    }

    public async Task<(Guid Id, HttpClient Http)> NewWorkspaceAsync()
    {
        var (workspace, _, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync("Job end " + Guid.NewGuid().ToString("N")[..6], "US", "Agent", null);
        var http = _api!.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (workspace.Id, http);
    }

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silo);
        await DataSource.DisposeAsync();
    }
}

/// <summary>
/// A job ends exactly once, whatever its announcement meets: the end (status, audit row, notification) is one
/// transaction, a notification that cannot be written does not stop it, and a job that never manages to end is failed
/// visibly after a bounded number of runs. Faults are injected in the database (a trigger refusing one notification),
/// not in the code.
/// </summary>
public sealed class JobAnnouncementTests(QuickResumeFixture fixture) : IClassFixture<QuickResumeFixture>
{
    private const string Csv = "Name,Phone\nAnn,+14155550401\nBob,+14155550402\nCy,+14155550403\nDee,+14155550404\n";

    [Fact]
    public async Task An_import_of_a_file_with_a_very_long_name_finishes_once_announced_and_is_not_resumed()
    {
        var (ws, http) = await fixture.NewWorkspaceAsync();
        var id = await http.UploadAndMapAsync(Csv);
        // Quotes, which JSON escapes: the notification's text is far longer than a NOTIFY payload may be (8000 bytes).
        // Set in the database, past whatever the upload does to names.
        var name = new string('"', 9_000) + ".csv";
        await ExecuteAsync("update imports set file_name = @name where id = @id", ("name", name), ("id", Guid.Parse(id)));

        await http.PostAsync($"/api/imports/{id}/run", null);
        var done = await WaitForImportEndAsync(http, id);

        Assert.Equal("finished", done["status"]!.GetValue<string>());
        Assert.Equal((4, 0, 0, 0), ImportTestSupport.Counts(done));
        var notification = Assert.Single(await NotificationsAsync(ws, $"/imports/{id}"));
        Assert.StartsWith(name, notification);
        await AssertEndedOnceAsync(http, id, "import.finished");
    }

    [Fact]
    public async Task An_import_whose_notification_cannot_be_written_finishes_once_without_it()
    {
        var (ws, http) = await fixture.NewWorkspaceAsync();
        var id = await http.UploadAndMapAsync(Csv);
        await RefuseNotificationsAsync($"/imports/{id}");

        await http.PostAsync($"/api/imports/{id}/run", null);
        var done = await WaitForImportEndAsync(http, id);

        Assert.Equal("finished", done["status"]!.GetValue<string>());
        Assert.Empty(await NotificationsAsync(ws, $"/imports/{id}"));
        var entry = await AssertEndedOnceAsync(http, id, "import.finished");
        Assert.False(entry["details"]!["notified"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_revert_whose_notification_cannot_be_written_ends_once()
    {
        var (ws, http) = await fixture.NewWorkspaceAsync();
        var id = (await http.ImportAsync(Csv))["id"]!.GetValue<string>();
        await RefuseNotificationsAsync($"/imports/{id}/revert");

        await ReadAsync(await http.PostAsync($"/api/imports/{id}/revert", null), HttpStatusCode.Accepted);
        var revert = await ImportRevertTests.WaitForRevertAsync(http, id);

        Assert.Equal(4, revert["counts"]!["deleted"]!.GetValue<int>());
        Assert.Empty(await NotificationsAsync(ws, $"/imports/{id}/revert"));
        await WaitPastResumeAsync();
        Assert.Equal("finished", (await ReadAsync(await http.GetAsync($"/api/imports/{id}/revert"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Single(await AuditAsync(http, id, "import.reverted"));
        Assert.Empty(await AuditAsync(http, id, "import.revert_failed"));
    }

    [Fact]
    public async Task An_import_started_again_and_again_without_ending_is_failed_visibly_once()
    {
        var (ws, http) = await fixture.NewWorkspaceAsync();
        var id = await http.UploadAndMapAsync(Csv);
        // What an import whose job never manages to end looks like: running, silent, and already run the most times.
        await ExecuteAsync("""
            update imports set status = 'running', started_at = now(), heartbeat_at = now() - interval '1 hour', runs = 10 where id = @id
            """, ("id", Guid.Parse(id)));

        var done = await WaitForImportEndAsync(http, id);

        Assert.Equal("failed", done["status"]!.GetValue<string>());
        Assert.Contains("started 10 times", done["error"]!.GetValue<string>());
        Assert.Contains("upload the file again", done["error"]!.GetValue<string>());
        Assert.Single(await NotificationsAsync(ws, $"/imports/{id}"));
        await AssertEndedOnceAsync(http, id, "import.failed");
        Assert.Empty(await AuditAsync(http, id, "import.finished"));
    }

    /// <summary>
    /// Exactly one end audit row, and still so (with the status unchanged) once the supervisor has had time to resume
    /// the job a few times over: nothing resumes it. Returns the audit row.
    /// </summary>
    private async Task<JsonNode> AssertEndedOnceAsync(HttpClient http, string id, string action)
    {
        var entry = Assert.Single(await AuditAsync(http, id, action))!;
        var status = (await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>();
        await WaitPastResumeAsync();
        Assert.Single(await AuditAsync(http, id, action));
        Assert.Equal(status, (await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        return entry;
    }

    /// <summary>
    /// Nothing to poll for when the point is that nothing happens: wait as long as the supervisor needs to notice a silent
    /// job twice over.
    /// </summary>
    private static Task WaitPastResumeAsync() => Task.Delay(QuickResumeFixture.Silence * 3);

    private static async Task<JsonObject> WaitForImportEndAsync(HttpClient http, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            if (state["status"]!.GetValue<string>() is "finished" or "failed")
            {
                return state;
            }

            // Not the whole state: its file name may be thousands of characters long.
            Assert.True(DateTime.UtcNow < deadline, $"Import {id} did not end in time: {state["status"]}, {state["progress"]!.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    private static async Task<JsonArray> AuditAsync(HttpClient http, string id, string action) =>
        (await ReadAsync(await http.GetAsync($"/api/audit?action={action}&entityId={id}"), HttpStatusCode.OK))["items"]!.AsArray();

    /// <summary>The messages of the notifications with this link.</summary>
    private async Task<List<string>> NotificationsAsync(Guid workspaceId, string link)
    {
        await using var command = fixture.DataSource.CreateCommand("select message from notifications where workspace_id = @ws and link = @link");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("link", link);
        var messages = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            messages.Add(reader.GetString(0));
        }

        return messages;
    }

    /// <summary>A fault in the database: every insert of a notification with this link fails.</summary>
    private Task RefuseNotificationsAsync(string link) => ExecuteAsync($"""
        create or replace function refuse_notification() returns trigger language plpgsql as $$
        begin raise exception 'injected fault: notification refused'; end $$;
        create trigger "refuse {link}" before insert on notifications for each row when (new.link = '{link}') execute function refuse_notification();
        """);

    private async Task ExecuteAsync(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }
}
