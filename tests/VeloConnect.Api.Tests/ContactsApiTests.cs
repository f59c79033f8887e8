using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace VeloConnect.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ContactsApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Create_get_update_and_delete_a_contact()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var response = await ws.Http.PostAsJsonAsync("/api/contacts", new
        {
            name = "  Ann Lee ",
            phones = new[] { "415.555.0500", "+1 (415) 555-0501", "4155550500" },
            email = "Ann@Example.com",
            tags = new[] { "VIP", "vip", " news " },
            source = "manual",
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.ReadObjectAsync();
        var id = created.Id();
        Assert.Equal($"/api/contacts/{id}", response.Headers.Location!.ToString());
        Assert.Equal("Ann Lee", created["name"]!.GetValue<string>());
        Assert.Equal(["+14155550500", "+14155550501"], created["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["VIP", "news"], created["tags"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal("Manual", created["source"]!.GetValue<string>());

        var fetched = await (await ws.Http.GetAsync($"/api/contacts/{id}")).ReadObjectAsync();
        Assert.Equal(created.ToJsonString(), fetched.ToJsonString());

        var updated = await (await ws.Http.PatchAsJsonAsync($"/api/contacts/{id}", new { tags = new[] { "news" }, phones = new[] { "+14155550501" }, assignedAgentId = ws.UserId })).ReadObjectAsync();
        Assert.Equal(["news"], updated["tags"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["+14155550501"], updated["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(ws.UserId.ToString(), updated["assignedAgentId"]!.GetValue<string>());
        Assert.Equal("Ann Lee", updated["name"]!.GetValue<string>());

        // The dropped phone is free again for a new contact.
        var other = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550500" } });
        Assert.NotEqual(id, other.Id());

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/contacts/{id}")).StatusCode);
        await (await ws.Http.GetAsync($"/api/contacts/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/contacts");
        var audit = await (await ws.Http.GetAsync("/api/audit?action=contacts.deleted")).ReadObjectAsync();
        var entry = Assert.Single(audit["items"]!.AsArray())!;
        Assert.Equal(1, entry["details"]!["count"]!.GetValue<int>());
        Assert.Equal(id, entry["entityId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Creating_a_contact_with_an_existing_phone_or_email_answers_409_naming_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var first = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550510" }, email = "first@example.com" });

        await (await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "(415) 555-0510" } }))
            .AssertProblemAsync(HttpStatusCode.Conflict, $"PATCH /api/contacts/{first.Id()}");
        await (await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "+14155550511" }, email = " FIRST@example.com" }))
            .AssertProblemAsync(HttpStatusCode.Conflict, first.Id());
        var list = await (await ws.Http.GetAsync("/api/contacts")).ReadObjectAsync();
        Assert.Single(list["items"]!.AsArray());
    }

    [Fact]
    public async Task Editing_a_contact_to_take_another_contacts_phone_answers_409_and_changes_nothing()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550520" }, name = "A" });
        var b = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550521" }, name = "B" });

        var problem = await (await ws.Http.PatchAsJsonAsync($"/api/contacts/{a.Id()}", new { name = "A2", phones = new[] { "+14155550520", "+14155550521" } }))
            .AssertProblemAsync(HttpStatusCode.Conflict, "+14155550521");
        Assert.Contains(b.Id(), problem["detail"]!.GetValue<string>());
        var still = await (await ws.Http.GetAsync($"/api/contacts/{a.Id()}")).ReadObjectAsync();
        Assert.Equal("A", still["name"]!.GetValue<string>());
        Assert.Equal(["+14155550520"], still["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
    }

    [Fact]
    public async Task Removing_every_phone_and_the_email_is_refused()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550530" } });
        await (await ws.Http.PatchAsJsonAsync($"/api/contacts/{a.Id()}", new { phones = Array.Empty<string>() }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "needs a phone or an email");
    }

    [Fact]
    public async Task Assigning_a_user_of_another_workspace_is_refused()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        var problem = await (await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "+14155550540" }, assignedAgentId = other.UserId }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("GET /api/users", problem["errors"]!["assignedAgentId"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Delete_by_ids_counts_what_it_deleted_and_audits_it()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add((await ws.Http.CreateContactAsync(new { phones = new[] { $"+1415555060{i}" } })).Id());
        }

        var result = await (await ws.Http.PostAsJsonAsync("/api/contacts/delete", new { ids = ids.Take(3).Append(Guid.NewGuid().ToString()) })).ReadObjectAsync();

        Assert.Equal(3, result["deleted"]!.GetValue<int>());
        Assert.Equal(1, result["notFound"]!.GetValue<int>());
        var remaining = await (await ws.Http.GetAsync("/api/contacts")).ReadObjectAsync();
        Assert.Equal(ids.Skip(3).Order(), remaining["items"]!.AsArray().Select(i => i!["id"]!.GetValue<string>()).Order());
        var audit = await (await ws.Http.GetAsync("/api/audit?action=contacts")).ReadObjectAsync();
        Assert.Equal(3, Assert.Single(audit["items"]!.AsArray())!["details"]!["count"]!.GetValue<int>());
        await (await ws.Http.PostAsJsonAsync("/api/contacts/delete", new { ids = Array.Empty<string>() }))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "{\"ids\"");
    }

    [Fact]
    public async Task Concurrent_creates_through_the_api_with_one_phone_make_one_contact()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i =>
            ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { i % 2 == 0 ? "+14155550700" : "(415) 555-0700" }, name = $"N{i}" })));
        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var list = await (await ws.Http.GetAsync("/api/contacts")).ReadObjectAsync();
        Assert.Single(list["items"]!.AsArray());
    }
}
