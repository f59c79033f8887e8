using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace VeloConnect.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuthAndIsolationTests(ApiFixture fixture)
{
    /// <summary>Every endpoint but health, with a body where it takes one.</summary>
    public static TheoryData<string, string> Endpoints => new()
    {
        { "GET", "/api/contacts" },
        { "POST", "/api/contacts" },
        { "GET", "/api/contacts/{id}" },
        { "PATCH", "/api/contacts/{id}" },
        { "DELETE", "/api/contacts/{id}" },
        { "POST", "/api/contacts/delete" },
        { "DELETE", "/api/contacts?tag=x" },
        { "PUT", "/api/contacts/{id}/opt-ins/sms" },
        { "GET", "/api/fields" },
        { "POST", "/api/fields" },
        { "PUT", "/api/fields/{field}" },
        { "DELETE", "/api/fields/{field}" },
        { "GET", "/api/audit" },
        { "GET", "/api/notifications" },
        { "POST", "/api/notifications/read" },
        { "GET", "/api/notifications/stream" },
        { "GET", "/api/me" },
        { "GET", "/api/users" },
    };

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_answers_401_without_a_key(string method, string path)
    {
        var response = await fixture.Client(null).SendAsync(Request(method, path, Guid.NewGuid().ToString(), "some_field"));
        var problem = await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "Authorization: Bearer <api key>");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(401, problem["status"]!.GetValue<int>());
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task Every_endpoint_answers_401_with_an_unknown_key(string method, string path)
    {
        var response = await fixture.Client("vc_not_a_real_key").SendAsync(Request(method, path, Guid.NewGuid().ToString(), "some_field"));
        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "The API key is unknown or revoked.");
    }

    [Fact]
    public async Task Health_needs_no_key()
    {
        var response = await fixture.Client(null).GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Another_workspaces_contact_answers_404_on_every_contact_endpoint()
    {
        var a = await fixture.NewWorkspaceAsync();
        var b = await fixture.NewWorkspaceAsync();
        var contact = await a.Http.CreateContactAsync(new { name = "Private", phones = new[] { "+14155550300" }, email = "private@example.com", tags = new[] { "secret" } });
        var id = contact.Id();

        await (await b.Http.GetAsync($"/api/contacts/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "in your workspace");
        await (await b.Http.PatchAsJsonAsync($"/api/contacts/{id}", new { name = "Stolen" })).AssertProblemAsync(HttpStatusCode.NotFound, "in your workspace");
        await (await b.Http.PutAsJsonAsync($"/api/contacts/{id}/opt-ins/sms", new { status = "opted_in", source = "x" })).AssertProblemAsync(HttpStatusCode.NotFound, "in your workspace");
        await (await b.Http.DeleteAsync($"/api/contacts/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "in your workspace");
        var bulk = await (await b.Http.PostAsJsonAsync("/api/contacts/delete", new { ids = new[] { id } })).ReadObjectAsync();
        Assert.Equal(0, bulk["deleted"]!.GetValue<int>());
        Assert.Equal(1, bulk["notFound"]!.GetValue<int>());
        var byFilter = await (await b.Http.DeleteAsync("/api/contacts?tag=secret")).ReadObjectAsync();
        Assert.Equal(0, byFilter["deleted"]!.GetValue<int>());
        var list = await (await b.Http.GetAsync("/api/contacts?q=private")).ReadObjectAsync();
        Assert.Empty(list["items"]!.AsArray());

        // The same phone is free in workspace B: identifiers are unique per workspace only.
        var own = await b.Http.CreateContactAsync(new { phones = new[] { "+14155550300" } });
        Assert.NotEqual(id, own.Id());

        // And A's contact is untouched by everything B tried.
        var still = await (await a.Http.GetAsync($"/api/contacts/{id}")).ReadObjectAsync();
        Assert.Equal("Private", still["name"]!.GetValue<string>());
        Assert.Equal("unknown", still["optIns"]!["sms"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Another_workspaces_fields_audit_notifications_and_users_are_invisible()
    {
        var a = await fixture.NewWorkspaceAsync();
        var b = await fixture.NewWorkspaceAsync();
        Assert.Equal(HttpStatusCode.Created, (await a.Http.PostAsJsonAsync("/api/fields", new { key = "tier", label = "Tier", type = "text" })).StatusCode);
        await new Data.Notifications.NotificationStore(fixture.DataSource).AddAsync(a.Id, a.UserId, "test", "For A", "Only A sees this", null);

        Assert.Empty((await b.Http.GetFromJsonAsync<List<object>>("/api/fields"))!);
        await (await b.Http.PutAsJsonAsync("/api/fields/tier", new { label = "Mine" })).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/fields");
        await (await b.Http.DeleteAsync("/api/fields/tier")).AssertProblemAsync(HttpStatusCode.NotFound, "GET /api/fields");
        Assert.Empty((await (await b.Http.GetAsync("/api/audit")).ReadObjectAsync())["items"]!.AsArray());
        Assert.Empty((await (await b.Http.GetAsync("/api/notifications")).ReadObjectAsync())["items"]!.AsArray());
        var marked = await (await b.Http.PostAsJsonAsync("/api/notifications/read", new { all = true })).ReadObjectAsync();
        Assert.Equal(0, marked["marked"]!.GetValue<int>());
        var users = (await (await b.Http.GetAsync("/api/users")).Content.ReadFromJsonAsync<List<Data.Workspaces.User>>())!;
        Assert.Equal(b.UserId, Assert.Single(users).Id);
        var me = await (await b.Http.GetAsync("/api/me")).ReadObjectAsync();
        Assert.Equal(b.Id.ToString(), me["workspaceId"]!.GetValue<string>());

        // A still has everything.
        Assert.Single((await a.Http.GetFromJsonAsync<List<object>>("/api/fields"))!);
        Assert.Single((await (await a.Http.GetAsync("/api/notifications")).ReadObjectAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Demo_workspace_key_from_configuration_works_in_development()
    {
        var response = await fixture.Client(ApiFixture.DemoKey).GetAsync("/api/me");
        var me = await response.ReadObjectAsync();
        Assert.Equal("Demo workspace", me["workspaceName"]!.GetValue<string>());
    }

    private static HttpRequestMessage Request(string method, string path, string id, string field)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path.Replace("{id}", id).Replace("{field}", field));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = JsonContent.Create(new { name = "x" });
        }

        return request;
    }
}
