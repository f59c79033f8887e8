using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Tests.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>velo with an .xlsx and a .vcf against the real stack: read by the same readers as the wizard, exact counts and values.</summary>
public sealed partial class CliEndToEndTests
{
    [Fact]
    public async Task An_xlsx_is_imported_by_velo_from_the_chosen_sheet_and_the_header_row_below_its_title()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        using var workbook = TestWorkbook.Create(("Notes", [["Topic", "Owner"], ["Renewals", "Ann"]]), ("People", [
            ["Customer list"],
            ["Name", "Mobile", "Email", "Tags"],
            ["Ann Lee", "+1 415 555 0700", "ann@example.com", "vip, xlsx"],
            ["Bob Stone", "(415) 555-0701", null, null],
            ["Ann Again", null, "ANN@example.com", null],
            ["Nobody", null, null, "x"],
        ]));
        var path = _files.Write("contacts.xlsx", workbook.ToArray());

        var output = await RunVeloAsync(path, apiKey, "Name=name,Mobile=phone,Email=email,Tags=tags", "--sheet", "people");
        Assert.Contains("(sheet 'People')", output, StringComparison.Ordinal);
        Assert.Contains("4 rows: 2 added, 0 updated, 1 skipped, 1 invalid.", output, StringComparison.Ordinal);
        Assert.Contains("header on row 2", output, StringComparison.Ordinal);
        var ann = await ContactAsync(apiKey, "+14155550700");
        Assert.Equal("Ann Lee", ann["name"]!.GetValue<string>());
        Assert.Equal(["vip", "xlsx"], ann["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Bob Stone", (await ContactAsync(apiKey, "+14155550701"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_headerless_xlsx_is_imported_by_velo_with_no_header_from_row_1()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        // Row 1 is a contact without identifiers whose cells look like a header: --no-header reads it as data.
        using var workbook = TestWorkbook.Create([
            ["Mo Chan", null, null, "vip"],
            ["Jo Park", "+1 415 555 0720", "jo@example.com", "pro, vip"],
            null,
            ["Kim Lo", "(415) 555-0721", null, null],
            ["Jo P.", null, "JO@example.com", null],
        ]);
        var path = _files.Write("book.xlsx", workbook.ToArray());

        var output = await RunVeloAsync(path, apiKey, "Column 1=name,Column 2=phone,Column 3=email,Column 4=tags", "--no-header");
        Assert.Contains("no header row", output, StringComparison.Ordinal);
        Assert.Contains("4 rows: 2 added, 0 updated, 1 skipped, 1 invalid.", output, StringComparison.Ordinal);
        var jo = await ContactAsync(apiKey, "+14155550720");
        Assert.Equal("Jo Park", jo["name"]!.GetValue<string>());
        Assert.Equal(["pro", "vip"], jo["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Kim Lo", (await ContactAsync(apiKey, "+14155550721"))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_vcf_is_imported_by_velo_with_its_folded_lines()
    {
        var (_, apiKey) = await stack.NewWorkspaceAsync();
        var path = _files.Write("contacts.vcf", Encoding.UTF8.GetBytes(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cleo Park\r\nTEL;TYPE=CELL:+1 415 555 07\r\n 10\r\nCATEGORIES:friends\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dan Wu\r\nEMAIL:dan@exa\r\n mple.com\r\nEND:VCARD\r\n"));

        var output = await RunVeloAsync(path, apiKey, "Name=name,Phone (mobile)=phone,Email=email,Categories=tags");
        Assert.Contains("2 rows: 2 added, 0 updated, 0 skipped, 0 invalid.", output, StringComparison.Ordinal);
        var cleo = await ContactAsync(apiKey, "+14155550710");
        Assert.Equal("Cleo Park", cleo["name"]!.GetValue<string>());
        Assert.Equal(["friends"], cleo["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("Dan Wu", (await ContactAsync(apiKey, "dan@example.com"))["name"]!.GetValue<string>());
    }

    private async Task<string> RunVeloAsync(string path, string apiKey, string mapping, params string[] more)
    {
        using var velo = Velo.Start(["import", path, "--api", stack.ApiUrl, "--key", apiKey, "--yes", "--mapping", mapping, .. more]);
        await velo.Process.WaitForExitAsync().WaitAsync(Stalled);
        var output = velo.Output();
        log.WriteLine(output);
        Assert.True(velo.Process.ExitCode == 0, output);
        return output;
    }

    private async Task<JsonObject> ContactAsync(string apiKey, string phoneOrEmail)
    {
        using var http = stack.Client(apiKey);
        var list = (await http.GetFromJsonAsync<JsonObject>("api/contacts?q=" + Uri.EscapeDataString(phoneOrEmail)))!;
        return Assert.Single(list["items"]!.AsArray())!.AsObject();
    }
}
