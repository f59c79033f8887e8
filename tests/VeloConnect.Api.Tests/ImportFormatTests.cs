using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Tests.Imports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Real-world files through the wizard's three steps and the job: an .xlsx and a .vcf told by content (named .csv or not),
/// a chosen sheet, a header row below a title, a phone column Excel holds as numbers. Review counts equal run counts.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ImportFormatTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_xlsx_imports_with_exact_counts_and_values_and_its_review_equals_the_run()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Old Bob", phones = new[] { "+14155550201" }, tags = new[] { "customer" } });
        using var workbook = TestWorkbook.Create(("Contacts", [
            ["Name", "Mobile", "Email", "Tags"],
            ["Ann Lee", "+1 415 555 0200", "ann@example.com", "vip, newsletter"],
            ["Bob Stone", "(415) 555-0201", "bob@example.com", null],
            null,
            ["Cy Twombly", "415.555.0202", null, "pro"],
            ["Ann Again", null, "ANN@example.com", null],
            ["Nobody", null, null, "x"],
        ]));

        // Named .csv on purpose: the format is told by the content.
        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "contacts.csv"), HttpStatusCode.Created);
        Assert.Equal("xlsx", upload["format"]!.GetValue<string>());
        Assert.Equal(["Contacts"], upload["sheets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("Contacts", upload["sheet"]!.GetValue<string>());
        Assert.Equal(1, upload["headerRow"]!.GetValue<int>());
        Assert.Equal(5, upload["rowCount"]!.GetValue<int>());
        Assert.Equal(["Name", "Mobile", "Email", "Tags"], upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal(["Ann Lee", "Bob Stone", "Cy Twombly", "Ann Again", "Nobody"], upload["columns"]![0]!["samples"]!.AsArray().Select(c => c!.GetValue<string>()));
        Assert.Contains(upload["warnings"]!.AsArray(), w => w!["code"]!.GetValue<string>() == "blank_lines_skipped" && w["message"]!.GetValue<string>().Contains('4', StringComparison.Ordinal));

        var id = upload["id"]!.GetValue<string>();
        await MapAsync(ws.Http, id, ["name", "phone", "email", "tags"]);
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 1, 1, 1), ImportTestSupport.Counts(done));
        Assert.Equal(ImportTestSupport.Counts(done), ImportTestSupport.Counts(review));
        Assert.Equal(6, review["skipped"]![0]!["rowNumber"]!.GetValue<int>());
        Assert.Equal(2, review["skipped"]![0]!["duplicateOf"]!.GetValue<int>());

        var ann = await ws.Http.ContactByPhoneAsync("+14155550200");
        Assert.Equal("Ann Lee", ann["name"]!.GetValue<string>());
        Assert.Equal("ann@example.com", ann["email"]!.GetValue<string>());
        Assert.Equal(["vip", "newsletter"], ann["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var bob = await ws.Http.ContactByPhoneAsync("+14155550201");
        Assert.Equal("Bob Stone", bob["name"]!.GetValue<string>());
        Assert.Equal(["customer"], bob["tags"]!.AsArray().Select(t => t!.GetValue<string>()));

        // The error report lists the file's rows as the spreadsheet numbers them.
        var report = await (await ws.Http.GetAsync($"/api/imports/{id}/errors.csv")).Content.ReadAsStringAsync();
        Assert.Contains("\n6,skipped,", report, StringComparison.Ordinal);
        Assert.Contains("\n7,invalid,", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_vcf_of_several_contacts_with_folded_lines_imports_with_exact_counts_and_values()
    {
        var ws = await fixture.NewWorkspaceAsync();
        const string vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nN:Lee;Ann;;;\r\nTEL;TYPE=CELL:+1 415 555 03\r\n 00\r\nEMAIL;TYPE=INTERNET:ann@exam\r\n ple.com\r\nCATEGORIES:vip,news\r\n letter\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\nTEL;CELL:(415) 555-0301\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cy Twombly\r\nEMAIL:cy@example.com\r\nNOTE:Met at the\r\n  fair\r\nEND:VCARD\r\n";

        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(Encoding.UTF8.GetBytes(vcf), "contacts.vcf"), HttpStatusCode.Created);
        Assert.Equal("vcard", upload["format"]!.GetValue<string>());
        Assert.Equal(3, upload["rowCount"]!.GetValue<int>());
        var headers = upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()).ToList();
        Assert.Equal(["Name", "First Name", "Last Name", "Phone (mobile)", "Email", "Categories", "Note"], headers);
        Assert.Equal(["Ann Lee", "Jürgen Müller", "Cy Twombly"], upload["columns"]![0]!["samples"]!.AsArray().Select(c => c!.GetValue<string>()));

        // The vCard's own conventions pre-map it: the user confirms the suggestion as it is.
        var suggested = upload["mapping"]!;
        Assert.Equal("vCard", suggested["knownSource"]!.GetValue<string>());
        string[] expected = [.. headers.Select(h => h switch { "Name" => "name", "Phone (mobile)" => "phone", "Email" => "email", "Categories" => "tags", _ => "ignore" })];
        Assert.Equal(expected, suggested["columns"]!.AsArray().Select(c => c!.GetValue<string>()));

        var id = upload["id"]!.GetValue<string>();
        await MapAsync(ws.Http, id, expected);
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal(ImportTestSupport.Counts(done), ImportTestSupport.Counts(review));

        var ann = await ws.Http.ContactByPhoneAsync("+14155550300");
        Assert.Equal("Ann Lee", ann["name"]!.GetValue<string>());
        Assert.Equal("ann@example.com", ann["email"]!.GetValue<string>());
        Assert.Equal(["vip", "newsletter"], ann["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Jürgen Müller", (await ws.Http.ContactByPhoneAsync("+14155550301"))["name"]!.GetValue<string>());
        Assert.Equal("Cy Twombly", (await ws.Http.ContactByPhoneAsync("cy@example.com"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_multi_sheet_xlsx_imports_the_sheet_chosen_by_reanalysis_and_bad_choices_answer_400()
    {
        var ws = await fixture.NewWorkspaceAsync();
        using var workbook = TestWorkbook.Create(
            ("Notes", [["Topic", "Owner"], ["Renewals", "Ann"]]),
            ("Customers", [["Name", "Phone"], ["Dee Ray", "+1 415 555 0400"], ["Eve Ho", "+1 415 555 0401"]]));
        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "customers.xlsx"), HttpStatusCode.Created);
        Assert.Equal(["Notes", "Customers"], upload["sheets"]!.AsArray().Select(s => s!.GetValue<string>()));
        Assert.Equal("Notes", upload["sheet"]!.GetValue<string>());
        var id = upload["id"]!.GetValue<string>();

        var unknown = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { sheet = "Clients" }), HttpStatusCode.BadRequest);
        Assert.Contains("'Notes', 'Customers'", unknown["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var zero = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { headerRow = 0 }), HttpStatusCode.BadRequest);
        Assert.Contains("1 for the first row", zero["detail"]!.GetValue<string>(), StringComparison.Ordinal);

        var chosen = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { sheet = "customers" }), HttpStatusCode.OK);
        Assert.Equal(id, chosen["id"]!.GetValue<string>());
        Assert.Equal("Customers", chosen["sheet"]!.GetValue<string>());
        Assert.Equal(2, chosen["rowCount"]!.GetValue<int>());
        Assert.Equal(["Name", "Phone"], chosen["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));

        await MapAsync(ws.Http, id, ["name", "phone"]);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal("Eve Ho", (await ws.Http.ContactByPhoneAsync("+14155550401"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_title_row_above_the_header_is_found_and_the_header_row_can_be_chosen_for_xlsx_and_csv()
    {
        var ws = await fixture.NewWorkspaceAsync();
        using var workbook = TestWorkbook.Create(("Export", [
            ["Customer list, exported 2024-12-31"],
            null,
            ["Name", "Phone", "Email"],
            ["Fay Wu", "+1 415 555 0500", "fay@example.com"],
            ["Gus Ng", "+1 415 555 0501", null],
        ]));
        var xlsx = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "export.xlsx"), HttpStatusCode.Created);
        Assert.Equal(3, xlsx["headerRow"]!.GetValue<int>());
        Assert.Equal(["Name", "Phone", "Email"], xlsx["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal(2, xlsx["rowCount"]!.GetValue<int>());
        Assert.Contains(xlsx["warnings"]!.AsArray(), w => w!["code"]!.GetValue<string>() == "header_row" && w["line"]!.GetValue<int>() == 3);

        const string csv = "Customer list\n\nName,Phone,Email\nHal Oz,+1 415 555 0502,hal@example.com\nIda Po,+1 415 555 0503,\n";
        var upload = await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created);
        Assert.Equal("csv", upload["format"]!.GetValue<string>());
        Assert.Equal(3, upload["headerRow"]!.GetValue<int>());
        Assert.True(upload["hasHeader"]!.GetValue<bool>());
        Assert.Equal(["Name", "Phone", "Email"], upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal(2, upload["rowCount"]!.GetValue<int>());
        var id = upload["id"]!.GetValue<string>();

        // Chosen by the user: row 4 as the header leaves one data row; past the end answers 400 with the row count.
        var row4 = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { headerRow = 4 }), HttpStatusCode.OK);
        Assert.Equal(4, row4["headerRow"]!.GetValue<int>());
        Assert.Equal(1, row4["rowCount"]!.GetValue<int>());
        var past = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { headerRow = 9 }), HttpStatusCode.BadRequest);
        Assert.Contains("only 5 rows", past["detail"]!.GetValue<string>(), StringComparison.Ordinal);
        var back = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { headerRow = 3 }), HttpStatusCode.OK);
        Assert.Equal(2, back["rowCount"]!.GetValue<int>());

        await MapAsync(ws.Http, id, ["name", "phone", "email"]);
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 0, 0, 0), ImportTestSupport.Counts(done));
        Assert.Equal(ImportTestSupport.Counts(done), ImportTestSupport.Counts(review));
        Assert.Equal("hal@example.com", (await ws.Http.ContactByPhoneAsync("+14155550502"))["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_headerless_xlsx_is_read_from_row_1_in_numbered_columns_on_upload_and_reanalysis()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Row 1 is a contact without identifiers: its cells look like a header, so only "no header" reads it as data.
        using var workbook = TestWorkbook.Create(("Sheet1", [
            ["Mo Chan", null, null, "vip"],
            ["Jo Park", "+1 415 555 0700", "jo@example.com", "pro, vip"],
            null,
            ["Kim Lo", "(415) 555-0701", null, null],
            ["Jo P.", null, "JO@example.com", null],
        ]));
        string[] numbered = ["Column 1", "Column 2", "Column 3", "Column 4"];

        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "book.xlsx", new() { ["hasHeader"] = "false" }), HttpStatusCode.Created);
        Assert.Equal("xlsx", upload["format"]!.GetValue<string>());
        Assert.False(upload["hasHeader"]!.GetValue<bool>());
        Assert.Equal(1, upload["headerRow"]!.GetValue<int>());
        Assert.Equal(4, upload["rowCount"]!.GetValue<int>());
        Assert.Equal(numbered, upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));
        Assert.Equal(["Mo Chan", "Jo Park", "Kim Lo", "Jo P."], upload["columns"]![0]!["samples"]!.AsArray().Select(c => c!.GetValue<string>()));
        var id = upload["id"]!.GetValue<string>();

        // Re-analysed with a header, row 1 is the header; without one again, every row is data.
        var header = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { hasHeader = true }), HttpStatusCode.OK);
        Assert.True(header["hasHeader"]!.GetValue<bool>());
        Assert.Equal(3, header["rowCount"]!.GetValue<int>());
        Assert.Equal("Mo Chan", header["columns"]![0]!["header"]!.GetValue<string>());
        var none = await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/analysis", new { hasHeader = false }), HttpStatusCode.OK);
        Assert.False(none["hasHeader"]!.GetValue<bool>());
        Assert.Equal(4, none["rowCount"]!.GetValue<int>());
        Assert.Equal(numbered, none["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()));

        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email", "tags" }, hasHeader = false }), HttpStatusCode.OK);
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((2, 0, 1, 1), ImportTestSupport.Counts(done));
        Assert.Equal(ImportTestSupport.Counts(done), ImportTestSupport.Counts(review));
        Assert.Equal(5, review["skipped"]![0]!["rowNumber"]!.GetValue<int>());
        Assert.Equal(2, review["skipped"]![0]!["duplicateOf"]!.GetValue<int>());

        var jo = await ws.Http.ContactByPhoneAsync("+14155550700");
        Assert.Equal("Jo Park", jo["name"]!.GetValue<string>());
        Assert.Equal("jo@example.com", jo["email"]!.GetValue<string>());
        Assert.Equal(["pro", "vip"], jo["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Kim Lo", (await ws.Http.ContactByPhoneAsync("+14155550701"))["name"]!.GetValue<string>());

        // The rows keep the spreadsheet's numbers, row 1 included.
        var report = await (await ws.Http.GetAsync($"/api/imports/{id}/errors.csv")).Content.ReadAsStringAsync();
        Assert.Contains("\n1,invalid,", report, StringComparison.Ordinal);
        Assert.Contains("\n5,skipped,", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_phone_column_held_as_numbers_is_reported_with_its_rows()
    {
        var ws = await fixture.NewWorkspaceAsync();
        using var workbook = TestWorkbook.Create([
            ["Name", "Phone", "Email"],
            ["Jo Li", 4155550600d, "jo@example.com"],
            ["Kay Mo", "+1 415 555 0601", "kay@example.com"],
            ["Lu Ng", 4155550602d, "lu@example.com"],
            ["Max Ox", new Styled(4155550603, 2), "max@example.com"],
        ]);
        var upload = await ReadAsync(await ws.Http.UploadBytesAsync(workbook.ToArray(), "phones.xlsx"), HttpStatusCode.Created);
        var finding = Assert.Single(upload["phonesAsNumbers"]!.AsArray())!;
        Assert.Equal("Phone", finding["header"]!.GetValue<string>());
        Assert.Equal([2, 4, 5], finding["rows"]!.AsArray().Select(r => r!.GetValue<int>()));
        Assert.Equal([5], finding["digitsLostRows"]!.AsArray().Select(r => r!.GetValue<int>()));
        var warning = upload["warnings"]!.AsArray().Single(w => w!["code"]!.GetValue<string>() == "phones_as_numbers")!;
        Assert.Equal(2, warning["line"]!.GetValue<int>());
        Assert.Contains("rows 2, 4, 5", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Contains("format the column as Text", warning["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("4155550600", upload["columns"]![1]!["samples"]![0]!.GetValue<string>());
    }

    private static async Task MapAsync(HttpClient http, string id, string[] columns) =>
        await ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns, hasHeader = true }), HttpStatusCode.OK);
}
