using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>Roles on keys, the key API (/api/keys), revocation and expiry, keys out of URLs and out of the logs (issue 15).</summary>
[Collection(ApiCollection.Name)]
public sealed class KeysAndRolesTests(ApiFixture fixture)
{
    [Fact]
    public async Task An_admin_creates_lists_and_revokes_keys_and_a_revoked_key_answers_401_at_once()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var created = await ApiTestExtensions.ReadAsync(
            await ws.Http.PostAsJsonAsync("/api/keys", new { name = "laptop", role = "agent", expiresAt = DateTimeOffset.UtcNow.AddDays(30) }), HttpStatusCode.Created);
        var secret = created["secret"]!.GetValue<string>();
        var id = created["key"]!["id"]!.GetValue<string>();
        Assert.Equal("agent", created["key"]!["role"]!.GetValue<string>());

        var agent = fixture.Client(secret);
        Assert.Equal("agent", (await ApiTestExtensions.ReadAsync(await agent.GetAsync("/api/me"), HttpStatusCode.OK))["role"]!.GetValue<string>());
        Assert.Equal("admin", (await ApiTestExtensions.ReadAsync(await ws.Http.GetAsync("/api/me"), HttpStatusCode.OK))["role"]!.GetValue<string>());
        await (await agent.GetAsync("/api/keys")).AssertProblemAsync(HttpStatusCode.Forbidden, "needs the admin role");

        var listed = await ws.Http.GetStringAsync("/api/keys");
        Assert.DoesNotContain(secret, listed);
        Assert.DoesNotContain(secret[ApiKeyStore.PrefixLength..], listed);
        var key = JsonNode.Parse(listed)!.AsArray().Single(k => k!["id"]!.GetValue<string>() == id)!;
        Assert.Equal(secret[..ApiKeyStore.PrefixLength], key["prefix"]!.GetValue<string>());
        Assert.Equal("laptop", key["name"]!.GetValue<string>());
        Assert.Equal(ws.UserId.ToString(), key["userId"]!.GetValue<string>());
        Assert.NotNull(key["lastUsedAt"]);
        Assert.NotNull(key["expiresAt"]);
        Assert.Null(key["revokedAt"]);
        Assert.Null(key["keyHash"]);

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/keys/{id}")).StatusCode);
        await (await agent.GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "unknown or revoked");

        var audit = await ws.Http.GetStringAsync("/api/audit");
        Assert.Contains("key.created", audit);
        Assert.Contains("key.revoked", audit);
        Assert.DoesNotContain(secret, audit);

        // The workspace's only live admin key cannot be revoked (nobody could manage keys afterwards).
        var own = JsonNode.Parse(await ws.Http.GetStringAsync("/api/keys"))!.AsArray().Single(k => k!["role"]!.GetValue<string>() == "admin")!;
        await (await ws.Http.DeleteAsync($"/api/keys/{own["id"]}")).AssertProblemAsync(HttpStatusCode.Conflict, "Create another admin key first");
        await (await ws.Http.PostAsJsonAsync("/api/keys", new { role = "root" })).AssertProblemAsync(HttpStatusCode.BadRequest, "Some values are not valid");
    }

    [Fact]
    public async Task An_expired_key_answers_401_saying_it_expired()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var created = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/keys", new { role = "agent" }), HttpStatusCode.Created);
        var client = fixture.Client(created["secret"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/me")).StatusCode);

        await new ApiKeyStore(fixture.DataSource).ExpireAsync(Guid.Parse(created["key"]!["id"]!.GetValue<string>()), DateTimeOffset.UtcNow.AddSeconds(-1));
        await (await client.GetAsync("/api/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "has expired");
    }

    [Fact]
    public async Task An_agent_reads_only_its_own_exports_and_cannot_export_the_whole_workspace()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Exported", phones = new[] { "+14155550801" }, tags = new[] { "x" } });
        var (_, agentKey) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Agent", null, role: ApiKeyRole.Agent);
        var agent = fixture.Client(agentKey);

        var adminsExport = (await ws.Http.ExportToEndAsync("tag=x"))["id"]!.GetValue<string>();
        await (await agent.GetAsync($"/api/exports/{adminsExport}")).AssertProblemAsync(HttpStatusCode.NotFound, "There is no export");
        await (await agent.GetAsync($"/api/exports/{adminsExport}/download")).AssertProblemAsync(HttpStatusCode.NotFound, "There is no export");

        var agentsExport = (await agent.ExportToEndAsync("tag=x"))["id"]!.GetValue<string>();
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync($"/api/exports/{agentsExport}/download")).StatusCode);
        // An admin reads any export of the workspace.
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.GetAsync($"/api/exports/{agentsExport}")).StatusCode);

        await (await agent.PostAsync("/api/exports?format=csv", null)).AssertProblemAsync(HttpStatusCode.Forbidden, "only an admin key may export");
        await (await agent.DeleteAsync("/api/contacts?confirm=all")).AssertProblemAsync(HttpStatusCode.Forbidden, "needs the admin role");
        Assert.Single((await (await ws.Http.GetAsync("/api/contacts")).ReadObjectAsync())["items"]!.AsArray());
    }

    [Fact]
    public async Task Revoking_the_key_an_export_was_started_with_ends_its_signed_links()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Linked", phones = new[] { "+14155550802" }, tags = new[] { "y" } });
        var created = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/keys", new { role = "agent" }), HttpStatusCode.Created);
        var agent = fixture.Client(created["secret"]!.GetValue<string>());
        var link = (await agent.ExportToEndAsync("tag=y"))["link"]!.GetValue<string>();
        var anonymous = fixture.Client(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(link)).StatusCode);

        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/keys/{created["key"]!["id"]}")).StatusCode);
        await (await anonymous.GetAsync(link)).AssertProblemAsync(HttpStatusCode.Forbidden, "has been revoked or has expired");
    }

    [Fact]
    public async Task A_key_in_the_url_answers_401_saying_to_use_the_header()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await (await fixture.Client(null).GetAsync($"/api/notifications/stream?access_token={ws.ApiKey}"))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "'Authorization: Bearer <api key>'");
        // Even alongside a valid header: the client learns at once that the URL carries a key.
        await (await ws.Http.GetAsync($"/api/me?access_token={ws.ApiKey}")).AssertProblemAsync(HttpStatusCode.Unauthorized, "not accepted in the URL");
    }

    [Fact]
    public async Task No_key_token_or_link_signature_reaches_the_logs()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Logged", phones = new[] { "+14155550803" }, tags = new[] { "z" } });
        var created = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/keys", new { role = "agent" }), HttpStatusCode.Created);
        var agentKey = created["secret"]!.GetValue<string>();
        var link = (await fixture.Client(agentKey).ExportToEndAsync("tag=z"))["link"]!.GetValue<string>();
        var token = Uri.UnescapeDataString(link.Split("token=")[1]);
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(null).GetAsync(link)).StatusCode);
        await fixture.Client(null).GetAsync($"/api/notifications/stream?access_token={agentKey}");
        await fixture.Client(null).GetAsync($"/api/me?access_token={ws.ApiKey}");

        var secrets = new[] { ws.ApiKey, agentKey, token, token.Split('.')[1], fixture.A.ApiKey, fixture.B.ApiKey };
        var lines = fixture.Logs.Lines.ToList();
        // The requests were logged (with the token's value replaced), so the search below searched them.
        Assert.Contains(lines, l => l.Contains("/api/exports/download?token=[redacted]"));
        Assert.Contains(lines, l => l.Contains("access_token=[redacted]"));
        foreach (var secret in secrets)
        {
            var leak = lines.FirstOrDefault(l => l.Contains(secret, StringComparison.Ordinal) || l.Contains(Uri.EscapeDataString(secret), StringComparison.Ordinal));
            Assert.True(leak is null, $"A secret reached the logs: {leak}");
        }
    }
}
