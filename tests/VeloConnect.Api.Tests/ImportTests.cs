using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>The import wizard end to end through the API, one rule of docs/spec/product.md per test.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImportTests(ApiFixture fixture)
{
    private const string Basic = """
        Full name,Mobile,E-mail,Labels
        Ann Lee,(415) 555-0100,ann@example.com,"vip, newsletter"
        Bob Stone,415.555.0101,bob@example.com,
        Cy Twombly,+1 415 555 0102,,pro
        """;

    [Fact]
    public async Task Upload_analyses_the_file_and_suggests_a_mapping()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync(Basic), HttpStatusCode.Created);

        Assert.Equal("uploaded", upload["status"]!.GetValue<string>());
        Assert.Equal("utf-8", upload["encoding"]!["verdict"]!.GetValue<string>());
        Assert.Equal("comma", upload["delimiter"]!.GetValue<string>());
        Assert.True(upload["hasHeader"]!.GetValue<bool>());
        Assert.Equal(3, upload["rowCount"]!.GetValue<int>());
        Assert.Equal(["Full name", "Mobile", "E-mail", "Labels"], upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal(["name", "phone", "email", "tags"], upload["mapping"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Equal("suggested", upload["mapping"]!["source"]!.GetValue<string>());
        Assert.Contains(upload["targets"]!.AsArray(), t => t!["value"]!.GetValue<string>() == "ignore");
    }

    [Fact]
    public async Task Review_counts_equal_the_run_and_new_contacts_get_source_csv_import()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Old Bob", phones = new[] { "+14155550101" }, tags = new[] { "customer" } });
        var id = await ws.Http.UploadAndMapAsync(Basic + "\nDup Ann,,ANN@example.com,\nNobody,,,x\n");

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal(2, review["counts"]!["added"]!.GetValue<int>());
        Assert.Equal(1, review["counts"]!["updated"]!.GetValue<int>());
        Assert.Equal(1, review["counts"]!["skipped"]!.GetValue<int>());
        Assert.Equal(1, review["counts"]!["invalid"]!.GetValue<int>());
        Assert.Equal(2, review["skipped"]![0]!["duplicateOf"]!.GetValue<int>());
        // The review changed nothing.
        Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/contacts"), HttpStatusCode.OK))["items"]!.AsArray());

        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 1, 1, 1), ImportTestSupport.Counts(done));
        Assert.Equal(5, done["progress"]!["rowsDone"]!.GetValue<int>());
        var ann = await ws.Http.ContactByPhoneAsync("+14155550100");
        Assert.Equal("CSV import", ann["source"]!.GetValue<string>());
        Assert.Equal(["vip", "newsletter"], ann["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var bob = await ws.Http.ContactByPhoneAsync("+14155550101");
        Assert.Equal("API", bob["source"]!.GetValue<string>());
        Assert.Equal("Bob Stone", bob["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Reimport_adds_tags_and_keeps_opt_outs()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync(Basic);
        var ann = await ws.Http.ContactByPhoneAsync("+14155550100");
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/contacts/{ann.Id()}/opt-ins/whatsapp", new { status = "opted_out", source = "replied STOP" }), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/contacts/{ann.Id()}/opt-ins/email", new { status = "opted_in", source = "newsletter form" }), HttpStatusCode.OK);
        var optIns = (await ws.Http.ContactByPhoneAsync("+14155550100"))["optIns"]!.AsObject();

        var again = await ws.Http.ImportAsync("Full name,Mobile,E-mail,Labels\nAnn Lee,4155550100,ann@example.com,returning\n");

        Assert.Equal((0, 1, 0, 0), ImportTestSupport.Counts(again));
        var after = await ws.Http.ContactByPhoneAsync("+14155550100");
        Assert.Equal(["vip", "newsletter", "returning"], after["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        OptOutFollowsAddressTests.AssertSame(optIns, after["optIns"]!.AsObject());
        Assert.Equal("replied STOP", after["optIns"]!["whatsapp"]!["source"]!.GetValue<string>());

        // A file with consent columns saying the opposite: they are not imported, every channel stays as it was.
        var withConsent = await ws.Http.ImportAsync("Full name,Mobile,E-mail,WhatsApp opt-in,Email opt-out,SMS consent\nAnn Lee,4155550100,ann@example.com,yes,yes,no\n");
        Assert.Equal((0, 1, 0, 0), ImportTestSupport.Counts(withConsent));
        OptOutFollowsAddressTests.AssertSame(optIns, (await ws.Http.ContactByPhoneAsync("+14155550100"))["optIns"]!.AsObject());
    }

    [Fact]
    public async Task Blank_cell_keeps_existing_value_and_mapped_fields_overwrite()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync("Name,Phone,Email\nAnn,+14155550110,ann@example.com\n");

        await ws.Http.ImportAsync("Name,Phone,Email\n,+14155550110,ann.new@example.com\n");

        var ann = await ws.Http.ContactByPhoneAsync("+14155550110");
        Assert.Equal("Ann", ann["name"]!.GetValue<string>());
        Assert.Equal("ann.new@example.com", ann["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unmapped_columns_leave_existing_values_alone()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550111\n");

        await ws.Http.ImportAsync("Name,Phone\nSomeone else,+14155550111\n", ["ignore", "phone"]);

        Assert.Equal("Ann", (await ws.Http.ContactByPhoneAsync("+14155550111"))["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(9)]
    public async Task Email_replaced_by_a_row_is_free_for_a_later_row_in_review_and_run_alike(int rowsBetween)
    {
        // The API tests write imports in batches of 7 rows: with 9 rows between them, the two rows fall into
        // different batches, the later one planned while the earlier one is still being written.
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550160" }, email = "old@example.com" });
        var csv = new StringBuilder("Name,Phone,Email\nA moved,+14155550160,new@example.com\n");
        for (var i = 0; i < rowsBetween; i++)
        {
            csv.Append($"Filler {i},+1415555{1000 + i},\n");
        }

        csv.Append("Old address,+14155550161,old@example.com\n");
        var id = await ws.Http.UploadAndMapAsync(csv.ToString());

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal((1 + rowsBetween, 1, 0, 0), ImportTestSupport.Counts(review));
        Assert.Equal((1 + rowsBetween, 1, 0, 0), ImportTestSupport.Counts(done));
        var contactA = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{a.Id()}"), HttpStatusCode.OK);
        Assert.Equal("new@example.com", contactA["email"]!.GetValue<string>());
        var taker = await ws.Http.ContactByPhoneAsync("+14155550161");
        Assert.Equal("old@example.com", taker["email"]!.GetValue<string>());
        Assert.NotEqual(a.Id(), taker.Id());
    }

    [Fact]
    public async Task Phone_match_wins_over_email_match_and_the_identifier_conflict_is_reported_not_moved()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550120" } });
        var b = await ws.Http.CreateContactAsync(new { name = "B", email = "b@example.com" });
        var id = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nA from file,+14155550120,b@example.com\n");

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var warning = Assert.Single(review["warnings"]!.AsArray())!;
        Assert.Equal(2, warning["rowNumber"]!.GetValue<int>());
        Assert.Contains(b.Id(), warning["message"]!.GetValue<string>());

        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((0, 1, 0, 0), ImportTestSupport.Counts(done));
        var contactA = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{a.Id()}"), HttpStatusCode.OK);
        var contactB = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{b.Id()}"), HttpStatusCode.OK);
        Assert.Equal("A from file", contactA["name"]!.GetValue<string>());
        Assert.Null(contactA["email"]);
        Assert.Equal("b@example.com", contactB["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Email_matches_case_insensitively_and_phones_in_any_format()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.ImportAsync("Name,Phone,Email\nAnn,(415) 555-0130,Ann@Example.com\n");

        var again = await ws.Http.ImportAsync("Name,Phone,Email\nAnn 2,415.555.0130,\nAnn 3,,  ANN@example.COM \n", ["name", "phone", "email"]);

        // Row 3 duplicates nothing in the file (its email is new to the file) but matches the same contact: both update it.
        Assert.Equal(0, ImportTestSupport.Counts(again).Added);
        Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/contacts"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task Invalid_and_skipped_rows_are_in_the_error_report_with_their_row_numbers_and_reasons()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone,Email\nAnn,+14155550140,\nNo id,,\nBad phone,12,\nAnn again,+1 415 555 0140,\nBad email,,not-an-email\n");
        Assert.Equal((1, 0, 1, 3), ImportTestSupport.Counts(done));

        var report = await ws.Http.GetAsync($"/api/imports/{done["id"]!.GetValue<string>()}/errors.csv");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        Assert.Equal("text/csv", report.Content.Headers.ContentType!.MediaType);
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Row,Outcome,Reasons,Original row,Edited", lines[0]);
        Assert.Equal(5, lines.Length);
        Assert.StartsWith("3,invalid,", lines[1]);
        Assert.EndsWith(",\"No id,,\",", lines[1]); // the Edited column: blank, no edit
        Assert.StartsWith("4,invalid,", lines[2]);
        Assert.Contains("'12'", lines[2]);
        Assert.StartsWith("5,skipped,Duplicate of row 2", lines[3]);
        Assert.StartsWith("6,invalid,", lines[4]);
        Assert.Contains("not-an-email", lines[4]);
    }

    [Fact]
    public async Task The_confirmed_mapping_is_remembered_for_the_same_headers()
    {
        var ws = await fixture.NewWorkspaceAsync();
        const string csv = "Col A,Col B,Col C\nAnn,+14155550150,x\n";
        await ws.Http.UploadAndMapAsync(csv, ["name", "phone", "tags"]);

        var second = await ReadAsync(await ws.Http.UploadAsync(csv.Replace("Ann", "Bea")), HttpStatusCode.Created);

        Assert.Equal("remembered", second["mapping"]!["source"]!.GetValue<string>());
        Assert.Equal(["name", "phone", "tags"], second["mapping"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>()));
        // Another workspace does not see it.
        var other = await fixture.NewWorkspaceAsync();
        var theirs = await ReadAsync(await other.Http.UploadAsync(csv), HttpStatusCode.Created);
        Assert.Equal("suggested", theirs["mapping"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Headerless_file_maps_by_position()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync("Ann Lee,+14155550160,ann.h@example.com\nBob,+14155550161,bob.h@example.com\n"), HttpStatusCode.Created);
        Assert.False(upload["hasHeader"]!.GetValue<bool>());
        Assert.Equal(["Column 1", "Column 2", "Column 3"], upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email" }, hasHeader = false }), HttpStatusCode.OK);

        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal("Ann Lee", (await ws.Http.ContactByPhoneAsync("+14155550160"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_chosen_delimiter_is_how_the_file_is_read_and_imported_and_a_header_change_keeps_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Detected as comma-separated (commas and semicolons split every row alike: a tie), but it is semicolon-separated.
        const string csv = "Name, full;Phone\nLee, Ann;+14155550180\nStone, Bob;+14155550181\n";
        var detected = await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created);
        Assert.Equal("comma", detected["delimiter"]!.GetValue<string>());

        var chosen = await ReadAsync(await ws.Http.UploadAsync(csv, form: new() { ["delimiter"] = "semicolon" }), HttpStatusCode.Created);
        Assert.Equal("semicolon", chosen["delimiter"]!.GetValue<string>());
        Assert.Equal(["Name, full", "Phone"], chosen["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        var id = chosen["id"]!.GetValue<string>();
        // Header off then on again: the file is read again with the chosen delimiter, not a detected one.
        var headerless = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = false }), HttpStatusCode.OK);
        Assert.Equal(("semicolon", 3), (headerless["delimiter"]!.GetValue<string>(), headerless["rowCount"]!.GetValue<int>()));
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = true }), HttpStatusCode.OK);

        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal("Lee, Ann", (await ws.Http.ContactByPhoneAsync("+14155550180"))["name"]!.GetValue<string>());
        var refused = await ReadAsync(await ws.Http.UploadAsync(csv, form: new() { ["delimiter"] = "pipe" }), HttpStatusCode.BadRequest);
        Assert.Equal("'pipe' is not a delimiter: use comma, semicolon or tab (or leave it out to let the file be analysed).", refused["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Latin1_file_is_named_and_not_imported_garbled_until_the_conversion_is_confirmed()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var latin1 = Encoding.Latin1.GetBytes("Name,Phone\nZoë Ångström,+14155550170\nJosé,+14155550171\n");

        var refused = await ws.Http.UploadBytesAsync(latin1);
        var problem = await ReadAsync(refused, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("not_utf8", problem["code"]!.GetValue<string>());
        Assert.Contains("UTF-8", problem["detail"]!.GetValue<string>());
        Assert.Equal(2, problem["encoding"]!["firstBadLine"]!.GetValue<int>());
        var detected = problem["encoding"]!["name"]!.GetValue<string>();

        var accepted = await ReadAsync(await ws.Http.UploadBytesAsync(latin1, form: new() { ["convertFrom"] = detected }), HttpStatusCode.Created);
        var id = accepted["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = true }), HttpStatusCode.OK);
        await ws.Http.RunToEndAsync(id);
        Assert.Equal("Zoë Ångström", (await ws.Http.ContactByPhoneAsync("+14155550170"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Row_50001_is_refused_with_split_advice()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var csv = new StringBuilder("Phone\n");
        for (var i = 0; i < 50_001; i++)
        {
            csv.Append("+1415").Append((2_000_000 + i).ToString("0000000")).Append('\n');
        }

        var problem = await ReadAsync(await ws.Http.UploadAsync(csv.ToString()), HttpStatusCode.UnprocessableEntity);
        Assert.Equal("too_many_rows", problem["code"]!.GetValue<string>());
        Assert.Contains("50,000", problem["detail"]!.GetValue<string>());
        Assert.Contains("API", problem["detail"]!.GetValue<string>());
        Assert.Empty(await ReadListAsync(ws.Http, "/api/imports"));
    }

    [Fact]
    public async Task Mapping_rules_are_enforced_with_reasons()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var upload = await ReadAsync(await ws.Http.UploadAsync("A,B,C\nAnn,+14155550180,x\n"), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();

        var noIdentifier = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "ignore", "tags" }, hasHeader = true }), HttpStatusCode.BadRequest);
        Assert.Contains("errors", noIdentifier.Select(p => p.Key));
        var unknownField = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "field:loyalty" }, hasHeader = true }), HttpStatusCode.BadRequest);
        Assert.Contains("Settings", unknownField["errors"]!.ToJsonString());
        var badTarget = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "optin:whatsapp" }, hasHeader = true }), HttpStatusCode.BadRequest);
        Assert.Contains("columns[2]", badTarget["errors"]!.AsObject().Select(p => p.Key));
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task A_finished_import_notifies_its_user_and_is_audited_with_the_counts()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync(Basic);
        var id = done["id"]!.GetValue<string>();

        var notifications = await ReadAsync(await ws.Http.GetAsync("/api/notifications"), HttpStatusCode.OK);
        var notification = Assert.Single(notifications["items"]!.AsArray())!;
        Assert.Equal("Import finished", notification["title"]!.GetValue<string>());
        Assert.Contains("3 added, 0 updated, 0 skipped, 0 invalid", notification["message"]!.GetValue<string>());
        var audit = await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.finished&entityId={id}"), HttpStatusCode.OK);
        var entry = Assert.Single(audit["items"]!.AsArray())!;
        Assert.Equal(3, entry["details"]!["added"]!.GetValue<int>());
        Assert.Equal(3, entry["details"]!["rows"]!.GetValue<int>());
        // History lists it; running it again is refused.
        Assert.Contains(await ReadListAsync(ws.Http, "/api/imports"), i => i!["id"]!.GetValue<string>() == id);
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Two_overlapping_imports_at_once_keep_the_union_of_tags()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var first = new StringBuilder("Name,Phone,Tags\n");
        var second = new StringBuilder("Name,Phone,Tags\n");
        for (var i = 0; i < 300; i++)
        {
            first.Append($"First {i},+1415556{i:0000},from-first\n");
            second.Append($"Second {i},+1415556{i:0000},from-second\n");
        }

        var a = await ws.Http.UploadAndMapAsync(first.ToString());
        var b = await ws.Http.UploadAndMapAsync(second.ToString());
        var results = await Task.WhenAll(ws.Http.RunToEndAsync(a), ws.Http.RunToEndAsync(b));

        Assert.Equal(600, results.Sum(r => ImportTestSupport.Counts(r).Added + ImportTestSupport.Counts(r).Updated));
        Assert.Equal(300, results.Sum(r => ImportTestSupport.Counts(r).Added));
        var all = new List<JsonNode>();
        string? cursor = null;
        do
        {
            var page = await ReadAsync(await ws.Http.GetAsync("/api/contacts?limit=500" + (cursor is null ? "" : "&cursor=" + cursor)), HttpStatusCode.OK);
            all.AddRange(page["items"]!.AsArray()!);
            cursor = page["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        Assert.Equal(300, all.Count);
        Assert.All(all, c =>
        {
            Assert.Equal(["from-first", "from-second"], c["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order());
            Assert.Matches("^(First|Second) \\d+$", c["name"]!.GetValue<string>());
        });
    }

    [Fact]
    public async Task Another_workspaces_import_answers_404()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync(Basic);
        foreach (var response in new[]
        {
            await other.Http.GetAsync($"/api/imports/{id}"),
            await other.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email", "tags" } }),
            await other.Http.PostAsync($"/api/imports/{id}/review", null),
            await other.Http.PostAsync($"/api/imports/{id}/run", null),
            await other.Http.GetAsync($"/api/imports/{id}/errors.csv"),
        })
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/imports");
        }
    }

    [Fact]
    public async Task Custom_fields_are_imported_typed_and_a_value_that_does_not_fit_makes_the_row_invalid()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "tier", label = "Tier", type = "single_select", options = new[] { "Gold", "Silver" } }), HttpStatusCode.Created);
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "score", label = "Score", type = "number" }), HttpStatusCode.Created);
        const string csv = "Phone,Tier,Score,Other phone\n+14155550190,gold,1.50,+14155550191\n+14155550192,Bronze,7,\n+14155550193,Silver,lots,\n";

        var done = await ws.Http.ImportAsync(csv, ["phone", "field:tier", "field:score", "phone_additional"]);

        Assert.Equal((1, 0, 0, 2), ImportTestSupport.Counts(done));
        var contact = await ws.Http.ContactByPhoneAsync("+14155550190");
        Assert.Equal("Gold", contact["custom"]!["tier"]!.GetValue<string>());
        Assert.Equal(1.5m, contact["custom"]!["score"]!.GetValue<decimal>());
        Assert.Equal(["+14155550190", "+14155550191"], contact["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        var report = await (await ws.Http.GetAsync($"/api/imports/{done["id"]!.GetValue<string>()}/errors.csv")).Content.ReadAsStringAsync();
        Assert.Contains("Bronze", report);
        Assert.Contains("'lots' is not a number", report);
    }

    private static async Task<JsonArray> ReadListAsync(HttpClient http, string path)
    {
        var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }
}
