using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>At most 20 phones and 100 tags per contact, on every path that writes a contact.</summary>
[Collection(ApiCollection.Name)]
public sealed class ContactLimitsApiTests(ApiFixture fixture)
{
    private static string[] PhoneRange(int first, int count) => [.. Enumerable.Range(first, count).Select(i => $"+1415555{i:0000}")];

    private static string[] TagRange(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    [Fact]
    public async Task Create_and_edit_with_too_many_phones_or_tags_are_refused_per_field()
    {
        var ws = await fixture.NewWorkspaceAsync();

        var create = await ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { name = "Many", phones = PhoneRange(3000, 21), tags = TagRange("t", 101) }), HttpStatusCode.BadRequest);

        Assert.Contains("at most 20 phones", Strings(create["errors"]!["phones"])[0]);
        Assert.Contains("21", Strings(create["errors"]!["phones"])[0]);
        Assert.Contains("at most 100 tags", Strings(create["errors"]!["tags"])[0]);
        Assert.Contains("101", Strings(create["errors"]!["tags"])[0]);

        var contact = await ws.Http.CreateContactAsync(new { name = "Full", phones = PhoneRange(3100, 20), tags = TagRange("t", 100) });
        var edit = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{contact.Id()}", new { phones = PhoneRange(3100, 21), tags = TagRange("u", 101) }), HttpStatusCode.BadRequest);
        Assert.Contains("at most 20 phones", Strings(edit["errors"]!["phones"])[0]);
        Assert.Contains("at most 100 tags", Strings(edit["errors"]!["tags"])[0]);
        var unchanged = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{contact.Id()}"), HttpStatusCode.OK);
        Assert.Equal(20, unchanged["phones"]!.AsArray().Count);
        Assert.Equal(100, unchanged["tags"]!.AsArray().Count);
    }

    [Fact]
    public async Task Bulk_item_over_the_limits_is_an_error_and_a_merge_adds_up_to_the_limit_with_a_warning()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var full = await ws.Http.CreateContactAsync(new { name = "Nearly full", phones = PhoneRange(3200, 19), tags = TagRange("t", 99) });

        var response = await ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts/bulk", new object[]
        {
            new { name = "Too many", phones = PhoneRange(3300, 21) },
            new { name = "Too many tags", phones = new[] { "+14155553400" }, tags = TagRange("t", 101) },
            new { phones = new[] { "+14155553200", "+14155553500", "+14155553501", "+14155553502" }, tags = new[] { "new1", "new2", "new3" } },
        }), HttpStatusCode.OK);

        var results = response["results"]!.AsArray();
        Assert.Equal(["error", "error", "updated"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Contains("at most 20 phones", results[0]!["reasons"]![0]!.GetValue<string>());
        Assert.Contains("at most 100 tags", results[1]!["reasons"]![0]!.GetValue<string>());
        var warnings = Strings(results[2]!["warnings"]);
        Assert.Contains(warnings, w => w.Contains("+14155553501") && w.Contains("+14155553502") && w.Contains("20 phones"));
        Assert.Contains(warnings, w => w.Contains("new2") && w.Contains("new3") && w.Contains("100 tags"));
        var merged = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{full.Id()}"), HttpStatusCode.OK);
        Assert.Equal([.. PhoneRange(3200, 19), "+14155553500"], Strings(merged["phones"]));
        Assert.Equal([.. TagRange("t", 99), "new1"], Strings(merged["tags"]));
    }

    [Fact]
    public async Task Import_row_over_the_limits_is_invalid_and_a_merge_past_them_warns_per_row()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var full = await ws.Http.CreateContactAsync(new { name = "Full", phones = PhoneRange(3600, 20), tags = TagRange("t", 100) });
        var csv = "Name,Phone,Tags\n"
            + $"Too many phones,\"{string.Join(";", PhoneRange(3700, 21))}\",\n"
            + $"Too many tags,+14155553800,\"{string.Join(",", TagRange("x", 101))}\"\n"
            + "Full again,\"+14155553600;+14155553900\",extra\n";
        var id = await ws.Http.UploadAndMapAsync(csv, ["name", "phone", "tags"]);

        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        Assert.Equal(1, review["counts"]!["updated"]!.GetValue<int>());
        Assert.Equal(2, review["counts"]!["invalid"]!.GetValue<int>());
        var invalid = review["invalid"]!.AsArray();
        Assert.Contains("at most 20 phones", Strings(invalid[0]!["reasons"])[0]);
        Assert.Contains("at most 100 tags", Strings(invalid[1]!["reasons"])[0]);
        var warnings = review["warnings"]!.AsArray().Where(w => w!["rowNumber"]!.GetValue<int>() == 4).Select(w => w!["message"]!.GetValue<string>()).ToList();
        Assert.Contains(warnings, w => w.Contains("+14155553900") && w.Contains("20 phones"));
        Assert.Contains(warnings, w => w.Contains("'extra'") && w.Contains("100 tags"));

        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((0, 1, 0, 2), ImportTestSupport.Counts(done));
        var merged = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{full.Id()}"), HttpStatusCode.OK);
        Assert.Equal(PhoneRange(3600, 20), Strings(merged["phones"]));
        Assert.Equal(TagRange("t", 100), Strings(merged["tags"]));
    }
}
