using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Data.Exports;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>Who may download an export, when, and how a signed link is checked.</summary>
[Collection(ApiCollection.Name)]
public sealed class ExportAccessTests(ApiFixture fixture)
{
    private async Task<(TestWorkspace Workspace, System.Text.Json.Nodes.JsonObject Export)> ReadyExportAsync()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Ann", phones = new[] { "+14155550100" } });
        return (ws, await ws.Http.ExportToEndAsync("format=csv"));
    }

    [Fact]
    public async Task Another_workspace_gets_404_for_an_export_and_its_file()
    {
        var (_, export) = await ReadyExportAsync();
        var id = export["id"]!.GetValue<string>();
        var other = await fixture.NewWorkspaceAsync();

        await (await other.Http.GetAsync($"/api/exports/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/exports");
        await (await other.Http.GetAsync($"/api/exports/{id}/download")).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/exports");
        Assert.DoesNotContain(id, await other.Http.GetStringAsync("/api/exports"));
    }

    [Fact]
    public async Task Signed_link_downloads_the_file_without_an_api_key()
    {
        var (ws, export) = await ReadyExportAsync();
        var anonymous = fixture.Client(null);

        var response = await anonymous.GetAsync(export["link"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await ws.Http.DownloadAsync(export), await response.Content.ReadAsByteArrayAsync());
        var audit = await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync($"/api/audit?action=export.downloaded&entityId={export["id"]}"), HttpStatusCode.OK);
        Assert.Contains(audit["items"]!.AsArray(), e => e!["details"]!["via"]!.GetValue<string>() == "link");
    }

    [Fact]
    public async Task Tampered_link_is_403_expired_410_and_for_a_missing_or_other_workspace_export_404()
    {
        var (ws, export) = await ReadyExportAsync();
        var anonymous = fixture.Client(null);
        var link = export["link"]!.GetValue<string>();
        var token = link[(link.IndexOf('=') + 1)..];
        var signer = fixture.ApiServices.GetRequiredService<ExportLinkSigner>();
        var id = Guid.Parse(export["id"]!.GetValue<string>());

        var tampered = token[..5] + (token[5] == 'A' ? 'B' : 'A') + token[6..];
        await (await anonymous.GetAsync("/api/exports/download?token=" + tampered)).AssertProblemAsync(HttpStatusCode.Forbidden, "altered");
        await (await anonymous.GetAsync("/api/exports/download?token=" + token[..^2])).AssertProblemAsync(HttpStatusCode.Forbidden, "altered");
        await (await anonymous.GetAsync("/api/exports/download?token=")).AssertProblemAsync(HttpStatusCode.Forbidden, "altered");

        var expired = signer.Sign(new ExportLink(id, ws.Id, DateTimeOffset.UtcNow.AddSeconds(-1)));
        await (await anonymous.GetAsync("/api/exports/download?token=" + expired)).AssertProblemAsync(HttpStatusCode.Gone, "expired");

        var missing = signer.Sign(new ExportLink(Guid.NewGuid(), ws.Id, DateTimeOffset.UtcNow.AddDays(1)));
        await (await anonymous.GetAsync("/api/exports/download?token=" + missing)).AssertProblemAsync(HttpStatusCode.NotFound, "no export");

        var otherWorkspace = signer.Sign(new ExportLink(id, fixture.B.Id, DateTimeOffset.UtcNow.AddDays(1)));
        await (await anonymous.GetAsync("/api/exports/download?token=" + otherWorkspace)).AssertProblemAsync(HttpStatusCode.NotFound, "no export");
    }

    [Fact]
    public async Task Download_of_an_expired_or_cleaned_export_is_410()
    {
        var (ws, export) = await ReadyExportAsync();
        var id = Guid.Parse(export["id"]!.GetValue<string>());
        await using (var command = fixture.DataSource.CreateCommand("update exports set expires_at = now() - interval '1 second' where id = @id"))
        {
            command.Parameters.AddWithValue("id", id);
            await command.ExecuteNonQueryAsync();
        }

        await (await ws.Http.GetAsync($"/api/exports/{id}/download")).AssertProblemAsync(HttpStatusCode.Gone, "Start a new export");
        var state = await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK);
        Assert.Equal("expired", state["status"]!.GetValue<string>());
        Assert.Null(state["link"]);

        var (other, cleaned) = await ReadyExportAsync();
        var options = fixture.ApiServices.GetRequiredService<Microsoft.Extensions.Options.IOptions<Data.Exports.ExportOptions>>().Value;
        File.Delete(Path.Combine(options.ResolvedDirectory(), $"{Guid.Parse(cleaned["id"]!.GetValue<string>()):N}.csv"));
        await (await other.Http.GetAsync(cleaned["downloadUrl"]!.GetValue<string>())).AssertProblemAsync(HttpStatusCode.Gone, "expired");
    }

    [Fact]
    public async Task Download_while_the_file_is_being_written_is_409()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var store = fixture.ApiServices.GetRequiredService<Data.Exports.ExportStore>();
        var id = Guid.NewGuid();
        // A running export whose job has not started (no grain is asked): it stays running.
        await store.CreateAsync(new Data.Exports.ExportRecord(id, ws.Id, ws.UserId, ContactRules.Exports.ExportFormat.Csv, Data.Contacts.ContactFilter.None,
            System.Text.Json.JsonSerializer.SerializeToElement(new Dictionary<string, string>()), Data.Exports.ExportStatus.Running,
            null, 0, null, null, DateTimeOffset.UtcNow, null, null, null));

        await (await ws.Http.GetAsync($"/api/exports/{id}/download")).AssertProblemAsync(HttpStatusCode.Conflict, "still being written");
        var state = await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK);
        Assert.Null(state["downloadUrl"]);
    }

    [Theory]
    [InlineData("field.nosuch=1")]
    [InlineData("createdFrom=yesterday")]
    [InlineData("optIn.fax=opted_in")]
    [InlineData("assignedAgent=bob")]
    [InlineData("colour=red")]
    public async Task Invalid_filter_gets_the_same_problem_as_the_list(string query)
    {
        var ws = fixture.A;
        var list = await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync("/api/contacts?" + query), HttpStatusCode.BadRequest);
        var export = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsync("/api/exports?format=json&" + query, null), HttpStatusCode.BadRequest);
        Assert.Equal(list["errors"]!.ToJsonString(), export["errors"]!.ToJsonString());
        Assert.Equal(list["detail"]!.GetValue<string>(), export["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("format=xml", "format")]
    [InlineData("limit=10", "limit")]
    [InlineData("cursor=abc", "cursor")]
    public async Task Export_refuses_an_unknown_format_and_paging(string query, string key)
    {
        var problem = await ApiTestExtensions.ReadAsync(await fixture.A.Http.PostAsync("/api/exports?" + query, null), HttpStatusCode.BadRequest);
        Assert.True(problem["errors"]!.AsObject().ContainsKey(key), problem.ToJsonString());
    }

    [Fact]
    public async Task Export_without_an_api_key_is_401()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(null).PostAsync("/api/exports", null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(null).GetAsync("/api/exports")).StatusCode);
    }
}
