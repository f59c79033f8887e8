using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Edits over an import's uploaded file (issue 14): a cell, a drop and a restore, bulk fixes over the rows a filter names,
/// undo one by one; the review, the run, the error report and a revert all see them the same way.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed partial class ImportEditTests(ApiFixture fixture)
{
    private static readonly string[] NamePhoneEmail = ["name", "phone", "email"];

    [Fact]
    public async Task A_cell_edit_turns_an_invalid_row_valid_and_the_review_counts_move_by_one()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nAnn,+14155550150,\nBob,12,\nCy,+14155550151,\n", NamePhoneEmail, "US");
        Assert.Equal((2, 0, 0, 1), await ReviewCountsAsync(ws.Http, id));
        Assert.NotNull((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);

        var edit = await EditAsync(ws.Http, id, new { kind = "cell", row = 3, column = 1, value = "+14155550152" });
        Assert.Equal(1, edit["rowCount"]!.GetValue<int>());
        var row = Assert.Single(edit["rows"]!.AsArray())!;
        Assert.Equal(3, row["rowNumber"]!.GetValue<int>());
        Assert.True(row["valid"]!.GetValue<bool>());
        Assert.Equal(["Bob", "+14155550152", ""], Strings(row["cells"]));
        // The edit kept the review, brought up to date: its counts moved by one, as a new review's do.
        Assert.NotNull((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(edit["review"]!));
        Assert.Equal((3, 0, 0, 0), await ReviewCountsAsync(ws.Http, id));

        var audit = await ReadAsync(await ws.Http.GetAsync("/api/audit?action=import.edit"), HttpStatusCode.OK);
        Assert.Contains(audit["items"]!.AsArray(), e => e!["entityId"]!.GetValue<string>() == id);
    }

    [Fact]
    public async Task A_bulk_prefix_over_the_invalid_rows_missing_a_country_code_fixes_exactly_those_rows()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Ana and Ben: Spanish mobiles without +34, invalid in region US ("…add the country code…"); Cal valid; Dee valid by
        // her email with the same kind of warning on her phone; Eve invalid for another reason.
        var id = await ws.Http.UploadAndMapAsync(
            "Name,Phone,Email\nAna,612345678,\nBen,612345679,\nCal,+14155550160,\nDee,612345670,dee@example.com\nEve,,not-an-email\n", NamePhoneEmail, "US");
        Assert.Equal((2, 0, 0, 3), await ReviewCountsAsync(ws.Http, id));

        var edit = await EditAsync(ws.Http, id, new { kind = "prefix", column = 1, prefix = "+34", rows = new { outcome = "invalid", reason = "country" } });
        Assert.Equal(2, edit["rowCount"]!.GetValue<int>());
        Assert.Equal([2, 3], edit["rows"]!.AsArray().Select(r => r!["rowNumber"]!.GetValue<int>()));
        Assert.All(edit["rows"]!.AsArray(), r => Assert.True(r!["valid"]!.GetValue<bool>()));
        var listed = Assert.Single((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK))["edits"]!.AsArray())!;
        Assert.Equal(("prefix", 2, false), (listed["kind"]!.GetValue<string>(), listed["rowCount"]!.GetValue<int>(), listed["undone"]!.GetValue<bool>()));
        Assert.Equal((4, 0, 0, 1), await ReviewCountsAsync(ws.Http, id));

        Assert.Equal((4, 0, 0, 1), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        Assert.Equal(["+34612345678"], Strings((await ws.Http.ContactByPhoneAsync("+34612345678"))["phones"]));
        Assert.Equal(["+34612345679"], Strings((await ws.Http.ContactByPhoneAsync("+34612345679"))["phones"]));
        // Dee was valid: her phone was not prefixed (she is imported by her email, without it).
        Assert.Empty(Strings((await ws.Http.ContactByPhoneAsync("dee@example.com"))["phones"]));
    }

    [Fact]
    public async Task A_dropped_row_is_skipped_with_the_reason_and_a_restore_brings_it_back()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550170\nBob,+14155550171\n", ["name", "phone"], "US");
        var drop = await EditAsync(ws.Http, id, new { kind = "drop", row = 3 });
        Assert.Contains("Dropped in the review by ", Strings(Assert.Single(drop["rows"]!.AsArray())!["reasons"])[0]);
        Assert.Equal((1, 0, 1, 0), await ReviewCountsAsync(ws.Http, id));
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "drop", row = 3 })).AssertProblemAsync(HttpStatusCode.Conflict, "was dropped by");

        await EditAsync(ws.Http, id, new { kind = "restore", row = 3 });
        Assert.Equal((2, 0, 0, 0), await ReviewCountsAsync(ws.Http, id));

        await EditAsync(ws.Http, id, new { kind = "drop", row = 2 });
        Assert.Equal((1, 0, 1, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        var lines = await ErrorLinesAsync(ws.Http, id);
        Assert.StartsWith("2,skipped,Dropped in the review by ", lines[1]);
        Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/contacts"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task Undoing_one_edit_of_three_takes_back_exactly_that_edit()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550180\nBob,12\nCy,+14155550182\n", ["name", "phone"], "US");
        await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 0, value = "Ann Edited" });
        var fix = await EditAsync(ws.Http, id, new { kind = "cell", row = 3, column = 1, value = "+14155550181" });
        await EditAsync(ws.Http, id, new { kind = "replace", column = 0, find = "Cy", replace = "Cyrus" });
        Assert.Equal((3, 0, 0, 0), await ReviewCountsAsync(ws.Http, id));

        var seq = fix["seq"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/imports/{id}/edits/{seq}")).StatusCode);
        await (await ws.Http.DeleteAsync($"/api/imports/{id}/edits/{seq}")).AssertProblemAsync(HttpStatusCode.Conflict, "undone already");
        await (await ws.Http.DeleteAsync($"/api/imports/{id}/edits/{seq + 1000}")).AssertProblemAsync(HttpStatusCode.NotFound, "list its edits");
        var edits = (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK))["edits"]!.AsArray();
        Assert.Equal([false, true, false], edits.Select(e => e!["undone"]!.GetValue<bool>()));
        Assert.Equal((2, 0, 0, 1), await ReviewCountsAsync(ws.Http, id));

        Assert.Equal((2, 0, 0, 1), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        Assert.Equal("Ann Edited", (await ws.Http.ContactByPhoneAsync("+14155550180"))["name"]!.GetValue<string>());
        Assert.Equal("Cyrus", (await ws.Http.ContactByPhoneAsync("+14155550182"))["name"]!.GetValue<string>());
        var contacts = await ReadAsync(await ws.Http.GetAsync("/api/contacts?q=" + Uri.EscapeDataString("+14155550181")), HttpStatusCode.OK);
        Assert.Empty(contacts["items"]!.AsArray());
    }

    [Fact]
    public async Task After_edits_the_review_counts_are_the_run_counts_and_the_contacts_hold_the_edited_values()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Old Ann", phones = new[] { "+14155550190" } });
        var id = await ws.Http.UploadAndMapAsync(
            "Name,Phone,Email\nAnn,+14155550190,\nBob,12,\nCy,612345678,\nDee,+14155550193,\nEd,+14155550193,\nFay,,\n", NamePhoneEmail, "US");
        await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 2, value = "ann@example.com" });
        await EditAsync(ws.Http, id, new { kind = "set", column = 1, value = "+14155550191", rows = new { q = "Bob" } });
        await EditAsync(ws.Http, id, new { kind = "prefix", column = 1, prefix = "+34", rows = new { reason = "country code" } });
        await EditAsync(ws.Http, id, new { kind = "drop", row = 5 });

        var review = await ReviewCountsAsync(ws.Http, id);
        Assert.Equal((3, 1, 1, 1), review);
        Assert.Equal(review, ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        var ann = await ws.Http.ContactByPhoneAsync("+14155550190");
        Assert.Equal(("Ann", "ann@example.com"), (ann["name"]!.GetValue<string>(), ann["email"]!.GetValue<string>()));
        Assert.Equal("Bob", (await ws.Http.ContactByPhoneAsync("+14155550191"))["name"]!.GetValue<string>());
        Assert.Equal("Cy", (await ws.Http.ContactByPhoneAsync("+34612345678"))["name"]!.GetValue<string>());
        Assert.Equal("Ed", (await ws.Http.ContactByPhoneAsync("+14155550193"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_error_report_shows_an_edited_row_as_uploaded_and_as_edited()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550200\nBob,12\nCy,13\n", ["name", "phone"], "US");
        await EditAsync(ws.Http, id, new { kind = "cell", row = 3, column = 0, value = "Bob, edited" });
        await ws.Http.RunToEndAsync(id);

        var lines = await ErrorLinesAsync(ws.Http, id);
        Assert.Equal("Row,Outcome,Reasons,Original row,Edited", lines[0]);
        Assert.StartsWith("3,invalid,", lines[1]);
        Assert.EndsWith(",\"Bob,12\",\"\"\"Bob, edited\"\",12\"", lines[1]);
        Assert.StartsWith("4,invalid,", lines[2]);
        Assert.EndsWith(",\"Cy,13\",", lines[2]);
    }

    [Fact]
    public async Task Reverting_an_edited_import_restores_exactly_what_was_there_before()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ann = await ws.Http.CreateContactAsync(new { name = "Ann Old", phones = new[] { "+14155550210" }, email = "ann@old.example", tags = new[] { "customer" } });
        var before = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{ann.Id()}"), HttpStatusCode.OK);
        var id = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nAnn New,+14155550210,\nBob,12,\n", NamePhoneEmail, "US");
        await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 2, value = "ann@new.example" });
        await EditAsync(ws.Http, id, new { kind = "cell", row = 3, column = 1, value = "+14155550211" });
        Assert.Equal((1, 1, 0, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
        Assert.Equal("ann@new.example", (await ws.Http.ContactByPhoneAsync("+14155550210"))["email"]!.GetValue<string>());
        var bob = (await ws.Http.ContactByPhoneAsync("+14155550211")).Id();

        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/revert", null), HttpStatusCode.Accepted);
        var revert = await ImportRevertTests.WaitForRevertAsync(ws.Http, id);
        Assert.Equal((1, 1), (revert["counts"]!["deleted"]!.GetValue<int>(), revert["counts"]!["restored"]!.GetValue<int>()));
        var after = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{ann.Id()}"), HttpStatusCode.OK);
        foreach (var property in new[] { "name", "phones", "email", "tags", "custom" })
        {
            Assert.Equal(before[property]?.ToJsonString(), after[property]?.ToJsonString());
        }

        Assert.Equal(HttpStatusCode.NotFound, (await ws.Http.GetAsync($"/api/contacts/{bob}")).StatusCode);
    }

    [Fact]
    public async Task Bad_edits_are_refused_with_what_to_send_and_a_run_import_takes_no_more()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550220\nBob,12\n", ["name", "phone"], "US");
        var edits = $"/api/imports/{id}/edits";
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "cell", row = 2, column = 7, value = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "numbered 0 to 1");
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "cell", row = 9, column = 0, value = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "numbered 2 to 3");
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "replace", column = 0, find = "", replace = "x" })).AssertProblemAsync(HttpStatusCode.BadRequest, "'find'");
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "rename", column = 0 })).AssertProblemAsync(HttpStatusCode.BadRequest, "cell, drop, restore");
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "trim", column = 0, rows = new { outcome = "odd" } })).AssertProblemAsync(HttpStatusCode.BadRequest, "invalid, valid");
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "replace", column = 0, find = "Zed", replace = "x" })).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "not stored");
        await (await ws.Http.PostAsJsonAsync($"/api/imports/{Guid.NewGuid()}/edits", new { kind = "drop", row = 2 })).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/imports");
        Assert.Empty((await ReadAsync(await ws.Http.GetAsync(edits), HttpStatusCode.OK))["edits"]!.AsArray());

        var seq = (await EditAsync(ws.Http, id, new { kind = "drop", row = 3 }))["seq"]!.GetValue<long>();
        await ws.Http.RunToEndAsync(id);
        await (await ws.Http.PostAsJsonAsync(edits, new { kind = "restore", row = 3 })).AssertProblemAsync(HttpStatusCode.Conflict, "can no longer be edited");
        await (await ws.Http.DeleteAsync($"{edits}/{seq}")).AssertProblemAsync(HttpStatusCode.Conflict, "can no longer be edited");
    }

    private static async Task<JsonObject> EditAsync(HttpClient http, string id, object edit) =>
        await ReadAsync(await http.PostAsJsonAsync($"/api/imports/{id}/edits", edit), HttpStatusCode.Created);

    private static async Task<(int, int, int, int)> ReviewCountsAsync(HttpClient http, string id) =>
        ImportTestSupport.Counts(await ReadAsync(await http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK));

    private static async Task<string[]> ErrorLinesAsync(HttpClient http, string id) =>
        (await (await http.GetAsync($"/api/imports/{id}/errors.csv")).Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
}
