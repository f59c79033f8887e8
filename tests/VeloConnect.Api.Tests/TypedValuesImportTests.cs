using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Tests.Imports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Issue 12's typed values end to end: dates in the column's own format (an ambiguous column is asked, never swapped),
/// decimal commas, yes/no words, select values matched case- and accent-insensitively or through the mapping's value map,
/// the column values endpoint over the whole file, and the remembered mapping keeping all of it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class TypedValuesImportTests(ApiFixture fixture)
{
    private static async Task CreateFieldsAsync(HttpClient http)
    {
        JsonObject[] fields =
        [
            new() { ["key"] = "born", ["label"] = "Born", ["type"] = "date" },
            new() { ["key"] = "spent", ["label"] = "Spent", ["type"] = "number" },
            new() { ["key"] = "member", ["label"] = "Member", ["type"] = "boolean" },
            new() { ["key"] = "level", ["label"] = "Level", ["type"] = "single_select", ["options"] = new JsonArray("Élite", "Gold", "Basic") },
        ];
        foreach (var field in fields)
        {
            await ReadAsync(await http.PostAsJsonAsync("/api/fields", field), HttpStatusCode.Created);
        }
    }

    private static async Task<JsonObject> MapAsync(HttpClient http, string id, object body, HttpStatusCode status = HttpStatusCode.OK) =>
        await ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", body), status);

    [Fact]
    public async Task A_day_first_date_column_imports_the_right_dates_and_the_review_counts_equal_the_run()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        const string csv = "Phone,Born\n+14155550600,03/04/1990\n+14155550601,25/12/1985\n+14155550602,1990-07-08\n+14155550603,31/02/1990\n";
        var id = (await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var mapped = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:born" }, region = "US" });
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal("dd/MM/yyyy", mapped["mapping"]!["dateFormats"]![1]!.GetValue<string>()); // detected over the whole column
        Assert.Equal((3, 0, 0, 1), ImportTestSupport.Counts(done));
        Assert.Equal(ImportTestSupport.Counts(done), ImportTestSupport.Counts(review));
        Assert.Equal("1990-04-03", (await ws.Http.ContactByPhoneAsync("+14155550600"))["custom"]!["born"]!.GetValue<string>());
        Assert.Equal("1985-12-25", (await ws.Http.ContactByPhoneAsync("+14155550601"))["custom"]!["born"]!.GetValue<string>());
        Assert.Equal("1990-07-08", (await ws.Http.ContactByPhoneAsync("+14155550602"))["custom"]!["born"]!.GetValue<string>());
        var report = await (await ws.Http.GetAsync($"/api/imports/{id}/errors.csv")).Content.ReadAsStringAsync();
        Assert.Contains("'31/02/1990' is not a date written dd/MM/yyyy", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ambiguous_date_column_is_refused_until_its_format_is_chosen()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        const string csv = "Phone,Born\n+14155550610,03/04/2024\n+14155550611,05/06/2024\n";
        var id = (await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var values = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/columns/1?target=field:born"), HttpStatusCode.OK);
        var refused = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:born" }, region = "US" }, HttpStatusCode.UnprocessableEntity);
        var chosen = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:born" }, region = "US", dateFormats = new[] { null, "MM/dd/yyyy" } });
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Null(values["dateFormat"]);
        Assert.Equal(["dd/MM/yyyy", "MM/dd/yyyy"], Strings(values["dateFormatChoices"]));
        Assert.Equal("Column 'Born' holds dates that read both day-first and month-first (e.g. 03/04/2024): choose its date format, dd/MM/yyyy or MM/dd/yyyy.",
            refused["detail"]!.GetValue<string>());
        Assert.Equal("MM/dd/yyyy", chosen["mapping"]!["dateFormats"]![1]!.GetValue<string>());
        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal("2024-03-04", (await ws.Http.ContactByPhoneAsync("+14155550610"))["custom"]!["born"]!.GetValue<string>());
    }

    [Fact]
    public async Task Decimal_comma_numbers_and_yes_no_words_import_as_values()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        const string csv = "Phone;Spent;Member\n+14155550620;1.234,5;ja\n+14155550621;3,25;nein\n+14155550622;12;x\n";
        var id = (await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var values = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/columns/1?target=field:spent"), HttpStatusCode.OK);
        var mapped = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:spent", "field:member" }, region = "US" });
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal(",", values["decimalSeparator"]!.GetValue<string>());
        Assert.Equal(",", mapped["mapping"]!["decimalSeparators"]![1]!.GetValue<string>());
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(done));
        var ann = await ws.Http.ContactByPhoneAsync("+14155550620");
        Assert.Equal(1234.5m, ann["custom"]!["spent"]!.GetValue<decimal>());
        Assert.True(ann["custom"]!["member"]!.GetValue<bool>());
        var bob = await ws.Http.ContactByPhoneAsync("+14155550621");
        Assert.Equal(3.25m, bob["custom"]!["spent"]!.GetValue<decimal>());
        Assert.False(bob["custom"]!["member"]!.GetValue<bool>());
        Assert.True((await ws.Http.ContactByPhoneAsync("+14155550622"))["custom"]!["member"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_select_column_lists_its_unmatched_values_and_the_value_map_maps_them_to_an_option_or_blank()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        const string csv = "Phone,Level\n+14155550630,gold\n+14155550631,ELITE\n+14155550632,Platin\n+14155550633,n/a\n+14155550634,Diamond\n+14155550635,GOLD\n";
        var id = (await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var values = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/columns/1?target=field:level"), HttpStatusCode.OK);
        var badOption = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:level" }, region = "US", valueMaps = new object?[] { null, new Dictionary<string, string?> { ["Platin"] = "Platinum" } } },
            HttpStatusCode.UnprocessableEntity);
        var mapped = await MapAsync(ws.Http, id, new { columns = new[] { "phone", "field:level" }, region = "US", valueMaps = new object?[] { null, new Dictionary<string, string?> { ["Platin"] = "gold", ["n/a"] = null } } });
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal("field:level", values["target"]!.GetValue<string>());
        Assert.Equal(6, values["distinctCount"]!.GetValue<int>());
        Assert.Equal(3, values["unmatchedCount"]!.GetValue<int>());
        var options = values["values"]!.AsArray().ToDictionary(v => v!["value"]!.GetValue<string>(), v => v!["option"]?.GetValue<string>());
        Assert.Equal("Gold", options["gold"]);
        Assert.Equal("Élite", options["ELITE"]);
        Assert.Null(options["Platin"]);
        Assert.Contains("'Platin' → 'Platinum': Level has no such option", badOption["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("Gold", mapped["mapping"]!["valueMaps"]![1]!["Platin"]!.GetValue<string>());
        Assert.Equal((5, 0, 0, 1), ImportTestSupport.Counts(done));
        Assert.Equal("Élite", (await ws.Http.ContactByPhoneAsync("+14155550631"))["custom"]!["level"]!.GetValue<string>());
        Assert.Equal("Gold", (await ws.Http.ContactByPhoneAsync("+14155550632"))["custom"]!["level"]!.GetValue<string>());
        Assert.False((await ws.Http.ContactByPhoneAsync("+14155550633"))["custom"]!.AsObject().ContainsKey("level"));
        var report = await (await ws.Http.GetAsync($"/api/imports/{id}/errors.csv")).Content.ReadAsStringAsync();
        Assert.Contains("'Diamond' is not one of the options (Élite, Gold, Basic): map it to an option (or to blank) in the mapping step", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_column_endpoint_reads_the_whole_xlsx_and_refuses_unknown_columns_and_targets()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        using var workbook = TestWorkbook.Create([["Phone", "Level"], .. Enumerable.Range(0, 30).Select(i => new object?[] { $"+1415555{0700 + i:0000}", i < 29 ? "gold" : "Platin" })]);
        var id = (await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "levels.xlsx"), HttpStatusCode.Created))["id"]!.GetValue<string>();

        var values = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}/columns/1?target=field:level"), HttpStatusCode.OK);

        Assert.Equal([("gold", 29), ("Platin", 1)], values["values"]!.AsArray().Select(v => (v!["value"]!.GetValue<string>(), v["count"]!.GetValue<int>())));
        Assert.Equal(1, values["unmatchedCount"]!.GetValue<int>());
        await (await ws.Http.GetAsync($"/api/imports/{id}/columns/2?target=field:level")).AssertProblemAsync(HttpStatusCode.NotFound, "numbered 0 to 1");
        await (await ws.Http.GetAsync($"/api/imports/{id}/columns/1?target=field:nope")).AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "no custom field 'nope'");
        await (await ws.Http.GetAsync($"/api/imports/{Guid.NewGuid()}/columns/1")).AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");
    }

    [Fact]
    public async Task The_next_file_with_the_same_headers_comes_with_the_date_format_and_value_map()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        const string csv = "Phone,Born,Level\n+14155550640,03/04/2024,Platin\n";
        var first = (await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await MapAsync(ws.Http, first, new
        {
            columns = new[] { "phone", "field:born", "field:level" }, region = "US", dateFormats = new[] { null, "dd/MM/yyyy", null },
            valueMaps = new object?[] { null, null, new Dictionary<string, string?> { ["Platin"] = "Gold" } },
        });

        var again = (await ReadAsync(await ws.Http.UploadAsync(csv, "again.csv"), HttpStatusCode.Created))["mapping"]!;

        Assert.Equal("remembered", again["source"]!.GetValue<string>());
        Assert.Equal("dd/MM/yyyy", again["dateFormats"]![1]!.GetValue<string>());
        Assert.Equal("Gold", again["valueMaps"]![2]!["Platin"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_next_workbook_like_one_mapped_before_is_read_from_the_remembered_sheet()
    {
        var ws = await fixture.NewWorkspaceAsync();
        using var workbook = TestWorkbook.Create(
            ("Notes", [["Topic", "Owner"], ["Renewals", "Ann"]]),
            ("Customers", [["Name", "Phone"], ["Dee Ray", "+1 415 555 0650"]]));
        var id = (await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "customers.xlsx"), HttpStatusCode.Created))["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { sheet = "Customers" }), HttpStatusCode.OK);
        await MapAsync(ws.Http, id, new { columns = new[] { "name", "phone" }, region = "US" });

        var again = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "customers-2.xlsx"), HttpStatusCode.Created);

        Assert.Equal("Customers", again["sheet"]!.GetValue<string>());
        Assert.Equal("remembered", again["mapping"]!["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_next_file_like_one_mapped_before_is_read_from_the_remembered_header_row()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // A CRM export with its internal names above the labels: the user reads the labels (row 2) as the header.
        const string csv = "c_name,c_mobile,c_mail\nFull name,Mobile,E-mail address\nAnn Lee,+14155550660,ann@example.com\n";
        var upload = await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        Assert.Equal(1, upload["headerRow"]!.GetValue<int>());
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { headerRow = 2 }), HttpStatusCode.OK);
        await MapAsync(ws.Http, id, new { columns = new[] { "name", "phone", "ignore" }, region = "US" });

        var again = await ReadAsync(await ws.Http.UploadAsync(csv, "export-2.csv"), HttpStatusCode.Created);

        Assert.Equal(2, again["headerRow"]!.GetValue<int>());
        Assert.Equal("remembered", again["mapping"]!["source"]!.GetValue<string>());
        Assert.Equal(["name", "phone", "ignore"], Strings(again["mapping"]!["columns"]));
    }

    [Fact]
    public async Task The_column_endpoint_reads_every_contact_of_a_vcf()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldsAsync(ws.Http);
        var vcf = string.Concat(new[] { "gold", "Platin", "GOLD", "gold" }.Select((level, i) =>
            $"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nTEL;TYPE=CELL:+1415555067{i}\r\nCATEGORIES:{level}\r\nEND:VCARD\r\n"));
        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(System.Text.Encoding.UTF8.GetBytes(vcf), "contacts.vcf"), HttpStatusCode.Created);
        var index = upload["columns"]!.AsArray().Single(c => c!["header"]!.GetValue<string>() == "Categories")!["index"]!.GetValue<int>();

        var values = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{upload["id"]}/columns/{index}?target=field:level"), HttpStatusCode.OK);

        Assert.Equal([("gold", 2, "Gold"), ("GOLD", 1, "Gold"), ("Platin", 1, null)],
            values["values"]!.AsArray().Select(v => (v!["value"]!.GetValue<string>(), v["count"]!.GetValue<int>(), v["option"]?.GetValue<string>())));
        Assert.Equal((3, 1), (values["distinctCount"]!.GetValue<int>(), values["unmatchedCount"]!.GetValue<int>()));
    }
}
