using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>An opt-out changes only through the opt-in endpoint: every other write path leaves it as it is.</summary>
[Collection(ApiCollection.Name)]
public sealed class OptOutTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_opt_out_survives_every_write_path_and_changes_only_through_the_opt_in_endpoint()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var contact = await ws.Http.CreateContactAsync(new { name = "Opted", phones = new[] { "+14155550400" }, email = "opted@example.com" });
        var id = contact.Id();
        await SetAsync(ws.Http, id, "whatsapp", "opted_out", "replied STOP");
        await SetAsync(ws.Http, id, "email", "opted_in", "newsletter form");
        // The whole opt-in object (every channel's status, date and source) is compared after every write.
        var optIns = await OptInsAsync(ws.Http, id);

        // Create: a second create with the same phone is refused and changes nothing.
        var duplicate = await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "+1 415 555 0400" }, name = "Dup" });
        Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        // Create cannot carry opt-ins at all.
        await (await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "+14155550499" }, optIns = new { whatsapp = "opted_in" } }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        AssertSame(optIns, await OptInsAsync(ws.Http, id));

        // A wizard import that changes the contact, then its revert.
        var import = await ws.Http.ImportAsync("Name,Phone,Email,Tags\nOpted imported,+14155550400,opted@example.com,imported\n");
        Assert.Equal((0, 1, 0, 0), ImportTestSupport.Counts(import));
        AssertSame(optIns, await OptInsAsync(ws.Http, id));
        var importId = import["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{importId}/revert", null), HttpStatusCode.Accepted);
        Assert.Equal(1, (await ImportRevertTests.WaitForRevertAsync(ws.Http, importId))["counts"]!["restored"]!.GetValue<int>());
        AssertSame(optIns, await OptInsAsync(ws.Http, id));

        // A wizard import whose file has consent columns: they are not imported.
        await ws.Http.ImportAsync("Name,Phone,Email,WhatsApp opt-in,Unsubscribed\nOpted,+14155550400,opted@example.com,yes,yes\n");
        AssertSame(optIns, await OptInsAsync(ws.Http, id));

        // A bulk request and a command-line import's batch that merge into it.
        Assert.Equal("updated", (await OptOutFollowsAddressTests.BulkAsync(ws.Http, new { phones = new[] { "+14155550400" }, tags = new[] { "bulk" } }))["status"]!.GetValue<string>());
        AssertSame(optIns, await OptInsAsync(ws.Http, id));
        var commandLine = await OptOutFollowsAddressTests.StartCommandLineImportAsync(ws.Http);
        Assert.Equal("updated", (await OptOutFollowsAddressTests.PostRowAsync(ws.Http, commandLine, 2, "Opted CLI", "+14155550400", "", "cli"))["status"]!.GetValue<string>());
        AssertSame(optIns, await OptInsAsync(ws.Http, id));

        // Update: every editable property, and an attempt to send opt-ins.
        var patched = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{id}", new
        {
            name = "Renamed",
            phones = new[] { "+14155550400", "+14155550401" },
            email = "renamed@example.com",
            tags = new[] { "a", "b" },
            assignedAgentId = ws.UserId,
        }), HttpStatusCode.OK);
        AssertSame(optIns, patched["optIns"]!.AsObject());
        var sneaky = await ws.Http.PatchAsJsonAsync($"/api/contacts/{id}", new { optIns = new { whatsapp = "opted_in" } });
        var problem = await sneaky.AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("PUT /api/contacts/{id}/opt-ins/{channel}", problem["errors"]!["optIns"]![0]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.PatchAsJsonAsync($"/api/contacts/{id}", new { name = (string?)null, email = (string?)null })).StatusCode);
        AssertSame(optIns, await OptInsAsync(ws.Http, id));

        // Delete and re-create with the same phone: the opt-out comes back with it, with its date and source (the opt-in
        // does not: consent is not inherited).
        var optOutOnly = (JsonObject)optIns.DeepClone();
        optOutOnly["email"] = optIns["sms"]!.DeepClone();
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/contacts/{id}")).StatusCode);
        var recreated = await ws.Http.CreateContactAsync(new { phones = new[] { "(415) 555-0400" }, name = "Back again" });
        AssertSame(optOutOnly, recreated["optIns"]!.AsObject());
        AssertSame(optOutOnly, await OptInsAsync(ws.Http, recreated.Id()));

        // Delete by filter, then re-create through the other phone only: still opted out.
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.PatchAsJsonAsync($"/api/contacts/{recreated.Id()}", new { phones = new[] { "+14155550400", "+14155550401" }, tags = new[] { "gone" } })).StatusCode);
        var deleted = await (await ws.Http.DeleteAsync("/api/contacts?tag=gone")).ReadObjectAsync();
        Assert.Equal(1, deleted["deleted"]!.GetValue<int>());
        var third = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550401" } });
        AssertSame(optOutOnly, await OptInsAsync(ws.Http, third.Id()));

        // Only the opt-in endpoint changes it, and that change is audited with its source.
        await SetAsync(ws.Http, third.Id(), "whatsapp", "opted_in", "customer asked by phone");
        await AssertOptInsAsync(ws.Http, third.Id(), whatsapp: "opted_in", sms: "unknown", email: "unknown");
        var audit = await (await ws.Http.GetAsync($"/api/audit?action=opt_in.changed&entityId={third.Id()}")).ReadObjectAsync();
        // The contact's own history: it took the opted-out phone when created, then the explicit opt-in.
        var entry = Assert.Single(audit["items"]!.AsArray(), e => e!["details"]!["source"]?.GetValue<string>() == "customer asked by phone")!;
        Assert.Equal("opted_out", entry["details"]!["from"]!.GetValue<string>());
        Assert.Equal("opted_in", entry["details"]!["to"]!.GetValue<string>());
        Assert.Equal(ws.UserId.ToString(), entry["userId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Opt_in_endpoint_validates_channel_status_and_source()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var id = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550410" } })).Id();

        var badChannel = await (await ws.Http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/fax", new { status = "opted_in", source = "x" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("whatsapp, sms or email", badChannel["errors"]!["channel"]![0]!.GetValue<string>());
        var badStatus = await (await ws.Http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/sms", new { status = "yes", source = "x" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("opted_in, opted_out or unknown", badStatus["errors"]!["status"]![0]!.GetValue<string>());
        var noSource = await (await ws.Http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/sms", new { status = "opted_out" }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("how the consent was given or withdrawn", noSource["errors"]!["source"]![0]!.GetValue<string>());
        await AssertOptInsAsync(ws.Http, id, whatsapp: "unknown", sms: "unknown", email: "unknown");
    }

    [Fact]
    public async Task Opt_in_status_filters_the_list()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550420" } })).Id();
        var b = (await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550421" } })).Id();
        await SetAsync(ws.Http, a, "sms", "opted_out", "STOP");

        var optedOut = await (await ws.Http.GetAsync("/api/contacts?optIn.sms=opted_out")).ReadObjectAsync();
        Assert.Equal([a], optedOut["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
        var unknown = await (await ws.Http.GetAsync("/api/contacts?optIn.sms=unknown")).ReadObjectAsync();
        Assert.Equal([b], unknown["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()));
    }

    private static async Task SetAsync(HttpClient http, string id, string channel, string status, string source)
    {
        var response = await http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/{channel}", new { status, source });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var contact = await response.ReadObjectAsync();
        Assert.Equal(status, contact["optIns"]![channel]!["status"]!.GetValue<string>());
        Assert.Equal(source, contact["optIns"]![channel]!["source"]!.GetValue<string>());
    }

    private static Task<JsonObject> OptInsAsync(HttpClient http, string id) => OptOutFollowsAddressTests.OptInsAsync(http, id);

    private static void AssertSame(JsonObject expected, JsonObject actual) => OptOutFollowsAddressTests.AssertSame(expected, actual);

    private static async Task AssertOptInsAsync(HttpClient http, string id, string whatsapp, string sms, string email)
    {
        var contact = await (await http.GetAsync($"/api/contacts/{id}")).ReadObjectAsync();
        var optIns = contact["optIns"]!.AsObject();
        Assert.Equal(whatsapp, optIns["whatsapp"]!["status"]!.GetValue<string>());
        Assert.Equal(sms, optIns["sms"]!["status"]!.GetValue<string>());
        Assert.Equal(email, optIns["email"]!["status"]!.GetValue<string>());
    }
}
