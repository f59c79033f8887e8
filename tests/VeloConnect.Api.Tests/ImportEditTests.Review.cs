using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

// Edits re-review incrementally (issue 14): an edit or an undo keeps the import's review, planning again only the rows it
// can change, and answers the new counts; the kept review always equals a full review of the edited file. Two editors of
// one import go one after the other, and one who sends the version it saw is told who changed what since.
public sealed partial class ImportEditTests
{
    private static readonly string[] Phones = ["+14155550201", "+14155550202", "+14155550203", "+14155550204", "", "12"];
    private static readonly string[] Emails = ["e0@review.test", "e1@review.test", "e2@review.test", ""];

    [Fact]
    public async Task A_cell_edit_keeps_the_review_and_moves_the_duplicate_and_the_counts()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Row 3 duplicates row 2 (same phone); row 4 is invalid.
        var id = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nAnn,+14155550150,\nBob,+14155550150,\nCy,12,\n", NamePhoneEmail, "US");
        Assert.Equal((1, 0, 1, 1), await ReviewCountsAsync(ws.Http, id));

        var edit = await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 1, value = "+14155550153" });
        var review = edit["review"]!;
        Assert.Equal("incremental", review["how"]!.GetValue<string>());
        Assert.Equal((2, 0, 0, 1), ImportTestSupport.Counts(review));
        // Rows 2 and 3 were planned again (they shared the phone); row 4 shares nothing.
        Assert.Equal([2, 3], review["rows"]!.AsArray().Select(r => r!["rowNumber"]!.GetValue<int>()));
        Assert.NotNull((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);
        var rows = await AllRowsAsync(ws.Http, id);
        Assert.Equal(["added", "added", "invalid"], rows.Select(r => r!["outcome"]!.GetValue<string>()));
        Assert.True(rows[0]!["edited"]!.GetValue<bool>());

        // Back to the shared phone: row 3 is a duplicate of row 2 again; then row 4 made valid.
        review = (await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 1, value = "+14155550150" }))["review"]!;
        Assert.Equal((1, 0, 1, 1), ImportTestSupport.Counts(review));
        Assert.Equal(2, (await AllRowsAsync(ws.Http, id))[1]!["duplicateOf"]!.GetValue<int>());
        review = (await EditAsync(ws.Http, id, new { kind = "cell", row = 4, column = 1, value = "+14155550154" }))["review"]!;
        Assert.Equal((2, 0, 1, 0), ImportTestSupport.Counts(review));

        var kept = (await AllRowsAsync(ws.Http, id)).ToJsonString();
        Assert.Equal((2, 0, 1, 0), await ReviewCountsAsync(ws.Http, id));
        Assert.Equal(kept, (await AllRowsAsync(ws.Http, id)).ToJsonString());
        Assert.Equal((2, 0, 1, 0), ImportTestSupport.Counts(await ws.Http.RunToEndAsync(id)));
    }

    [Fact]
    public async Task An_edit_before_any_review_answers_no_review_and_leaves_it_to_be_made()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,12\n", ["name", "phone"], "US");
        var edit = await EditAsync(ws.Http, id, new { kind = "cell", row = 2, column = 1, value = "+14155550160" });
        Assert.Null(edit["review"]);
        Assert.Null((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);
        Assert.Equal((1, 0, 0, 0), await ReviewCountsAsync(ws.Http, id));
    }

    [Fact]
    public async Task A_bulk_edit_over_more_rows_than_the_limit_reviews_the_whole_file_again()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var csv = new StringBuilder("Name,Phone\n");
        for (var i = 0; i < 2_100; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"P{i},{600_000_000 + i}\n");
        }

        var id = await ws.Http.UploadAndMapAsync(csv.ToString(), ["name", "phone"], "US");
        Assert.Equal((0, 0, 0, 2_100), await ReviewCountsAsync(ws.Http, id));
        var edit = await EditAsync(ws.Http, id, new { kind = "prefix", column = 1, prefix = "+34" });
        Assert.Equal(2_100, edit["rowCount"]!.GetValue<int>());
        Assert.Equal("full", edit["review"]!["how"]!.GetValue<string>());
        Assert.Equal((2_100, 0, 0, 0), ImportTestSupport.Counts(edit["review"]!));
        Assert.NotNull((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);

        // Its undo names every row (no filter): the whole file again too, kept.
        var seq = edit["seq"]!.GetValue<long>();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/imports/{id}/edits/{seq}")).StatusCode);
        Assert.NotNull((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK))["reviewedAt"]);
        Assert.Equal(2_100, (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/review/rows?outcome=invalid&limit=1"), HttpStatusCode.OK))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Two_editors_see_each_others_edits_and_a_stale_one_is_told_who_changed_what()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var created = await ReadAsync(await ws.Http.PostAsJsonAsync("/api/keys", new { name = "second desk", role = "admin" }), HttpStatusCode.Created);
        var other = fixture.Client(created["secret"]!.GetValue<string>());
        var id = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nAnn,12,\nBob,13,\nCy,+14155550170,\n", NamePhoneEmail, "US");
        Assert.Equal((1, 0, 0, 2), await ReviewCountsAsync(ws.Http, id));
        var seen = (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK))["version"];
        Assert.Null(seen);

        // The second editor fixes row 2; the first, still on the version it saw (none: 0), is refused with who did what.
        var theirs = await EditAsync(other, id, new { kind = "cell", row = 2, column = 1, value = "+14155550171", expectedSeq = 0 });
        var listed = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK);
        var by = listed["edits"]![0]!["createdBy"]!.GetValue<string>();
        Assert.Equal(theirs["seq"]!.GetValue<long>(), listed["version"]!.GetValue<long>());
        var stale = await (await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = 3, column = 1, value = "+14155550172", expectedSeq = 0 }))
            .AssertProblemAsync(HttpStatusCode.Conflict, by);
        Assert.Contains("Row 2", stale["detail"]!.GetValue<string>());
        Assert.Contains("reload", stale["detail"]!.GetValue<string>());
        Assert.Single((await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK))["edits"]!.AsArray());

        // With the version it now sees, the first editor's edit goes in; both are in the review and the list.
        var version = listed["version"]!.GetValue<long>();
        var mine = await EditAsync(ws.Http, id, new { kind = "cell", row = 3, column = 1, value = "+14155550172", expectedSeq = version });
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(mine["review"]!));
        var rows = await AllRowsAsync(other, id);
        Assert.All(rows, r => Assert.Equal("added", r!["outcome"]!.GetValue<string>()));

        // An undo on a stale version is refused too, naming the edit made since; on the current one it goes.
        await (await other.DeleteAsync($"/api/imports/{id}/edits/{theirs["seq"]}?expectedSeq={version}")).AssertProblemAsync(HttpStatusCode.Conflict, "made the edit");
        Assert.Equal(HttpStatusCode.NoContent, (await other.DeleteAsync($"/api/imports/{id}/edits/{theirs["seq"]}?expectedSeq={mine["seq"]}")).StatusCode);
        listed = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/edits"), HttpStatusCode.OK);
        Assert.True(listed["version"]!.GetValue<long>() > mine["seq"]!.GetValue<long>());
        Assert.Equal(by, listed["edits"]!.AsArray().Single(e => e!["undone"]!.GetValue<bool>())!["undoneBy"]!.GetValue<string>());

        // Two at once without a version: both kept (one waits for the other), and the review is the file's.
        var both = await Task.WhenAll(
            ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = 2, column = 2, value = "ann@review.test" }),
            other.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "drop", row = 4 }));
        Assert.All(both, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var kept = (await AllRowsAsync(ws.Http, id)).ToJsonString();
        Assert.Equal((2, 0, 1, 0), await ReviewCountsAsync(ws.Http, id));
        Assert.Equal(kept, (await AllRowsAsync(ws.Http, id)).ToJsonString());
    }

    /// <summary>
    /// The invariant: for generated files (phones and emails from small pools, so rows duplicate each other and match the
    /// stored contacts) and generated edit sequences (cells, drops, restores, undos, filtered and unfiltered bulk edits),
    /// the review kept up to date edit by edit equals a full review of the edited file, row for row and in its counts.
    /// Two imports of the same file take the same edits: one only ever re-reviewed by its edits, the other reviewed
    /// whole after each.
    /// </summary>
    [Fact]
    public async Task The_review_kept_by_edits_equals_a_full_review_of_the_edited_file()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Stored A", phones = new[] { Phones[0] }, email = Emails[0] });
        await ws.Http.CreateContactAsync(new { name = "Stored B", phones = new[] { Phones[1] } });
        var row = Gen.Select(Gen.Int[0, Phones.Length - 1], Gen.Int[0, Emails.Length - 1]);
        var op = Gen.Select(Gen.Int[0, 7], Gen.Int[0, 9], Gen.Int[0, Phones.Length - 1], Gen.Int[0, Emails.Length - 1]);
        await Gen.Select(row.Array[1, 8], op.Array[1, 6]).SampleAsync(async c =>
        {
            var csv = "Name,Phone,Email\n" + string.Concat(c.Item1.Select((r, i) => $"R{i},{Phones[r.Item1]},{Emails[r.Item2]}\n"));
            var incremental = await ws.Http.UploadAndMapAsync(csv, NamePhoneEmail, "US");
            var full = await ws.Http.UploadAndMapAsync(csv, NamePhoneEmail, "US");
            await ReviewCountsAsync(ws.Http, incremental);
            await ReviewCountsAsync(ws.Http, full);
            List<long> incrementalSeqs = [], fullSeqs = [];
            foreach (var (kind, target, phone, email) in c.Item2)
            {
                var rowNumber = 2 + (target % c.Item1.Length);
                var a = await SendAsync(incremental, incrementalSeqs);
                var b = await SendAsync(full, fullSeqs);
                Assert.Equal(a.Status, b.Status);
                var counts = await ReviewCountsAsync(ws.Http, full);
                if (a.Review is { } review)
                {
                    Assert.Equal(counts, ImportTestSupport.Counts(review));
                }

                Assert.Equal((await AllRowsAsync(ws.Http, full)).ToJsonString(), (await AllRowsAsync(ws.Http, incremental)).ToJsonString());

                async Task<(HttpStatusCode Status, JsonNode? Review)> SendAsync(string id, List<long> seqs)
                {
                    HttpResponseMessage response = kind switch
                    {
                        0 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = rowNumber, column = 1, value = Phones[phone] }),
                        1 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = rowNumber, column = 2, value = Emails[email] }),
                        2 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "drop", row = rowNumber }),
                        3 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "restore", row = rowNumber }),
                        4 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "set", column = 2, value = Emails[email], rows = new { q = Phones[phone] is "" ? "R" : Phones[phone] } }),
                        5 => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "replace", column = 1, find = "0202", replace = "0203" }),
                        _ when seqs.Count > 0 => await ws.Http.DeleteAsync($"/api/imports/{id}/edits/{seqs[target % seqs.Count]}"),
                        _ => await ws.Http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = rowNumber, column = 1, value = Phones[phone] }),
                    };
                    var body = await response.Content.ReadAsStringAsync();
                    Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.NoContent or HttpStatusCode.Conflict or HttpStatusCode.UnprocessableEntity,
                        $"{(int)response.StatusCode}: {body}");
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        return (response.StatusCode, null);
                    }

                    var created = JsonNode.Parse(body)!;
                    seqs.Add(created["seq"]!.GetValue<long>());
                    return (response.StatusCode, created["review"]);
                }
            }
        }, iter: 30, threads: 1, print: c => $"{string.Join(";", c.Item1.Select(r => $"{Phones[r.Item1]}/{Emails[r.Item2]}"))} | {string.Join(";", c.Item2)}");
    }

    private static async Task<JsonArray> AllRowsAsync(HttpClient http, string id) =>
        (await ReadAsync(await http.GetAsync($"/api/imports/{id}/review/rows?limit=500"), HttpStatusCode.OK))["rows"]!.AsArray();
}
