using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>Undoing an import (issue 5): its journal, the revert job and the API's refusals, end to end.</summary>
[Collection(ApiCollection.Name)]
public sealed class ImportRevertTests(ApiFixture fixture)
{
    /// <summary>What a revert restores: everything but the audit fields (and opt-ins, compared on their own).</summary>
    private static readonly string[] DataProperties = ["name", "phones", "email", "tags", "custom", "assignedAgentId"];

    [Fact]
    public async Task Revert_deletes_created_contacts_restores_untouched_updated_ones_and_lists_the_one_edited_since()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var http = ws.Http;
        await ReadAsync(await http.PostAsJsonAsync("/api/fields", new { key = "tier", label = "Tier", type = "single_select", options = new[] { "Gold", "Silver" } }), HttpStatusCode.Created);
        var ann = await http.CreateContactAsync(new { name = "Ann Old", phones = new[] { "+14155550100" }, email = "ann@old.example", tags = new[] { "customer" }, custom = new { tier = "Gold" }, assignedAgentId = ws.UserId });
        var bob = await http.CreateContactAsync(new { name = "Bob", phones = new[] { "+14155550101" }, tags = new[] { "customer" } });
        var cy = await http.CreateContactAsync(new { name = "Cy", phones = new[] { "+14155550102" }, email = "cy@example.com" });
        var dee = await http.CreateContactAsync(new { name = "Dee", phones = new[] { "+14155550103" } });
        await SetOptInAsync(http, ann.Id(), "whatsapp", "opted_out", "replied STOP");
        await SetOptInAsync(http, bob.Id(), "sms", "opted_in", "web form");
        await SetOptInAsync(http, cy.Id(), "email", "opted_out", "unsubscribed");
        var existing = new[] { ann.Id(), bob.Id(), cy.Id(), dee.Id() };
        var beforeImport = await SnapshotAsync(http, existing);

        // Three updates (fields, tags, an email replaced, a phone added) and twelve new contacts: the file crosses batches of 7.
        var csv = new StringBuilder("Name,Phone,Extra phone,Email,Tags,Tier\n");
        csv.Append("Ann New,+14155550100,+14155550199,ann@new.example,vip,Silver\n");
        csv.Append("Bob B,+14155550101,,,vip,\n");
        csv.Append("Cy C,+14155550102,,,vip,\n");
        for (var i = 0; i < 12; i++)
        {
            csv.Append($"New {i},+141555502{i:00},,new{i}@example.com,lead,Gold\n");
        }

        var import = await http.ImportAsync(csv.ToString(), ["name", "phone", "phone_additional", "email", "tags", "field:tier"]);
        Assert.Equal((12, 3, 0, 0), ImportTestSupport.Counts(import));
        var importId = import["id"]!.GetValue<string>();
        var afterImport = await SnapshotAsync(http, existing);
        Assert.Equal("Ann New", afterImport[ann.Id()]["name"]!.GetValue<string>());
        Assert.Equal("ann@new.example", afterImport[ann.Id()]["email"]!.GetValue<string>());
        Assert.Equal(["customer", "vip"], Strings(afterImport[bob.Id()]["tags"]));
        var created = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            created.Add((await http.ContactByPhoneAsync($"+141555502{i:00}")).Id());
        }

        // After the import: Cy is edited by hand, and one new contact opts out.
        await ReadAsync(await http.PatchAsJsonAsync($"/api/contacts/{cy.Id()}", new { name = "Cy Edited" }), HttpStatusCode.OK);
        await SetOptInAsync(http, created[0], "sms", "opted_out", "replied STOP");
        var everyone = existing.Concat(created).ToArray();
        var optInsBeforeRevert = await SnapshotAsync(http, everyone);

        var answer = await ReadAsync(await http.PostAsync($"/api/imports/{importId}/revert", null), HttpStatusCode.Accepted);
        var revert = await WaitForRevertAsync(http, importId);

        Assert.Equal(11, revert["counts"]!["deleted"]!.GetValue<int>());
        Assert.Equal(2, revert["counts"]!["restored"]!.GetValue<int>());
        Assert.Equal(2, revert["counts"]!["kept"]!.GetValue<int>());
        Assert.Equal(15, revert["progress"]!["total"]!.GetValue<int>());
        Assert.Equal(15, revert["progress"]!["done"]!.GetValue<int>());
        Assert.Equal(importId, answer["importId"]!.GetValue<string>());

        // Created contacts are gone, except the one that opted out after the import.
        foreach (var id in created.Skip(1))
        {
            Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync($"/api/contacts/{id}")).StatusCode);
        }

        var kept = revert["kept"]!.AsArray().ToDictionary(k => k!["contactId"]!.GetValue<string>(), k => Strings(k!["reasons"]));
        Assert.Equal(new[] { cy.Id(), created[0] }.Order(), kept.Keys.Order());
        Assert.Contains("changed since the import: name", kept[cy.Id()][0]);
        Assert.Contains("opt-out was set after the import", Assert.Single(kept[created[0]]));

        // The updated contacts nobody touched since are exactly as before the import; the edited one stays as edited.
        var afterRevert = await SnapshotAsync(http, existing.Append(created[0]).ToArray());
        foreach (var id in new[] { ann.Id(), bob.Id(), dee.Id() })
        {
            foreach (var property in DataProperties)
            {
                Assert.True(JsonNode.DeepEquals(beforeImport[id][property], afterRevert[id][property]),
                    $"{id} {property}: before the import {beforeImport[id][property]?.ToJsonString()}, after the revert {afterRevert[id][property]?.ToJsonString()}");
            }
        }

        Assert.Equal("Cy Edited", afterRevert[cy.Id()]["name"]!.GetValue<string>());
        Assert.Equal(["vip"], Strings(afterRevert[cy.Id()]["tags"]));
        // The email and extra phone the import brought are free again: a new contact may take them.
        await http.CreateContactAsync(new { phones = new[] { "+14155550199" }, email = "ann@new.example" });

        // Opt-ins: the same before the import, after it, and after the revert.
        foreach (var id in existing)
        {
            Assert.True(JsonNode.DeepEquals(beforeImport[id]["optIns"], afterImport[id]["optIns"]), $"{id}: the import changed opt-ins");
            Assert.True(JsonNode.DeepEquals(optInsBeforeRevert[id]["optIns"], afterRevert[id]["optIns"]), $"{id}: the revert changed opt-ins");
        }

        Assert.True(JsonNode.DeepEquals(optInsBeforeRevert[created[0]]["optIns"], afterRevert[created[0]]["optIns"]));

        // Audited once, notified once.
        var audit = await ReadAsync(await http.GetAsync($"/api/audit?action=import.reverted&entityId={importId}"), HttpStatusCode.OK);
        var entry = Assert.Single(audit["items"]!.AsArray())!;
        Assert.Equal(11, entry["details"]!["deleted"]!.GetValue<int>());
        Assert.Equal(2, entry["details"]!["restored"]!.GetValue<int>());
        Assert.Equal(2, entry["details"]!["kept"]!.GetValue<int>());
        var notifications = await ReadAsync(await http.GetAsync("/api/notifications"), HttpStatusCode.OK);
        var notice = Assert.Single(notifications["items"]!.AsArray(), n => n!["title"]!.GetValue<string>() == "Import reverted")!;
        Assert.Contains("11 contacts deleted, 2 restored, 2 kept", notice["message"]!.GetValue<string>());

        // Asking again returns the same finished revert and changes nothing.
        var again = await ReadAsync(await http.PostAsync($"/api/imports/{importId}/revert", null), HttpStatusCode.Accepted);
        Assert.True(JsonNode.DeepEquals(revert, again), $"first {revert.ToJsonString()}, again {again.ToJsonString()}");
        var afterAgain = await SnapshotAsync(http, existing.Append(created[0]).ToArray());
        foreach (var id in afterAgain.Keys)
        {
            Assert.True(JsonNode.DeepEquals(afterRevert[id], afterAgain[id]), $"{id} changed on the second request");
        }

        Assert.Single((await ReadAsync(await http.GetAsync($"/api/audit?action=import.reverted&entityId={importId}"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task Revert_is_refused_for_an_unknown_import_one_not_run_and_one_of_another_workspace()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        await (await ws.Http.PostAsync($"/api/imports/{Guid.NewGuid()}/revert", null)).AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");

        var notRun = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550400\n");
        await (await ws.Http.PostAsync($"/api/imports/{notRun}/revert", null)).AssertProblemAsync(HttpStatusCode.Conflict, "has not run yet");
        await (await ws.Http.GetAsync($"/api/imports/{notRun}/revert")).AssertProblemAsync(HttpStatusCode.NotFound, $"POST /api/imports/{notRun}/revert");

        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550401\n");
        var id = done["id"]!.GetValue<string>();
        await (await other.Http.PostAsync($"/api/imports/{id}/revert", null)).AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");
        await (await other.Http.GetAsync($"/api/imports/{id}/revert")).AssertProblemAsync(HttpStatusCode.NotFound, "There is no import");
        // Nothing was reverted by those requests.
        await ws.Http.ContactByPhoneAsync("+14155550401");
    }

    [Fact]
    public async Task Revert_is_refused_while_the_import_runs()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550410\n");
        var id = done["id"]!.GetValue<string>();
        await using (var running = fixture.DataSource.CreateCommand("update imports set status = 'running', finished_at = null where id = @id"))
        {
            running.Parameters.AddWithValue("id", Guid.Parse(id));
            await running.ExecuteNonQueryAsync();
        }

        await (await ws.Http.PostAsync($"/api/imports/{id}/revert", null)).AssertProblemAsync(HttpStatusCode.Conflict, "still running; wait until it has finished");
        await ws.Http.ContactByPhoneAsync("+14155550410");
        await using var finished = fixture.DataSource.CreateCommand("update imports set status = 'finished', finished_at = now() where id = @id");
        finished.Parameters.AddWithValue("id", Guid.Parse(id));
        await finished.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Revert_is_refused_for_an_import_that_ran_before_imports_kept_a_journal()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550430\n");
        var id = done["id"]!.GetValue<string>();
        // As if it had run (and finished, within the 30 days) just before the migration that brought the journal.
        await using (var before = fixture.DataSource.CreateCommand("""
            update imports set started_at = m.applied_at - interval '1 minute', finished_at = m.applied_at - interval '30 seconds'
            from schema_migrations m where m.version = 7 and imports.id = @id
            """))
        {
            before.Parameters.AddWithValue("id", Guid.Parse(id));
            Assert.Equal(1, await before.ExecuteNonQueryAsync());
        }

        await (await ws.Http.PostAsync($"/api/imports/{id}/revert", null)).AssertProblemAsync(HttpStatusCode.Conflict, "before imports kept the journal a revert needs");
        await (await ws.Http.GetAsync($"/api/imports/{id}/revert")).AssertProblemAsync(HttpStatusCode.NotFound, "has not been reverted");
        await ws.Http.ContactByPhoneAsync("+14155550430");
    }

    [Fact]
    public async Task A_revert_stopped_by_a_fault_fails_with_the_error_is_announced_and_continues_when_asked_again()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550440\nBob,+14155550441\nCy,+14155550442\n");
        var id = Guid.Parse(done["id"]!.GetValue<string>());
        var bob = Guid.Parse((await ws.Http.ContactByPhoneAsync("+14155550441")).Id());
        // A journal entry the revert cannot read: a fault that every resumption would meet again.
        string after;
        await using (var read = fixture.DataSource.CreateCommand("select after::text from import_journal where import_id = @id and contact_id = @contact"))
        {
            read.Parameters.AddWithValue("id", id);
            read.Parameters.AddWithValue("contact", bob);
            after = (string)(await read.ExecuteScalarAsync())!;
        }

        await SetJournalAfterAsync(id, bob, "\"not a contact\"");

        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/revert", null), HttpStatusCode.Accepted);
        var failed = await WaitForRevertAsync(ws.Http, id.ToString(), "failed");
        Assert.False(string.IsNullOrEmpty(failed["error"]!.GetValue<string>()));
        Assert.Equal(0, failed["progress"]!["done"]!.GetValue<int>());
        var notice = Assert.Single((await ReadAsync(await ws.Http.GetAsync("/api/notifications"), HttpStatusCode.OK))["items"]!.AsArray(),
            n => n!["title"]!.GetValue<string>() == "Import revert failed")!;
        Assert.Contains("Ask for the revert again to continue", notice["message"]!.GetValue<string>());
        Assert.Single((await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.revert_failed&entityId={id}"), HttpStatusCode.OK))["items"]!.AsArray());
        await ws.Http.ContactByPhoneAsync("+14155550440");

        // Once the fault is gone, asking again continues and finishes.
        await SetJournalAfterAsync(id, bob, after);
        await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/revert", null), HttpStatusCode.Accepted);
        var finished = await WaitForRevertAsync(ws.Http, id.ToString());
        Assert.Equal(3, finished["counts"]!["deleted"]!.GetValue<int>());
        Assert.Null(finished["error"]);
        var list = await ReadAsync(await ws.Http.GetAsync("/api/contacts"), HttpStatusCode.OK);
        Assert.Empty(list["items"]!.AsArray());
    }

    private async Task SetJournalAfterAsync(Guid importId, Guid contactId, string json)
    {
        await using var write = fixture.DataSource.CreateCommand("update import_journal set after = @after::jsonb where import_id = @id and contact_id = @contact");
        write.Parameters.AddWithValue("id", importId);
        write.Parameters.AddWithValue("contact", contactId);
        write.Parameters.AddWithValue("after", json);
        Assert.Equal(1, await write.ExecuteNonQueryAsync());
    }

    [Fact]
    public async Task Revert_is_refused_thirty_days_after_the_import_finished()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550420\n");
        var id = done["id"]!.GetValue<string>();
        var finished = DateTimeOffset.UtcNow - TimeSpan.FromDays(30) - TimeSpan.FromMinutes(5);
        await using (var age = fixture.DataSource.CreateCommand("update imports set finished_at = @at where id = @id"))
        {
            age.Parameters.AddWithValue("id", Guid.Parse(id));
            age.Parameters.AddWithValue("at", finished);
            await age.ExecuteNonQueryAsync();
        }

        await (await ws.Http.PostAsync($"/api/imports/{id}/revert", null)).AssertProblemAsync(HttpStatusCode.Gone,
            $"Imports can be reverted for 30 days after they finish; this one finished on {finished.UtcDateTime:yyyy-MM-dd}.");
        await (await ws.Http.GetAsync($"/api/imports/{id}/revert")).AssertProblemAsync(HttpStatusCode.NotFound, "has not been reverted");
        await ws.Http.ContactByPhoneAsync("+14155550420");
    }

    private static async Task SetOptInAsync(HttpClient http, string contactId, string channel, string status, string source) =>
        await ReadAsync(await http.PutAsJsonAsync($"/api/contacts/{contactId}/opt-ins/{channel}", new { status, source }), HttpStatusCode.OK);

    private static async Task<Dictionary<string, JsonObject>> SnapshotAsync(HttpClient http, IEnumerable<string> ids)
    {
        var result = new Dictionary<string, JsonObject>();
        foreach (var id in ids)
        {
            result[id] = await ReadAsync(await http.GetAsync($"/api/contacts/{id}"), HttpStatusCode.OK);
        }

        return result;
    }

    internal static async Task<JsonObject> WaitForRevertAsync(HttpClient http, string importId, string status = "finished")
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{importId}/revert"), HttpStatusCode.OK);
            if (state["status"]!.GetValue<string>() == status)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"The revert was not {status} in time: {state.ToJsonString()}");
            await Task.Delay(50);
        }
    }
}
