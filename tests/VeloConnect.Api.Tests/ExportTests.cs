using System.Net;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ExportTestSupport;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Exports over the contact-filter tests' seeded workspace (30 contacts with every kind of field, tags, phones, agents,
/// opt-ins and known dates): the file holds exactly what the list shows for the same filter, with every field.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ExportTests(ApiFixture fixture, ContactFilterTests.Seed seed) : IClassFixture<ContactFilterTests.Seed>
{
    public static TheoryData<string> Filters => new()
    {
        "",
        "tag=VIP",
        "tag=vip&tag=newsletter",
        "source=manual",
        "assignedAgent=none",
        "createdFrom=2024-03-05&createdTo=2024-03-11",
        "createdFrom=2024-03-05T14:00:00%2B02:00",
        "lastActivityFrom=2024-06-10&lastActivityTo=2024-06-20",
        "field.city=London",
        "field.score=20.00",
        "field.vip=yes",
        "field.tier=gold",
        "field.interests=Bikes,Running",
        "field.birthday=1990/01/05",
        "optIn.sms=opted_out",
        "optIn.email=unknown&optIn.whatsapp=opted_out",
        "q=example.org",
        "q=(415) 555-0117",
        "tag=churned&source=API&lastActivityTo=2024-06-20&optIn.email=unknown",
        "tag=nosuchtag",
    };

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Export_holds_exactly_the_contacts_the_list_shows_for_the_same_filter(string filter)
    {
        var data = await seed.GetAsync(fixture);
        var query = filter.Replace(" ", "%20", StringComparison.Ordinal);
        var list = await ApiTestExtensions.ReadAsync(await data.Http.GetAsync("/api/contacts?limit=500&" + query), HttpStatusCode.OK);
        var listed = list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>()).ToList();

        var json = ReadJson(await data.Http.ExportFileAsync("format=json&" + query));
        Assert.Equal(listed, json.Select(c => c!["id"]!.GetValue<Guid>()));

        var csvExport = await data.Http.ExportToEndAsync(query);
        var csv = ReadCsv(await data.Http.DownloadAsync(csvExport));
        Assert.Equal(listed.Count, csv.Count);
        Assert.Equal(listed.Count, csvExport["rows"]!.GetValue<long>());
        Assert.Equal(list["items"]!.AsArray().Select(i => i!["phones"]!.AsArray().FirstOrDefault()?.GetValue<string>() ?? ""), csv.Select(r => r["Phone"]));
    }

    [Fact]
    public async Task Csv_has_every_field_audit_fields_opt_ins_and_joined_multi_values()
    {
        var data = await seed.GetAsync(fixture);
        var rows = ReadCsv(await data.Http.ExportFileAsync("format=csv"));

        Assert.Equal(
        [
            "Name", "Phone", "Additional phones", "Email", "Tags", "City", "Score", "Birthday", "VIP", "Tier", "Interests",
            "Created", "Last activity", "Source", "Assigned agent", "WhatsApp opt-in", "SMS opt-in", "Email opt-in",
        ], rows[0].Keys);
        var seventeen = rows.Single(r => r["Phone"] == "+14155550117");
        Assert.Equal("Rex Hart", seventeen["Name"]);
        Assert.Equal("2024-03-18T12:00:00Z", seventeen["Created"]);
        Assert.Equal("API", seventeen["Source"]);
        Assert.Equal("20", seventeen["Score"]);
        Assert.Equal("opted_out", seventeen["WhatsApp opt-in"]);
        Assert.Equal("opted_in", seventeen["SMS opt-in"]);
        Assert.Equal("unknown", seventeen["Email opt-in"]);
        Assert.Equal("", seventeen["Assigned agent"]);

        var zero = rows.Single(r => r["Phone"] == "+14155550100");
        Assert.Equal("+442079460900", zero["Additional phones"]);
        Assert.Equal("vip, newsletter, Churned, pro", zero["Tags"]);
        Assert.Equal("Bikes", zero["Interests"]);
        Assert.Equal("true", zero["VIP"]);
        Assert.Equal("1990-01-01", zero["Birthday"]);
        Assert.Equal("Gold", zero["Tier"]);
        Assert.Equal("London", zero["City"]);
        Assert.Equal("Manual", zero["Source"]);
        Assert.StartsWith("Agent of Workspace", zero["Assigned agent"]);
        Assert.Equal("opted_in", zero["Email opt-in"]);
        Assert.Equal("2024-06-01T08:00:00Z", zero["Last activity"]);

        Assert.Equal("Bikes, Running", rows.Single(r => r["Phone"] == "+14155550101")["Interests"]);
        Assert.Equal("Second agent", rows.Single(r => r["Phone"] == "+14155550101")["Assigned agent"]);
        Assert.Equal("Zoë Ångström", rows.Single(r => r["Phone"] == "+14155550103")["Name"]);
    }

    [Fact]
    public async Task Json_keeps_arrays_typed_fields_audit_fields_and_opt_ins()
    {
        var data = await seed.GetAsync(fixture);
        var contacts = ReadJson(await data.Http.ExportFileAsync("format=json"));

        var zero = contacts.Single(c => c!["phone"]?.GetValue<string>() == "+14155550100")!;
        Assert.Equal(["+442079460900"], zero["additionalPhones"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["vip", "newsletter", "Churned", "pro"], zero["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal(["Bikes"], zero["custom"]!["interests"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(zero["custom"]!["vip"]!.GetValue<bool>());
        Assert.Equal("1990-01-01", zero["custom"]!["birthday"]!.GetValue<string>());
        Assert.Null(zero["custom"]!["score"]);
        Assert.Equal("Manual", zero["source"]!.GetValue<string>());
        Assert.Equal(data.FirstAgent, zero["assignedAgent"]!["id"]!.GetValue<Guid>());
        Assert.Equal("opted_in", zero["optIns"]!["email"]!["status"]!.GetValue<string>());
        Assert.Equal("unknown", zero["optIns"]!["sms"]!["status"]!.GetValue<string>());

        var seventeen = contacts.Single(c => c!["phone"]?.GetValue<string>() == "+14155550117")!;
        Assert.Equal(20, seventeen["custom"]!["score"]!.GetValue<decimal>());
        Assert.Equal(new DateTimeOffset(2024, 3, 18, 12, 0, 0, TimeSpan.Zero), seventeen["createdAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal("opted_out", seventeen["optIns"]!["whatsapp"]!["status"]!.GetValue<string>());
        Assert.Equal("replied STOP", seventeen["optIns"]!["whatsapp"]!["source"]!.GetValue<string>());
        Assert.Null(seventeen["assignedAgent"]);
        Assert.Equal("Zoë Ångström", contacts.Single(c => c!["phone"]?.GetValue<string>() == "+14155550103")!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Export_is_audited_with_its_filter_and_announced_with_its_link()
    {
        var data = await seed.GetAsync(fixture);
        var export = await data.Http.ExportToEndAsync("format=json&tag=vip&field.city=London");
        var id = export["id"]!.GetValue<string>();
        Assert.Equal(8, export["rows"]!.GetValue<long>());
        Assert.True(export["bytes"]!.GetValue<long>() > 0);
        Assert.Equal("London", export["filter"]!["field.city"]!.GetValue<string>());

        var audit = await ApiTestExtensions.ReadAsync(await data.Http.GetAsync($"/api/audit?entityId={id}"), HttpStatusCode.OK);
        var finished = audit["items"]!.AsArray().Single(e => e!["action"]!.GetValue<string>() == "export.finished")!;
        Assert.Equal(8, finished["details"]!["rows"]!.GetValue<long>());
        Assert.Equal("vip", finished["details"]!["filter"]!["tag"]!.GetValue<string>());
        Assert.Contains(audit["items"]!.AsArray(), e => e!["action"]!.GetValue<string>() == "export.requested");

        var notification = await ExportTestSupport.WaitForAsync(async () =>
        {
            var list = await ApiTestExtensions.ReadAsync(await data.Http.GetAsync("/api/notifications"), HttpStatusCode.OK);
            return list["items"]!.AsArray().FirstOrDefault(n => n!["link"]?.GetValue<string>() == $"/api/exports/{id}/download");
        });
        Assert.Equal("export.ready", notification["kind"]!.GetValue<string>());
        Assert.Contains("8 contacts as JSON", notification["message"]!.GetValue<string>());

        await data.Http.DownloadAsync(export);
        var after = await ApiTestExtensions.ReadAsync(await data.Http.GetAsync($"/api/audit?entityId={id}&action=export.downloaded"), HttpStatusCode.OK);
        Assert.Equal("api", Assert.Single(after["items"]!.AsArray())!["details"]!["via"]!.GetValue<string>());
    }

    [Fact]
    public async Task My_exports_are_listed_newest_first_with_their_download_links()
    {
        var data = await seed.GetAsync(fixture);
        var first = await data.Http.ExportToEndAsync("format=csv&tag=pro");
        var second = await data.Http.ExportToEndAsync("format=json&tag=pro");
        var list = JsonNode.Parse(await data.Http.GetStringAsync("/api/exports"))!.AsArray();
        var ids = list.Select(e => e!["id"]!.GetValue<string>()).ToList();
        Assert.True(ids.IndexOf(second["id"]!.GetValue<string>()) < ids.IndexOf(first["id"]!.GetValue<string>()));
        var listed = list.Single(e => e!["id"]!.GetValue<string>() == first["id"]!.GetValue<string>())!;
        Assert.Equal("ready", listed["status"]!.GetValue<string>());
        Assert.Equal("csv", listed["format"]!.GetValue<string>());
        Assert.Equal(5, listed["rows"]!.GetValue<long>());
        Assert.Equal(first["bytes"]!.GetValue<long>(), listed["bytes"]!.GetValue<long>());
        Assert.StartsWith("/api/exports/download?token=", listed["link"]!.GetValue<string>());

        var response = await data.Http.GetAsync(listed["downloadUrl"]!.GetValue<string>());
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.EndsWith(".csv", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
    }
}
