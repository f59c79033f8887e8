using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>Issue 14: every row of a review, kept with the import and read a page at a time (GET /api/imports/{id}/review/rows).</summary>
[Collection(ApiCollection.Name)]
public sealed class ImportReviewRowsTests(ApiFixture fixture)
{
    private static readonly string[] Targets = ["name", "email", "phone", "tags"];

    /// <summary>
    /// Name,Email,Phone,Tags rows by email (data row i is line i + 2): invalid when i % 10 == 3 (no identifier), a duplicate
    /// of the row before when i % 10 == 7, a bad phone (imported by the email, with a warning) when i % 10 == 5.
    /// </summary>
    private static string File(int rows)
    {
        var csv = new StringBuilder("Name,Email,Phone,Tags\n");
        for (var i = 0; i < rows; i++)
        {
            var email = (i % 10) switch
            {
                3 => "not an email",
                7 => $"row{i - 1}@example.com",
                _ => $"row{i}@example.com",
            };
            csv.Append($"Person {i},{email},{(i % 10 == 5 ? "12" : "")},t{i % 4}\n");
        }

        return csv.ToString();
    }

    private static async Task<string> UploadAndReviewAsync(TestWorkspace ws, string csv) => await ReviewAsync(ws, await ws.Http.UploadAndMapAsync(csv, Targets));

    private static async Task<string> ReviewAsync(TestWorkspace ws, string id)
    {
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal($"/api/imports/{id}/review/rows", review["rowsUrl"]!.GetValue<string>());
        return id;
    }

    private static async Task<JsonObject> PageAsync(TestWorkspace ws, string id, string query = "") =>
        await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/review/rows{(query == "" ? "" : "?" + query)}"), HttpStatusCode.OK);

    /// <summary>Every page of a filter, following next; asserts each page's total is the same.</summary>
    private static async Task<(List<JsonObject> Rows, int Total, int Pages)> AllAsync(TestWorkspace ws, string id, string filter, int limit)
    {
        List<JsonObject> rows = [];
        int? total = null;
        var pages = 0;
        int? after = null;
        do
        {
            var page = await PageAsync(ws, id, $"{filter}&limit={limit}{(after is null ? "" : $"&after={after}")}");
            pages++;
            var pageTotal = page["total"]!.GetValue<int>();
            Assert.Equal(total ?? pageTotal, pageTotal);
            total = pageTotal;
            var items = page["rows"]!.AsArray().Select(r => r!.AsObject()).ToList();
            Assert.True(items.Count <= limit);
            rows.AddRange(items);
            after = page["next"]?.GetValue<int>();
            if (after is not null)
            {
                Assert.Equal(limit, items.Count);
                Assert.Equal(items[^1]["rowNumber"]!.GetValue<int>(), after);
            }
        }
        while (after is not null);
        return (rows, total!.Value, pages);
    }

    private static int[] Numbers(IEnumerable<JsonObject> rows) => [.. rows.Select(r => r["rowNumber"]!.GetValue<int>())];

    [Fact]
    public async Task Every_row_comes_once_in_order_across_pages_with_the_review_counts()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync("Email\n" + string.Join('\n', Enumerable.Range(0, 40).Select(i => $"row{i}@example.com")) + "\n", ["email"]);
        var id = await ws.Http.UploadAndMapAsync(File(3_000), Targets);
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);

        var (rows, total, pages) = await AllAsync(ws, id, "", 450);
        Assert.Equal(3_000, total);
        Assert.Equal(7, pages);
        Assert.Equal(Enumerable.Range(2, 3_000), Numbers(rows)); // the header is line 1
        var row = rows[12]; // i = 12
        Assert.Equal(["Person 12", "row12@example.com", "", "t0"], Strings(row["cells"]));
        Assert.False(row["edited"]!.GetValue<bool>());

        // The outcomes are the review's counts (the 40 emails imported before: 32 rows update them, the other 8 are invalid or duplicates).
        var (added, updated, skipped, invalid) = ImportTestSupport.Counts(review);
        Assert.Equal((2_368, 32, 300, 300), (added, updated, skipped, invalid));
        foreach (var (outcome, count) in new[] { ("added", added), ("updated", updated), ("skipped", skipped), ("invalid", invalid) })
        {
            Assert.Equal(count, rows.Count(r => r["outcome"]!.GetValue<string>() == outcome));
        }

        // The default page: 100 rows, and next is the last of them.
        var first = await PageAsync(ws, id);
        Assert.Equal(Enumerable.Range(2, 100), Numbers(first["rows"]!.AsArray().Select(r => r!.AsObject())));
        Assert.Equal(101, first["next"]!.GetValue<int>());
    }

    [Fact]
    public async Task Each_filter_selects_its_rows()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync("Email\nrow0@example.com\nrow1@example.com\n", ["email"]);
        var id = await UploadAndReviewAsync(ws, File(40));

        async Task<(int[] Rows, int Total)> Filtered(string filter)
        {
            var (rows, total, _) = await AllAsync(ws, id, filter, 500);
            return (Numbers(rows), total);
        }

        async Task Expect(string filter, int[] expected)
        {
            var (rows, total) = await Filtered(filter);
            Assert.Equal(expected, rows);
            Assert.Equal(expected.Length, total);
        }

        // Data row i is line i + 2.
        await Expect("outcome=updated", [2, 3]);
        await Expect("outcome=invalid", [5, 15, 25, 35]);
        await Expect("outcome=skipped", [9, 19, 29, 39]);
        await Expect("outcome=warning", [7, 17, 27, 37]);
        Assert.Equal(30, (await Filtered("outcome=added")).Total); // the warned rows are added too
        // Reasons and warnings, case-insensitively; a skipped row's reason names the row it duplicates.
        await Expect("reason=DUPLICATE%20OF", [9, 19, 29, 39]);
        await Expect("reason=Left%20Out", [7, 17, 27, 37]);
        // Cells, case-insensitively; with another filter, both apply.
        await Expect("q=PERSON%201", [3, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21]);
        await Expect("q=ROW12%40", [14]);
        await Expect("q=person%201&outcome=invalid", [15]);
        await Expect("q=nobody", []);
        var skipped = (await PageAsync(ws, id, "outcome=skipped&limit=1"))["rows"]![0]!;
        Assert.Equal(8, skipped["duplicateOf"]!.GetValue<int>());
        Assert.Contains("row 8", Strings(skipped["reasons"])[0]);
        Assert.Equal(4, (await PageAsync(ws, id, "outcome=skipped&limit=1"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_updated_row_says_what_it_changes_adds_and_keeps()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var bob = await ws.Http.CreateContactAsync(new { name = "Old Bob", phones = new[] { "+14155550101" }, email = "bob@old.example", tags = new[] { "customer" } });
        var id = await ws.Http.UploadAndMapAsync("Name,Mobile,E-mail,Labels,Other phone\nBob Stone,415.555.0101,,\"vip, customer\",+1 415 555 0190\nNew Ann,415.555.0102,,,\n",
            ["name", "phone", "email", "tags", "phone_additional"]);
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);

        var page = await PageAsync(ws, id);
        var updated = page["rows"]![0]!;
        Assert.Equal("updated", updated["outcome"]!.GetValue<string>());
        Assert.Equal(bob.Id(), updated["contactId"]!.GetValue<string>());
        var change = updated["change"]!;
        var fields = change["fields"]!.AsArray().ToDictionary(f => f!["field"]!.GetValue<string>(), f => (Before: f!["before"]?.GetValue<string>(), After: f["after"]?.GetValue<string>()));
        Assert.Equal(["name", "phones"], fields.Keys.Order());
        Assert.Equal(("Old Bob", "Bob Stone"), fields["name"]);
        Assert.Equal(("+14155550101", "+14155550101, +14155550190"), fields["phones"]);
        Assert.Equal("Name", change["fields"]![0]!["label"]!.GetValue<string>());
        Assert.Equal(["vip"], Strings(change["tagsAdded"]));
        Assert.Equal(["+14155550190"], Strings(change["phonesAdded"]));
        Assert.Equal(["email"], Strings(change["kept"])); // the blank E-mail cell keeps bob@old.example
        // Only updated rows have a change; the review changed nothing.
        var added = page["rows"]![1]!;
        Assert.Equal("added", added["outcome"]!.GetValue<string>());
        Assert.Null(added["change"]);
        Assert.Null(added["contactId"]);
        Assert.Equal("Old Bob", (await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{bob.Id()}"), HttpStatusCode.OK))["name"]!.GetValue<string>());
    }

    private async Task<long> StoredRowsAsync(string id)
    {
        await using var count = fixture.DataSource.CreateCommand("select count(*) from import_review_rows where import_id = @id");
        count.Parameters.AddWithValue("id", Guid.Parse(id));
        return (long)(await count.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Rows_need_a_current_review_and_a_new_mapping_or_a_discard_clears_them()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync(File(12), Targets);
        var rows = $"/api/imports/{id}/review/rows";
        await (await ws.Http.GetAsync(rows)).AssertProblemAsync(HttpStatusCode.Conflict, $"Review the import first: POST /api/imports/{id}/review");

        await ReviewAsync(ws, id);
        Assert.Equal(12, (await PageAsync(ws, id))["total"]!.GetValue<int>());
        await (await ws.Http.GetAsync(rows + "?outcome=bogus")).AssertProblemAsync(HttpStatusCode.BadRequest, "use added, updated, skipped, invalid or warning");
        await (await ws.Http.GetAsync(rows + "?limit=0")).AssertProblemAsync(HttpStatusCode.BadRequest, "1 to 500");
        await (await ws.Http.GetAsync(rows + "?limit=501")).AssertProblemAsync(HttpStatusCode.BadRequest, "1 to 500");
        var other = await fixture.NewWorkspaceAsync();
        await (await other.Http.GetAsync(rows)).AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");

        // A new mapping (the same targets again) clears the review and its rows.
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = Targets, hasHeader = true }), HttpStatusCode.OK);
        Assert.Equal(0, await StoredRowsAsync(id));
        await (await ws.Http.GetAsync(rows)).AssertProblemAsync(HttpStatusCode.Conflict, $"Review the import first: POST /api/imports/{id}/review");

        // A review again replaces them; a discard takes them with the import.
        await ReviewAsync(ws, id);
        await ReviewAsync(ws, id);
        Assert.Equal(12, await StoredRowsAsync(id));
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/imports/{id}")).StatusCode);
        Assert.Equal(0, await StoredRowsAsync(id));
    }

    [Fact]
    public async Task Paging_and_filters_over_a_50000_row_review()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = await UploadAndReviewAsync(ws, File(50_000));

        var (rows, total, pages) = await AllAsync(ws, id, "", 500);
        Assert.Equal(50_000, total);
        Assert.Equal(100, pages);
        Assert.Equal(Enumerable.Range(2, 50_000), Numbers(rows));
        Assert.Equal(40_000, rows.Count(r => r["outcome"]!.GetValue<string>() == "added"));

        var invalid = await PageAsync(ws, id, "outcome=invalid&limit=500&after=40000");
        Assert.Equal(5_000, invalid["total"]!.GetValue<int>());
        Assert.Equal(Enumerable.Range(0, 500).Select(k => 40_005 + 10 * k), Numbers(invalid["rows"]!.AsArray().Select(r => r!.AsObject())));
        var (warned, warnedTotal, _) = await AllAsync(ws, id, "outcome=warning", 500);
        Assert.Equal(5_000, warnedTotal);
        Assert.All(warned, r => Assert.Equal(5, (r["rowNumber"]!.GetValue<int>() - 2) % 10));
        var found = await PageAsync(ws, id, "q=Person%2049999");
        Assert.Equal([50_001], Numbers(found["rows"]!.AsArray().Select(r => r!.AsObject())));
        Assert.Null(found["next"]);
        Assert.Equal(5_000, (await PageAsync(ws, id, "reason=duplicate&limit=1"))["total"]!.GetValue<int>());
    }
}
