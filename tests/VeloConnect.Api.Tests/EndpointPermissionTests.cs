using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Api.Auth;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Every endpoint the API maps × every kind of caller, with the status each must get (issue 15). The table is checked
/// against the app's own endpoint list: an endpoint without a row fails the test, so a new endpoint cannot ship without
/// saying who may call it. Ids in paths are real resources of the test's workspace, made fresh for each request (so a
/// delete by one caller leaves the next one its own), which is why another workspace's key gets 404 where the owner
/// gets 200.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class EndpointPermissionTests(ApiFixture fixture)
{
    private const HttpStatusCode Ok = HttpStatusCode.OK;
    private const HttpStatusCode Created = HttpStatusCode.Created;
    private const HttpStatusCode NoContent = HttpStatusCode.NoContent;
    private const HttpStatusCode Accepted = HttpStatusCode.Accepted;
    private const HttpStatusCode Bad = HttpStatusCode.BadRequest;
    private const HttpStatusCode Forbidden = HttpStatusCode.Forbidden;
    private const HttpStatusCode NotFound = HttpStatusCode.NotFound;

    /// <summary>The callers, in the order the expected statuses are given for an anonymous row.</summary>
    private enum Caller
    {
        NoKey,
        RevokedKey,
        ExpiredKey,
        OtherWorkspace,
        Agent,
        Admin,
    }

    /// <summary>
    /// A row: the endpoint ("METHOD pattern" as routing has it), the request (placeholders: {contact}, {field}, {export},
    /// {key}, {random}, {fresh}), and the statuses of an agent, an admin, and another workspace's (admin) key. Callers
    /// without a live key get 401 on every row but the anonymous ones, whose status is the same for everyone.
    /// </summary>
    private sealed record Row(string Endpoint, string Path, HttpStatusCode Agent, HttpStatusCode Admin, HttpStatusCode OtherWorkspace, string? Body = null, bool Anonymous = false);

    private static readonly Row[] Table =
    [
        new("GET /api/contacts/", "/api/contacts", Ok, Ok, Ok),
        new("GET /api/contacts/count", "/api/contacts/count", Ok, Ok, Ok),
        new("POST /api/contacts/", "/api/contacts", Created, Created, Created, """{"email": "{fresh}@example.com"}"""),
        new("GET /api/contacts/{id:guid}", "/api/contacts/{contact}", Ok, Ok, NotFound),
        new("PATCH /api/contacts/{id:guid}", "/api/contacts/{contact}", Ok, Ok, NotFound, """{"name": "Renamed"}"""),
        new("DELETE /api/contacts/{id:guid}", "/api/contacts/{contact}", NoContent, NoContent, NotFound),
        new("POST /api/contacts/delete", "/api/contacts/delete", Ok, Ok, Ok, """{"ids": ["{contact}"]}"""),
        new("DELETE /api/contacts/", "/api/contacts?tag={fresh}", Forbidden, Ok, Ok),
        new("PUT /api/contacts/{id:guid}/opt-ins/{channel}", "/api/contacts/{contact}/opt-ins/sms", Ok, Ok, NotFound, """{"status": "opted_in", "source": "form"}"""),
        new("POST /api/contacts/bulk", "/api/contacts/bulk", Ok, Ok, Ok, """[{"email": "{fresh}@example.com"}]"""),
        new("GET /api/fields/", "/api/fields", Ok, Ok, Ok),
        new("POST /api/fields/", "/api/fields", Forbidden, Created, Created, """{"key": "f{fresh}", "label": "F", "type": "text"}"""),
        new("PUT /api/fields/{key}", "/api/fields/{field}", Forbidden, Ok, NotFound, """{"label": "Renamed"}"""),
        new("DELETE /api/fields/{key}", "/api/fields/{field}", Forbidden, Ok, NotFound),
        new("GET /api/audit/", "/api/audit", Forbidden, Ok, Ok),
        new("GET /api/notifications/", "/api/notifications", Ok, Ok, Ok),
        new("POST /api/notifications/read", "/api/notifications/read", Ok, Ok, Ok, """{"all": true}"""),
        new("GET /api/notifications/stream", "/api/notifications/stream", Ok, Ok, Ok),
        new("GET /api/me", "/api/me", Ok, Ok, Ok),
        new("GET /api/users", "/api/users", Ok, Ok, Ok),
        // Imports: a random id, so every caller allowed in meets 404 (the import endpoints' own tests cover the real flow).
        // The upload takes a multipart form: a JSON body is refused before anything is read.
        new("POST /api/imports/", "/api/imports", HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.UnsupportedMediaType, "{}"),
        new("PUT /api/imports/{id:guid}/analysis", "/api/imports/{random}/analysis", NotFound, NotFound, NotFound, "{}"),
        new("DELETE /api/imports/{id:guid}", "/api/imports/{random}", NotFound, NotFound, NotFound),
        new("PUT /api/imports/{id:guid}/mapping", "/api/imports/{random}/mapping", NotFound, NotFound, NotFound, "{}"),
        new("GET /api/imports/{id:guid}/columns/{index:int}", "/api/imports/{random}/columns/0", NotFound, NotFound, NotFound),
        new("POST /api/imports/{id:guid}/review", "/api/imports/{random}/review", NotFound, NotFound, NotFound, "{}"),
        new("POST /api/imports/{id:guid}/run", "/api/imports/{random}/run", NotFound, NotFound, NotFound, "{}"),
        new("GET /api/imports/{id:guid}", "/api/imports/{random}", NotFound, NotFound, NotFound),
        new("GET /api/imports/", "/api/imports", Ok, Ok, Ok),
        new("GET /api/imports/{id:guid}/review/rows", "/api/imports/{random}/review/rows", NotFound, NotFound, NotFound),
        new("POST /api/imports/{id:guid}/edits", "/api/imports/{random}/edits", NotFound, NotFound, NotFound, """{"kind": "drop", "row": 2}"""),
        new("GET /api/imports/{id:guid}/edits", "/api/imports/{random}/edits", NotFound, NotFound, NotFound),
        new("DELETE /api/imports/{id:guid}/edits/{seq:long}", "/api/imports/{random}/edits/1", NotFound, NotFound, NotFound),
        new("POST /api/imports/{id:guid}/recipe", "/api/imports/{random}/recipe", NotFound, NotFound, NotFound, "{}"),
        new("POST /api/imports/{id:guid}/recipe/apply", "/api/imports/{random}/recipe/apply", NotFound, NotFound, NotFound, "{}"),
        new("GET /api/import-recipes/", "/api/import-recipes", Ok, Ok, Ok),
        new("GET /api/import-recipes/{name}", "/api/import-recipes/r{fresh}", NotFound, NotFound, NotFound),
        new("DELETE /api/import-recipes/{name}", "/api/import-recipes/r{fresh}", NotFound, NotFound, NotFound),
        new("GET /api/imports/{id:guid}/errors.csv", "/api/imports/{random}/errors.csv", NotFound, NotFound, NotFound),
        // An empty batch of rows is refused before the import is looked up.
        new("POST /api/imports/{id:guid}/rows", "/api/imports/{random}/rows", Bad, Bad, Bad, "[]"),
        new("POST /api/imports/{id:guid}/finish", "/api/imports/{random}/finish", NotFound, NotFound, NotFound, "{}"),
        new("POST /api/imports/{id:guid}/revert", "/api/imports/{random}/revert", Forbidden, NotFound, NotFound, "{}"),
        new("GET /api/imports/{id:guid}/revert", "/api/imports/{random}/revert", NotFound, NotFound, NotFound),
        new("POST /api/exports/", "/api/exports?tag={fresh}", Accepted, Accepted, Accepted),
        new("GET /api/exports/", "/api/exports", Ok, Ok, Ok),
        // {export} was started by the admin: an agent of the same workspace does not see it.
        new("GET /api/exports/{id:guid}", "/api/exports/{export}", NotFound, Ok, NotFound),
        new("GET /api/exports/{id:guid}/download", "/api/exports/{export}/download", NotFound, Ok, NotFound),
        new("GET /api/exports/download", "/api/exports/download?token=forged.link", Forbidden, Forbidden, Forbidden, Anonymous: true),
        new("GET /api/keys/", "/api/keys", Forbidden, Ok, Ok),
        new("POST /api/keys/", "/api/keys", Forbidden, Created, Created, """{"role": "agent"}"""),
        new("DELETE /api/keys/{id:guid}", "/api/keys/{key}", Forbidden, NoContent, NotFound),
        new("* /health", "/health", Ok, Ok, Ok, Anonymous: true),
        new("* /alive", "/alive", Ok, Ok, Ok, Anonymous: true),
        new("GET /openapi/{documentName}.json", "/openapi/v1.json", Ok, Ok, Ok, Anonymous: true),
        new("GET /scalar/{documentName?}", "/scalar/v1", Ok, Ok, Ok, Anonymous: true),
        new("GET /scalar/favicon.svg", "/scalar/favicon.svg", Ok, Ok, Ok, Anonymous: true),
        new("GET /scalar/scalar.aspnetcore.js", "/scalar/scalar.aspnetcore.js", Ok, Ok, Ok, Anonymous: true),
        new("GET /scalar/scalar.js", "/scalar/scalar.js", Ok, Ok, Ok, Anonymous: true),
    ];

    /// <summary>"METHOD pattern" of every endpoint the API maps (an endpoint for any method is "*").</summary>
    private IReadOnlyList<string> MappedEndpoints() =>
        [.. fixture.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Distinct().Order()];

    [Fact]
    public void Every_mapped_endpoint_has_a_row_and_every_row_an_endpoint()
    {
        var mapped = MappedEndpoints();
        var rows = Table.Select(r => r.Endpoint).ToList();
        Assert.True(rows.Count == rows.Distinct().Count(), "A row appears twice.");
        var missing = mapped.Except(rows).ToList();
        Assert.True(missing.Count == 0, "Endpoints without a row in EndpointPermissionTests.Table (say who may call them): " + string.Join(", ", missing));
        var stale = rows.Except(mapped).ToList();
        Assert.True(stale.Count == 0, "Rows for endpoints the API no longer maps: " + string.Join(", ", stale));
    }

    [Fact]
    public void Every_endpoint_declares_a_permission_or_allows_anonymous_callers()
    {
        var undeclared = fixture.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<PermissionMetadata>() is null && e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(e => e.RoutePattern.RawText).ToList();
        Assert.True(undeclared.Count == 0, "Endpoints without a declared permission (add .Requires(Permission.X)): " + string.Join(", ", undeclared));
    }

    [Fact]
    public async Task Every_endpoint_answers_every_caller_as_the_table_says()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        var store = new WorkspaceStore(fixture.DataSource);
        var keys = new ApiKeyStore(fixture.DataSource);
        var (_, agentKey) = await store.AddUserAsync(ws.Id, "Agent", null, role: ApiKeyRole.Agent);
        var revoked = await keys.CreateAsync(ws.Id, ws.UserId, "revoked", ApiKeyRole.Admin, null);
        await keys.RevokeAsync(ws.Id, revoked!.Value.Key.Id, ws.UserId);
        var expired = await keys.CreateAsync(ws.Id, ws.UserId, "expired", ApiKeyRole.Admin, null);
        await keys.ExpireAsync(expired!.Value.Key.Id, DateTimeOffset.UtcNow.AddSeconds(-1));
        await ws.Http.CreateContactAsync(new { email = "exported@example.com", tags = new[] { "exported" } });
        var export = (await ws.Http.ExportToEndAsync("tag=exported"))["id"]!.GetValue<string>();

        var callers = new Dictionary<Caller, HttpClient>
        {
            [Caller.NoKey] = fixture.Client(null),
            [Caller.RevokedKey] = fixture.Client(revoked.Value.Secret),
            [Caller.ExpiredKey] = fixture.Client(expired.Value.Secret),
            [Caller.OtherWorkspace] = other.Http,
            [Caller.Agent] = fixture.Client(agentKey),
            [Caller.Admin] = ws.Http,
        };

        var mismatches = new List<string>();
        foreach (var row in Table)
        {
            foreach (var (caller, client) in callers)
            {
                var expected = Expected(row, caller);
                var path = await FillAsync(row.Path, ws, keys, export);
                var body = row.Body is null ? null : await FillAsync(row.Body, ws, keys, export);
                var method = row.Endpoint.Split(' ')[0] is "*" ? "GET" : row.Endpoint.Split(' ')[0];
                using var request = new HttpRequestMessage(new HttpMethod(method), path);
                if (body is not null)
                {
                    request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
                }

                // Headers only: the notification stream never ends.
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                if (response.StatusCode != expected)
                {
                    mismatches.Add($"{row.Endpoint} as {caller}: expected {(int)expected}, got {(int)response.StatusCode}");
                }
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    private static HttpStatusCode Expected(Row row, Caller caller) => caller switch
    {
        Caller.Agent => row.Agent,
        Caller.Admin => row.Admin,
        Caller.OtherWorkspace => row.OtherWorkspace,
        _ => row.Anonymous ? row.Admin : HttpStatusCode.Unauthorized,
    };

    /// <summary>Fresh resources of the workspace for the placeholders a path or body names.</summary>
    private async Task<string> FillAsync(string text, TestWorkspace ws, ApiKeyStore keys, string export)
    {
        if (text.Contains("{contact}"))
        {
            text = text.Replace("{contact}", (await ws.Http.CreateContactAsync(new { email = $"{Guid.NewGuid():N}@example.com" })).Id());
        }

        if (text.Contains("{field}"))
        {
            var key = "f" + Guid.NewGuid().ToString("N")[..12];
            Assert.Equal(HttpStatusCode.Created, (await ws.Http.PostAsJsonAsync("/api/fields", new { key, label = "F", type = "text" })).StatusCode);
            text = text.Replace("{field}", key);
        }

        if (text.Contains("{key}"))
        {
            text = text.Replace("{key}", (await keys.CreateAsync(ws.Id, ws.UserId, "to revoke", ApiKeyRole.Agent, null))!.Value.Key.Id.ToString());
        }

        return text.Replace("{export}", export).Replace("{random}", Guid.NewGuid().ToString()).Replace("{fresh}", Guid.NewGuid().ToString("N")[..12]);
    }
}
