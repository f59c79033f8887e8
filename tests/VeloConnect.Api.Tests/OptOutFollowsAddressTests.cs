using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;
using static VeloConnect.Api.Tests.ExportTestSupport;

namespace VeloConnect.Api.Tests;

/// <summary>
/// An opt-out belongs to the phone or email it was given for: it stays with that address when the address leaves its
/// contact by any path (bulk, wizard import, PATCH, revert, command-line batch) and applies to whichever contact takes
/// the address later, even one that already had a status for the channel. The contact that takes it gets a warning and
/// an audit row; only an explicit opt-in lifts it.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OptOutFollowsAddressTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_opt_out_follows_its_email_when_a_bulk_request_replaces_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550777" }, email = "old.optout@x.com" })).Id();
        await SetAsync(ws.Http, a, "email", "opted_out", "unsubscribe link");
        var optedOut = await OptInsAsync(ws.Http, a);

        var replaced = await BulkAsync(ws.Http, new { phones = new[] { "+14155550777" }, email = "new.address@x.com" });
        Assert.Equal(("updated", a), (replaced["status"]!.GetValue<string>(), replaced["contactId"]!.GetValue<string>()));
        AssertSame(optedOut, await OptInsAsync(ws.Http, a));

        var taken = await BulkAsync(ws.Http, new { name = "Someone new", email = "old.optout@x.com" });
        Assert.Equal("created", taken["status"]!.GetValue<string>());
        var someone = taken["contactId"]!.GetValue<string>();
        AssertSame(optedOut, await OptInsAsync(ws.Http, someone));
        AssertWarned(Strings(taken["warnings"]), "old.optout@x.com", "email");
        await AssertTookAuditedAsync(ws.Http, someone, "email", "unknown", "old.optout@x.com");
    }

    [Fact]
    public async Task An_opt_out_follows_its_email_when_a_wizard_import_replaces_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550780" }, email = "a.old@x.com" })).Id();
        await SetAsync(ws.Http, a, "email", "opted_out", "unsubscribe link");
        var optedOut = await OptInsAsync(ws.Http, a);

        Assert.Equal((0, 1, 0, 0), ImportTestSupport.Counts(await ws.Http.ImportAsync("Name,Phone,Email\nA,+14155550780,a.new@x.com\n")));
        AssertSame(optedOut, await OptInsAsync(ws.Http, a));
        var importId = await ws.Http.UploadAndMapAsync("Name,Phone,Email\nNew person,,a.old@x.com\n");
        // The review says it before the run does it.
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{importId}/review", null), HttpStatusCode.OK);
        var reviewed = Assert.Single(review["warnings"]!.AsArray())!;
        Assert.Equal(2, reviewed["rowNumber"]!.GetValue<int>());
        AssertWarned([reviewed["message"]!.GetValue<string>()], "a.old@x.com", "email");
        var import = await ws.Http.RunToEndAsync(importId);

        Assert.Equal((1, 0, 0, 0), ImportTestSupport.Counts(import));
        var taken = await RowAsync(import["id"]!.GetValue<Guid>(), 2);
        AssertSame(optedOut, await OptInsAsync(ws.Http, taken.ContactId.ToString()));
        AssertWarned(taken.Warnings, "a.old@x.com", "email");
        await AssertTookAuditedAsync(ws.Http, taken.ContactId.ToString(), "email", "unknown", "a.old@x.com");
    }

    [Fact]
    public async Task Opt_outs_follow_the_phones_and_email_a_patch_replaces()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550781" }, email = "patched.old@x.com" })).Id();
        await SetAsync(ws.Http, a, "sms", "opted_out", "replied STOP");
        await SetAsync(ws.Http, a, "email", "opted_out", "unsubscribe link");
        var optedOut = await OptInsAsync(ws.Http, a);

        var patched = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{a}", new { phones = new[] { "+14155550782" }, email = "patched.new@x.com" }), HttpStatusCode.OK);
        AssertSame(optedOut, patched["optIns"]!.AsObject());

        var byPhone = await ws.Http.CreateContactAsync(new { name = "Old phone", phones = new[] { "+14155550781" } });
        AssertSame(optedOut, byPhone["optIns"]!.AsObject());
        AssertWarned(Strings(byPhone["warnings"]), "+14155550781", "sms");
        var byEmail = await ws.Http.CreateContactAsync(new { name = "Old email", email = "Patched.Old@x.com" });
        AssertSame(optedOut, byEmail["optIns"]!.AsObject());
        AssertWarned(Strings(byEmail["warnings"]), "patched.old@x.com", "email");
        await AssertTookAuditedAsync(ws.Http, byEmail.Id(), "sms", "unknown", "patched.old@x.com");
    }

    [Fact]
    public async Task A_revert_that_frees_an_address_opted_out_after_the_import_keeps_the_opt_out_on_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550783" }, email = "before.import@x.com" })).Id();
        var import = await ws.Http.ImportAsync("Name,Phone,Email\nA,+14155550783,from.import@x.com\n");
        // The import gave A a new email, and that address then unsubscribed.
        await SetAsync(ws.Http, a, "email", "opted_out", "unsubscribe link");
        var optedOut = await OptInsAsync(ws.Http, a);

        var importId = import["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{importId}/revert", null), HttpStatusCode.Accepted);
        var revert = await ImportRevertTests.WaitForRevertAsync(ws.Http, importId);

        Assert.Equal(1, revert["counts"]!["restored"]!.GetValue<int>());
        var restored = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{a}"), HttpStatusCode.OK);
        Assert.Equal("before.import@x.com", restored["email"]!.GetValue<string>());
        AssertSame(optedOut, restored["optIns"]!.AsObject());
        // The address the revert freed is still opted out for whoever takes it next.
        var next = await ws.Http.CreateContactAsync(new { email = "from.import@x.com" });
        AssertSame(optedOut, next["optIns"]!.AsObject());
        AssertWarned(Strings(next["warnings"]), "from.import@x.com", "email");
    }

    [Fact]
    public async Task An_opt_out_follows_its_phone_into_a_command_line_batch()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550784" } })).Id();
        await SetAsync(ws.Http, a, "whatsapp", "opted_out", "replied STOP");
        var optedOut = await OptInsAsync(ws.Http, a);
        await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{a}", new { phones = new[] { "+14155550785" } }), HttpStatusCode.OK);

        var importId = await StartCommandLineImportAsync(ws.Http);
        var result = await PostRowAsync(ws.Http, importId, 2, "Newcomer", "(415) 555-0784", "", "");

        Assert.Equal("created", result["status"]!.GetValue<string>());
        var newcomer = result["contactId"]!.GetValue<string>();
        AssertSame(optedOut, await OptInsAsync(ws.Http, newcomer));
        AssertWarned(Strings(result["warnings"]), "+14155550784", "whatsapp");
        AssertWarned((await RowAsync(Guid.Parse(importId), 2)).Warnings, "+14155550784", "whatsapp");
        await AssertTookAuditedAsync(ws.Http, newcomer, "whatsapp", "unknown", "+14155550784");
    }

    [Fact]
    public async Task A_contact_opted_in_that_takes_an_opted_out_address_is_opted_out_warned_and_audited()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var gone = (await ws.Http.CreateContactAsync(new { name = "Gone", phones = new[] { "+14155550786" }, email = "was.unsubscribed@x.com" })).Id();
        await SetAsync(ws.Http, gone, "email", "opted_out", "unsubscribe link");
        var optedOut = (await OptInsAsync(ws.Http, gone))["email"]!;
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/contacts/{gone}")).StatusCode);
        var n = (await ws.Http.CreateContactAsync(new { name = "N", phones = new[] { "+14155550787" } })).Id();
        await SetAsync(ws.Http, n, "email", "opted_in", "web form");
        await SetAsync(ws.Http, n, "sms", "opted_in", "web form");
        var before = await OptInsAsync(ws.Http, n);

        var patched = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{n}", new { email = "was.unsubscribed@x.com" }), HttpStatusCode.OK);

        // Most restrictive wins: the address's opt-out, with its date and source; the other channels as they were.
        var after = patched["optIns"]!.AsObject();
        Assert.True(JsonNode.DeepEquals(optedOut, after["email"]), $"email: expected {optedOut.ToJsonString()}, got {after["email"]!.ToJsonString()}");
        Assert.True(JsonNode.DeepEquals(before["sms"], after["sms"]) && JsonNode.DeepEquals(before["whatsapp"], after["whatsapp"]), after.ToJsonString());
        AssertSame(after, await OptInsAsync(ws.Http, n));
        AssertWarned(Strings(patched["warnings"]), "was.unsubscribed@x.com", "email");
        await AssertTookAuditedAsync(ws.Http, n, "email", "opted_in", "was.unsubscribed@x.com");
    }

    [Fact]
    public async Task Only_an_explicit_opt_in_lifts_an_opt_out_and_unknown_is_refused_while_opted_out()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550788" }, email = "lift@x.com" })).Id();
        await SetAsync(ws.Http, a, "sms", "opted_out", "replied STOP");

        var problem = await (await ws.Http.PutAsJsonAsync($"/api/contacts/{a}/opt-ins/sms", new { status = "unknown", source = "cleanup" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "opted_in");
        Assert.Contains("opted out", problem["detail"]!.GetValue<string>());
        Assert.Equal("opted_out", (await OptInsAsync(ws.Http, a))["sms"]!["status"]!.GetValue<string>());

        // An explicit opt-in for the contact that holds the addresses lifts their opt-outs (audited, naming them).
        await SetAsync(ws.Http, a, "sms", "opted_in", "customer asked by phone");
        var audit = await AuditAsync(ws.Http, a);
        var lifted = audit.First(e => e["details"]!["to"]!.GetValue<string>() == "opted_in");
        Assert.Equal("opted_out", lifted["details"]!["from"]!.GetValue<string>());
        Assert.Equal(["Email lift@x.com", "Phone +14155550788"], Strings(lifted["details"]!["lifted"]));
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/contacts/{a}")).StatusCode);
        var again = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550788" } });
        Assert.Equal("unknown", again["optIns"]!["sms"]!["status"]!.GetValue<string>());
        // Unknown is still allowed where nothing is opted out.
        await SetAsync(ws.Http, again.Id(), "sms", "opted_in", "form");
        await SetAsync(ws.Http, again.Id(), "sms", "unknown", "cleared by hand");
    }

    [Fact]
    public async Task Export_shows_the_opt_out_a_contact_took_with_an_address()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550789" }, email = "export.optout@x.com" })).Id();
        await SetAsync(ws.Http, a, "email", "opted_out", "unsubscribe link");
        await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{a}", new { email = "export.other@x.com" }), HttpStatusCode.OK);
        var taker = await ws.Http.CreateContactAsync(new { name = "Taker", email = "export.optout@x.com", tags = new[] { "taker" } });
        var optIn = (await OptInsAsync(ws.Http, taker.Id()))["email"]!;

        var json = Assert.Single(ReadJson(await ws.Http.ExportFileAsync("format=json&tag=taker")))!;
        Assert.True(JsonNode.DeepEquals(optIn, json["optIns"]!["email"]), json["optIns"]!.ToJsonString());
        Assert.Equal("opted_out", json["optIns"]!["email"]!["status"]!.GetValue<string>());
        var csv = Assert.Single(ReadCsv(await ws.Http.ExportFileAsync("tag=taker")));
        Assert.Equal("opted_out", csv["Email opt-in"]);
    }

    [Fact]
    public async Task Opt_in_filters_select_exactly_the_contacts_whose_status_the_api_shows()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var own = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550790" } })).Id();
        await SetAsync(ws.Http, own, "sms", "opted_out", "STOP");
        var source = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550791" }, email = "filter.src@x.com" })).Id();
        await SetAsync(ws.Http, source, "email", "opted_out", "unsubscribe link");
        await SetAsync(ws.Http, source, "sms", "opted_out", "STOP");
        await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{source}", new { phones = new[] { "+14155550792" }, email = "filter.other@x.com" }), HttpStatusCode.OK);
        // Derived: opted out only through the address it took.
        var derived = (await ws.Http.CreateContactAsync(new { email = "filter.src@x.com" })).Id();
        // Opted in, then took an opted-out address: opted out.
        var overridden = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550793" } })).Id();
        await SetAsync(ws.Http, overridden, "sms", "opted_in", "form");
        await SetAsync(ws.Http, overridden, "whatsapp", "opted_in", "form");
        await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{overridden}", new { phones = new[] { "+14155550793", "+14155550791" } }), HttpStatusCode.OK);
        var optedIn = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550794" } })).Id();
        await SetAsync(ws.Http, optedIn, "sms", "opted_in", "form");
        var nothing = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550795" } })).Id();
        var everyone = new[] { own, source, derived, overridden, optedIn, nothing };

        var expected = new Dictionary<(string Channel, string Id), string>
        {
            [("sms", own)] = "opted_out", [("sms", source)] = "opted_out", [("sms", derived)] = "opted_out",
            [("sms", overridden)] = "opted_out", [("sms", optedIn)] = "opted_in", [("sms", nothing)] = "unknown",
            [("email", derived)] = "opted_out", [("email", source)] = "opted_out", [("email", overridden)] = "opted_out",
            [("whatsapp", overridden)] = "opted_in",
        };
        var shown = new Dictionary<string, JsonObject>();
        foreach (var id in everyone)
        {
            shown[id] = await OptInsAsync(ws.Http, id);
        }

        foreach (var channel in new[] { "whatsapp", "sms", "email" })
        {
            foreach (var id in everyone)
            {
                Assert.Equal(expected.GetValueOrDefault((channel, id), "unknown"), shown[id][channel]!["status"]!.GetValue<string>());
            }

            foreach (var status in new[] { "opted_in", "opted_out", "unknown" })
            {
                var list = await ReadAsync(await ws.Http.GetAsync($"/api/contacts?limit=500&optIn.{channel}={status}"), HttpStatusCode.OK);
                var listed = list["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Order().ToList();
                var count = (await ReadAsync(await ws.Http.GetAsync($"/api/contacts/count?optIn.{channel}={status}"), HttpStatusCode.OK))["count"]!.GetValue<long>();
                Assert.Equal(everyone.Where(id => shown[id][channel]!["status"]!.GetValue<string>() == status).Order().ToList(), listed);
                Assert.Equal(listed.Count, count);
            }
        }
    }

    internal static async Task SetAsync(HttpClient http, string id, string channel, string status, string source)
    {
        var contact = await ReadAsync(await http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/{channel}", new { status, source }), HttpStatusCode.OK);
        Assert.Equal(status, contact["optIns"]![channel]!["status"]!.GetValue<string>());
    }

    internal static async Task<JsonObject> OptInsAsync(HttpClient http, string id) =>
        (await ReadAsync(await http.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK))["optIns"]!.AsObject();

    /// <summary>The whole opt-in object (every channel's status, setAt and source) is the same.</summary>
    internal static void AssertSame(JsonObject expected, JsonObject actual) =>
        Assert.True(JsonNode.DeepEquals(expected, actual), $"opt-ins: expected {expected.ToJsonString()}, got {actual.ToJsonString()}");

    private static void AssertWarned(IReadOnlyList<string> warnings, string identifier, string channel) =>
        Assert.True(warnings.Any(w => w.Contains(identifier, StringComparison.Ordinal) && w.Contains(channel, StringComparison.OrdinalIgnoreCase) && w.Contains("opted out", StringComparison.Ordinal)),
            $"no warning naming {identifier} and {channel}: [{string.Join(" | ", warnings)}]");

    private static async Task<List<JsonNode>> AuditAsync(HttpClient http, string contactId) =>
        [.. (await ReadAsync(await http.GetAsync($"/api/audit?action=opt_in.changed&entityId={contactId}"), HttpStatusCode.OK))["items"]!.AsArray().Select(i => i!)];

    private static async Task AssertTookAuditedAsync(HttpClient http, string contactId, string channel, string from, string identifier)
    {
        var audit = await AuditAsync(http, contactId);
        var entry = audit.SingleOrDefault(e => e["details"]!["reason"]?.GetValue<string>() == "took_opted_out_address" && e["details"]!["channel"]!.GetValue<string>() == channel);
        Assert.True(entry is not null, $"no audit row for taking an opted-out address on {channel}: {new JsonArray([.. audit.Select(e => e.DeepClone())]).ToJsonString()}");
        Assert.Equal((from, "opted_out"), (entry["details"]!["from"]!.GetValue<string>(), entry["details"]!["to"]!.GetValue<string>()));
        Assert.Contains(identifier, entry["details"]!["identifier"]!.GetValue<string>());
    }

    /// <summary>A bulk request of one item; its result.</summary>
    internal static async Task<JsonObject> BulkAsync(HttpClient http, object item)
    {
        var response = await ReadAsync(await http.PostAsJsonAsync("/api/contacts/bulk", new[] { item }), HttpStatusCode.OK);
        return Assert.Single(response["results"]!.AsArray())!.AsObject();
    }

    private async Task<(Guid ContactId, string[] Warnings)> RowAsync(Guid importId, int row)
    {
        await using var command = fixture.DataSource.CreateCommand("select contact_id, warnings from import_rows where import_id = @import and row_number = @row");
        command.Parameters.AddWithValue("import", importId);
        command.Parameters.AddWithValue("row", row);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), $"row {row} of import {importId} is not recorded");
        return (reader.GetGuid(0), reader.GetFieldValue<string[]>(1));
    }

    internal static async Task<string> StartCommandLineImportAsync(HttpClient http)
    {
        var upload = await ReadAsync(await http.UploadAsync("Full name,Mobile,E-mail,Labels\nAnn Lee,+14155550301,ann@example.com,vip\n", "big.csv", new() { ["commandLine"] = "true" }), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone", "email", "tags" }, hasHeader = true }), HttpStatusCode.OK);
        await ReadAsync(await http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Accepted);
        return id;
    }

    /// <summary>One row of a command-line import (cells: name, phone, email, tags) through its rows endpoint; its result.</summary>
    internal static async Task<JsonObject> PostRowAsync(HttpClient http, string importId, int row, params string[] cells)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/imports/{importId}/rows") { Content = JsonContent.Create(new object[] { new { row, cells } }) };
        request.Headers.Add("Idempotency-Key", $"{importId}-row-{row}");
        var answer = await ReadAsync(await http.SendAsync(request), HttpStatusCode.OK);
        return Assert.Single(answer["results"]!.AsArray())!.AsObject();
    }
}
