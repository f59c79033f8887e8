using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Npgsql;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The server side of the command-line importer: the wizard's upload (of the file's head), mapping and run, then the
/// file's rows through the bulk endpoint, read and written as the import job reads and writes them, then finish.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class CommandLineImportTests(ApiFixture fixture)
{
    private const string Head = "Full name,Mobile,E-mail,Labels\nAnn Lee,+14155550301,ann@example.com,vip\n";

    [Fact]
    public async Task Rows_are_read_through_the_mapping_written_recorded_counted_once_even_when_sent_again_and_reverted_with_the_journal()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var existing = await ws.Http.CreateContactAsync(new { name = "Existing", phones = new[] { "+14155550302" }, tags = new[] { "old" } });
        var id = await StartAsync(ws.Http, Head, ["name", "phone", "email", "tags"]);

        var first = new object[]
        {
            Row(2, "Ann Lee", "+14155550301", "ann@example.com", "vip"),
            Row(3, "", "(415) 555-0302", "", "newsletter, vip"),
            Row(5, "No way to match", "", "", ""),
        };
        var second = new object[]
        {
            Row(6, "Bad phone", "12", "", ""),
            new { row = 7, cells = new[] { "Ann twin", "", "ANN@example.com", "" }, duplicateOf = 2 },
            Row(8, "Bea", "+14155550303", "bea@example.com", ""),
        };
        var answer1 = await PostRowsAsync(ws.Http, id, first, "k1");
        var answer2 = await PostRowsAsync(ws.Http, id, second, "k2");

        Assert.Equal((1, 1, 0, 1), BulkCounts(answer1));
        Assert.Equal((1, 0, 1, 1), BulkCounts(answer2));
        var results = answer1["results"]!.AsArray().Concat(answer2["results"]!.AsArray()).ToList();
        Assert.Equal([2, 3, 5, 6, 7, 8], results.Select(r => r!["row"]!.GetValue<int>()));
        Assert.Equal([0, 1, 2, 0, 1, 2], results.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal(["created", "updated", "error", "error", "skipped", "created"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal(existing.Id(), results[1]!["contactId"]!.GetValue<string>());
        // The wizard's reasons, naming the column.
        Assert.StartsWith("no phone and no email", results[2]!["reasons"]![0]!.GetValue<string>());
        Assert.Contains("Mobile", results[3]!["reasons"]![0]!.GetValue<string>());
        Assert.Equal(2, results[4]!["duplicateOf"]!.GetValue<int>());
        Assert.Contains("Duplicate of row 2", results[4]!["reasons"]![0]!.GetValue<string>());

        var merged = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{existing.Id()}"), HttpStatusCode.OK);
        Assert.Equal("Existing", merged["name"]!.GetValue<string>());
        Assert.Equal(["old", "newsletter", "vip"], Strings(merged["tags"]));
        var ann = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{results[0]!["contactId"]!.GetValue<string>()}"), HttpStatusCode.OK);
        Assert.Equal(("Ann Lee", "CSV import"), (ann["name"]!.GetValue<string>(), ann["source"]!.GetValue<string>()));

        // Sent again (an importer resuming after a crash, with another key): answered from the rows' records, nothing applied twice.
        var again = await PostRowsAsync(ws.Http, id, first, "k1-retry");
        Assert.Equal(answer1["results"]!.ToJsonString(), again["results"]!.ToJsonString());
        var replay = await ws.Http.SendAsync(RowsRequest(id, second, "k2"));
        Assert.Equal("true", Assert.Single(replay.Headers.GetValues("Idempotency-Replayed")));
        Assert.Equal(3, await CountAsync("select count(*) from contacts where workspace_id = @ws", ws.Id));
        Assert.Equal(["newsletter", "old", "vip"], Strings((await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{existing.Id()}"), HttpStatusCode.OK))["tags"]).Order());

        var state = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.Equal(("running", "command_line", 6), (state["status"]!.GetValue<string>(), state["kind"]!.GetValue<string>(), state["progress"]!["rowsDone"]!.GetValue<int>()));

        // Finish: every row the importer read must be recorded.
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{id}/finish", new { totalRows = 7 })).AssertProblemAsync(HttpStatusCode.Conflict, "6 of the file's 7 rows are recorded");
        var done = await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{id}/finish", new { totalRows = 6 }), HttpStatusCode.OK);
        Assert.Equal("finished", done["status"]!.GetValue<string>());
        Assert.Equal((2, 1, 1, 2), ImportTestSupport.Counts(done));
        Assert.Equal(6, done["rowCount"]!.GetValue<int>());
        // Finishing again answers the same; rows after the finish are refused.
        Assert.Equal("finished", (await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{id}/finish", new { totalRows = 6 }), HttpStatusCode.OK))["status"]!.GetValue<string>());
        await (await ws.Http.SendAsync(RowsRequest(id, [Row(9, "Late", "+14155550309", "", "")], "k3"))).AssertProblemAsync(HttpStatusCode.Conflict, "no more rows can be added");

        var notification = Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/notifications"), HttpStatusCode.OK))["items"]!.AsArray())!;
        Assert.Contains("2 added, 1 updated, 1 skipped, 2 invalid", notification["message"]!.GetValue<string>());
        var audit = await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.finished&entityId={id}"), HttpStatusCode.OK);
        var entry = Assert.Single(audit["items"]!.AsArray())!;
        Assert.Equal(("command_line", 6), (entry["details"]!["kind"]!.GetValue<string>(), entry["details"]!["rows"]!.GetValue<int>()));

        // Its journal undoes it like a wizard import's: the two created contacts go, the updated one gets its tags back.
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/revert", null), HttpStatusCode.Accepted);
        var revert = await ImportRevertTests.WaitForRevertAsync(ws.Http, id);
        Assert.Equal((2, 1, 0), (revert["counts"]!["deleted"]!.GetValue<int>(), revert["counts"]!["restored"]!.GetValue<int>(), revert["counts"]!["kept"]!.GetValue<int>()));
        Assert.Equal(1, await CountAsync("select count(*) from contacts where workspace_id = @ws", ws.Id));
        Assert.Equal(["old"], Strings((await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{existing.Id()}"), HttpStatusCode.OK))["tags"]));
    }

    [Fact]
    public async Task The_upload_of_a_head_offers_the_remembered_mapping_and_has_no_row_limit_and_the_run_only_marks_it_running()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // The wizard mapped these headers before (unusually: Labels ignored).
        await ws.Http.UploadAndMapAsync(Head, ["name", "phone", "email", "ignore"]);

        var upload = await ReadAsync(await ws.Http.UploadAsync(Head, "big.csv", new() { ["commandLine"] = "true", ["fileSize"] = "123456789" }), HttpStatusCode.Created);
        Assert.Equal(("command_line", 123456789L), (upload["kind"]!.GetValue<string>(), upload["fileSize"]!.GetValue<long>()));
        // Who started it, for the history.
        Assert.Equal(ws.UserId, upload["userId"]!.GetValue<Guid>());
        Assert.Equal("remembered", upload["mapping"]!["source"]!.GetValue<string>());
        Assert.Equal(["name", "phone", "email", "ignore"], Strings(upload["mapping"]!["columns"]));

        // A head of 60,000 rows passes (the wizard refuses more than 50,000).
        var big = "Phone\n" + string.Concat(Enumerable.Range(0, 60_000).Select(i => $"+1415{i:D7}\n"));
        Assert.Equal(HttpStatusCode.Created, (await ws.Http.UploadAsync(big, "big.csv", new() { ["commandLine"] = "true" })).StatusCode);
        await (await ws.Http.UploadAsync(big)).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "velo import");

        var id = upload["id"]!.GetValue<string>();
        await (await ws.Http.SendAsync(RowsRequest(id, [Row(2, "Ann", "+14155550311", "", "")], null))).AssertProblemAsync(HttpStatusCode.Conflict, $"POST /api/imports/{id}/run");
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email", "tags" }, hasHeader = true }), HttpStatusCode.OK);
        var run = await ReadAsync(await ws.Http.PostAsJsonAsync($"/api/imports/{id}/run", new { totalRows = 1_000_000 }), HttpStatusCode.Accepted);
        Assert.Equal(("running", 1_000_000, 0), (run["status"]!.GetValue<string>(), run["progress"]!["totalRows"]!.GetValue<int>(), run["progress"]!["rowsDone"]!.GetValue<int>()));
        // Running it again (an importer resuming) answers the same; no job reads the head in the meantime.
        Assert.Equal("running", (await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Accepted))["status"]!.GetValue<string>());
        Assert.Equal(0, await CountAsync("select count(*) from import_rows r join imports i on i.id = r.import_id where i.workspace_id = @ws and i.kind = 'command_line'", ws.Id));
    }

    [Fact]
    public async Task Rows_for_a_wizard_import_or_malformed_rows_are_refused_with_what_to_do()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var wizard = await ws.Http.UploadAndMapAsync(Head);
        await (await ws.Http.SendAsync(RowsRequest(wizard, [Row(2, "Ann", "+14155550321", "", "")], null)))
            .AssertProblemAsync(HttpStatusCode.Conflict, $"Run it with POST /api/imports/{wizard}/run");
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{wizard}/finish", new { totalRows = 1 })).AssertProblemAsync(HttpStatusCode.Conflict, "finishes by itself");
        // Rows sent where they went before they had an endpoint of their own are pointed there.
        var unknown = Guid.NewGuid();
        await (await ws.Http.PostAsJsonAsync($"/api/contacts/bulk?importId={unknown}", new object[] { Row(2, "Ann", "", "", "") }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, $"POST /api/imports/{unknown}/rows");
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{unknown}/rows", new object[] { Row(2, "Ann", "", "", "") }))
            .AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");

        var id = await StartAsync(ws.Http, Head, ["name", "phone", "email", "tags"]);
        object[][] malformed =
        [
            [new { name = "a contact body, not a row" }],
            [Row(2, "Ann", "+14155550322", "", ""), Row(2, "Ann again", "+14155550323", "", "")],
            [new { row = 3, cells = new object[] { "Ann", 5 } }],
            [new { row = 3, cells = new[] { "Ann" }, duplicateOf = 3 }],
            [new { row = 0, cells = new[] { "Ann" } }],
        ];
        foreach (var body in malformed)
        {
            var problem = await (await ws.Http.SendAsync(RowsRequest(id, body, null))).AssertProblemAsync(HttpStatusCode.BadRequest, "is not a row of the file");
            Assert.Contains("\"row\"", problem["detail"]!.GetValue<string>());
        }

        Assert.Equal(0, await CountAsync("select count(*) from import_rows where import_id = @ws", Guid.Parse(id)));
    }

    private static object Row(int row, params string[] cells) => new { row, cells };

    internal static async Task<string> StartAsync(HttpClient http, string head, string[] columns)
    {
        var upload = await ReadAsync(await http.UploadAsync(head, "big.csv", new() { ["commandLine"] = "true" }), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns, hasHeader = true }), HttpStatusCode.OK);
        await ReadAsync(await http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Accepted);
        return id;
    }

    internal static HttpRequestMessage RowsRequest(string importId, object[] rows, string? key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/imports/{importId}/rows") { Content = JsonContent.Create(rows) };
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        return request;
    }

    private static async Task<JsonObject> PostRowsAsync(HttpClient http, string importId, object[] rows, string key) =>
        await ReadAsync(await http.SendAsync(RowsRequest(importId, rows, key)), HttpStatusCode.OK);

    private async Task<long> CountAsync(string sql, Guid id)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("ws", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
