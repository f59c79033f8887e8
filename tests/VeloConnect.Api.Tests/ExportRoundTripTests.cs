using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ExportTestSupport;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Export → import → export: a CSV export imported into an empty workspace with the suggested mapping comes back as
/// the same contacts, fields and tags; formula-like values survive the trip; opt-ins are in the file but not imported.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExportRoundTripTests(ApiFixture fixture)
{
    private static readonly JsonObject[] Fields =
    [
        new() { ["key"] = "note", ["label"] = "Note", ["type"] = "text" },
        new() { ["key"] = "balance", ["label"] = "Balance", ["type"] = "number" },
        new() { ["key"] = "since", ["label"] = "Customer since", ["type"] = "date" },
        new() { ["key"] = "vip", ["label"] = "VIP", ["type"] = "boolean" },
        new() { ["key"] = "tier", ["label"] = "Tier", ["type"] = "single_select", ["options"] = new JsonArray("Gold", "Silver") },
        new() { ["key"] = "interests", ["label"] = "Interests", ["type"] = "multi_select", ["options"] = new JsonArray("Road", "Gravel", "MTB") },
        new() { ["key"] = "contact_email", ["label"] = "Email", ["type"] = "text" },
    ];

    private static readonly string[] NotCarried = ["Created", "Last activity", "Source", "Assigned agent", "WhatsApp opt-in", "SMS opt-in", "Email opt-in"];

    [Fact]
    public async Task Csv_export_reimports_into_an_empty_workspace_as_the_same_contacts_fields_and_tags()
    {
        var source = await NewWorkspaceWithFieldsAsync();
        var contacts = new object[]
        {
            new
            {
                name = "Zoë Ångström", phones = new[] { "+1 415 555 0100", "+44 20 7946 0958" }, email = "zoe@example.com", tags = new[] { "vip", "Newsletter" },
                custom = new JsonObject { ["note"] = "=HYPERLINK(\"http://x\",\"y\")", ["balance"] = -42, ["since"] = "2020-02-29", ["vip"] = true, ["tier"] = "Gold", ["interests"] = new JsonArray("Road", "MTB"), ["contact_email"] = "other@example.com" },
                assignedAgentId = source.UserId,
            },
            new { name = "李小龍", phones = new[] { "+852 2345 6789" }, tags = new[] { "@home", "-minus" }, custom = new JsonObject { ["note"] = "@SUM(A1)", ["balance"] = 3.5 } },
            new { name = "-42", email = "only.email@example.org", custom = new JsonObject { ["note"] = "+1 415 555 0100", ["vip"] = false } },
            new { name = "+Plus \"quoted\", with comma", phones = new[] { "415-555-0101" }, custom = new JsonObject { ["note"] = "two\r\nlines", ["interests"] = new JsonArray("Gravel") } },
            new { phones = new[] { "+14155550102" }, tags = new[] { "=cmd|' /C calc'!A0" } },
        };
        var ids = new List<string>();
        foreach (var contact in contacts)
        {
            ids.Add((await source.Http.CreateContactAsync(contact)).Id());
        }

        await SetOptInAsync(source.Http, ids[0], "whatsapp", "opted_out");
        await SetOptInAsync(source.Http, ids[1], "sms", "opted_in");

        var first = await source.Http.ExportFileAsync("format=csv");
        var firstRows = ReadCsv(first);
        Assert.Equal("'=HYPERLINK(\"http://x\",\"y\")", firstRows.Single(r => r["Phone"] == "+14155550100")["Note"]);
        Assert.Equal("-42", firstRows.Single(r => r["Phone"] == "+14155550100")["Balance"]);
        Assert.Equal("'@SUM(A1)", firstRows.Single(r => r["Name"] == "李小龍")["Note"]);
        Assert.Equal("'+1 415 555 0100", firstRows.Single(r => r["Name"] == "-42")["Note"]);
        Assert.Equal("opted_out", firstRows.Single(r => r["Phone"] == "+14155550100")["WhatsApp opt-in"]);
        Assert.Equal("'=cmd|' /C calc'!A0", firstRows.Single(r => r["Phone"] == "+14155550102")["Tags"]);
        Assert.Contains("field:contact_email", firstRows[0].Keys);

        var target = await NewWorkspaceWithFieldsAsync();
        var import = await target.Http.ImportAsync(Encoding.UTF8.GetString(first));
        Assert.Equal((contacts.Length, 0, 0, 0), ImportTestSupport.Counts(import));

        var second = ReadCsv(await target.Http.ExportFileAsync("format=csv"));
        Assert.Equal(Comparable(firstRows), Comparable(second));
        Assert.All(second, row => Assert.All(NotCarried.Skip(4), column => Assert.Equal("unknown", row[column])));
        Assert.All(second, row => Assert.Equal("CSV import", row["Source"]));

        // The values themselves, not only their exported spelling, came back.
        var zoe = await target.Http.ContactByPhoneAsync("+14155550100");
        Assert.Equal("=HYPERLINK(\"http://x\",\"y\")", zoe["custom"]!["note"]!.GetValue<string>());
        Assert.Equal(-42, zoe["custom"]!["balance"]!.GetValue<decimal>());
        Assert.Equal(["+14155550100", "+442079460958"], zoe["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("unknown", zoe["optIns"]!["whatsapp"]!["status"]!.GetValue<string>());
        Assert.Equal("+Plus \"quoted\", with comma", (await target.Http.ContactByPhoneAsync("+14155550101"))["name"]!.GetValue<string>());
    }

    /// <summary>Rows without the columns a workspace sets itself, in a stable order.</summary>
    private static List<string> Comparable(List<Dictionary<string, string>> rows) =>
        [.. rows.Select(r => string.Join(" | ", r.Where(p => !NotCarried.Contains(p.Key)).Select(p => $"{p.Key}={p.Value}"))).Order(StringComparer.Ordinal)];

    private async Task<TestWorkspace> NewWorkspaceWithFieldsAsync()
    {
        var ws = await fixture.NewWorkspaceAsync();
        foreach (var field in Fields)
        {
            var response = await ws.Http.PostAsJsonAsync("/api/fields", field.DeepClone());
            Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        }

        return ws;
    }

    private static async Task SetOptInAsync(HttpClient http, string id, string channel, string status)
    {
        var response = await http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/{channel}", new { status, source = "web form" });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }
}
