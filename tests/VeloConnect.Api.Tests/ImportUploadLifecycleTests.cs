using System.Net;
using System.Net.Http.Json;
using VeloConnect.Data.Imports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>An upload before it runs: read again with other options as the same import, discarded, or expired.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImportUploadLifecycleTests(ApiFixture fixture)
{
    // Detected as comma-separated (commas and semicolons split every row alike: a tie), but it is semicolon-separated.
    private const string Semicolons = "Name, full;Phone\nLee, Ann;+14155550190\nStone, Bob;+14155550191\n";

    [Fact]
    public async Task Changing_the_delimiter_or_the_header_reanalyses_the_same_import_and_leaves_no_other_in_the_history()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var detected = await ReadAsync(await ws.Http.UploadAsync(Semicolons), HttpStatusCode.Created);
        var id = detected["id"]!.GetValue<string>();
        Assert.Equal("comma", detected["delimiter"]!.GetValue<string>());

        var semicolon = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { delimiter = "semicolon" }), HttpStatusCode.OK);
        Assert.Equal((id, "semicolon", 2), (semicolon["id"]!.GetValue<string>(), semicolon["delimiter"]!.GetValue<string>(), semicolon["rowCount"]!.GetValue<int>()));
        Assert.Equal(["Name, full", "Phone"], semicolon["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal("suggested", semicolon["mapping"]!["source"]!.GetValue<string>());

        // Header off keeps the chosen delimiter; a confirmed mapping is dropped by a re-analysis (the columns may differ).
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" } }), HttpStatusCode.OK);
        var headerless = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { hasHeader = false }), HttpStatusCode.OK);
        Assert.Equal(("semicolon", 3, false), (headerless["delimiter"]!.GetValue<string>(), headerless["rowCount"]!.GetValue<int>(), headerless["hasHeader"]!.GetValue<bool>()));
        Assert.NotEqual("confirmed", headerless["mapping"]!["source"]!.GetValue<string>());

        var bad = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { delimiter = "pipe" }), HttpStatusCode.BadRequest);
        Assert.Contains("use comma, semicolon or tab", bad["detail"]!.GetValue<string>());

        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { hasHeader = true }), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" } }), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal("Lee, Ann", (await ws.Http.ContactByPhoneAsync("+14155550190"))["name"]!.GetValue<string>());
        Assert.Single((await ReadArrayAsync(ws, "/api/imports")));

        var late = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { delimiter = "comma" }), HttpStatusCode.Conflict);
        Assert.Contains("can no longer change", late["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_import_goes_uploaded_mapped_reviewed_running_finished_and_a_new_mapping_or_analysis_takes_it_back()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = (await ReadAsync(await ws.Http.UploadAsync("Name,Phone\nAnn,+14155550194\nBob,+14155550195\n"), HttpStatusCode.Created))["id"]!.GetValue<string>();
        Assert.Equal("uploaded", await StageAsync());
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.BadRequest);

        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" } }), HttpStatusCode.OK);
        Assert.Equal("mapped", await StageAsync());
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var reviewed = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.Equal(("reviewed", "uploaded"), (reviewed["stage"]!.GetValue<string>(), reviewed["status"]!.GetValue<string>()));
        Assert.NotNull(reviewed["reviewedAt"]);

        // A new mapping was not reviewed: back to mapped; a new analysis drops the mapping: back to uploaded.
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, region = "GB" }), HttpStatusCode.OK);
        Assert.Equal("mapped", await StageAsync());
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { delimiter = "comma" }), HttpStatusCode.OK);
        Assert.Equal("uploaded", await StageAsync());

        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" } }), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal(("finished", (2, 0, 0, 0)), (done["stage"]!.GetValue<string>(), ImportTestSupport.Counts(done)));

        async Task<string> StageAsync() => (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["stage"]!.GetValue<string>();
    }

    [Fact]
    public async Task A_review_of_a_mapping_replaced_meanwhile_does_not_mark_the_import_reviewed()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = Guid.Parse(await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550196\n"));
        var store = new ImportStore(fixture.DataSource);
        var import = (await store.GetByIdAsync(id))!;
        var reviewedMapping = import.Mapping!;

        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, region = "GB" }), HttpStatusCode.OK);
        Assert.False(await store.MarkReviewedAsync(import.WorkspaceId, id, reviewedMapping));
        Assert.Null((await store.GetByIdAsync(id))!.ReviewedAt);
        Assert.True(await store.MarkReviewedAsync(import.WorkspaceId, id, (await store.GetByIdAsync(id))!.Mapping!));
    }

    [Fact]
    public async Task A_mapping_stored_in_the_old_shape_with_its_own_header_flag_still_loads_reviews_and_runs()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = Guid.Parse(await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550197\n"));
        await using (var command = fixture.DataSource.CreateCommand(
            "update imports set mapping = '{\"columns\":[\"name\",\"phone\"],\"hasHeader\":true,\"region\":\"US\"}'::jsonb where id = @id"))
        {
            command.Parameters.AddWithValue("id", id);
            Assert.Equal(1, await command.ExecuteNonQueryAsync());
        }

        var loaded = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.Equal(["name", "phone"], loaded["mapping"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal(("confirmed", true), (loaded["mapping"]!["source"]!.GetValue<string>(), loaded["mapping"]!["hasHeader"]!.GetValue<bool>()));
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal("reviewed", (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["stage"]!.GetValue<string>());
        Assert.Equal((1, 0, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id.ToString())));
    }

    [Fact]
    public async Task An_upload_not_run_can_be_discarded_and_a_run_import_cannot()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync(Semicolons), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/imports/{id}")).StatusCode);
        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.NotFound);
        Assert.Empty(await ReadArrayAsync(ws, "/api/imports"));
        await ReadAsync(await ws.Http.DeleteAsync($"/api/imports/{id}"), HttpStatusCode.NotFound);

        var run = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550192\n");
        await ws.Http.RunToEndAsync(run);
        var refused = await ReadAsync(await ws.Http.DeleteAsync($"/api/imports/{run}"), HttpStatusCode.Conflict);
        Assert.Contains("revert it", refused["detail"]!.GetValue<string>());
        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{run}"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Uploads_never_run_expire_and_younger_or_run_ones_stay()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var old = (await ReadAsync(await ws.Http.UploadAsync(Semicolons), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var young = (await ReadAsync(await ws.Http.UploadAsync(Semicolons), HttpStatusCode.Created))["id"]!.GetValue<string>();
        var ran = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550193\n");
        await ws.Http.RunToEndAsync(ran);
        await using (var age = fixture.DataSource.CreateCommand("update imports set created_at = now() - interval '8 days' where id = any(@ids)"))
        {
            age.Parameters.AddWithValue("ids", new[] { Guid.Parse(old), Guid.Parse(ran) });
            await age.ExecuteNonQueryAsync();
        }

        // (The silos' supervisors do this hourly; it may already have.)
        await new ImportStore(fixture.DataSource).DiscardExpiredAsync(TimeSpan.FromDays(7));

        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{old}"), HttpStatusCode.NotFound);
        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{young}"), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{ran}"), HttpStatusCode.OK);
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> ReadArrayAsync(TestWorkspace ws, string path)
    {
        var response = await ws.Http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonArray>())!;
    }
}
