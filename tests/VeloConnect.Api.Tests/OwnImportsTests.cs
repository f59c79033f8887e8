using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Issue 15: "agents work with contacts and their own imports". An agent key lists and acts on the imports of its own
/// user only; another user's import answers it exactly what a random id answers (404 "Import not found"), and is left
/// as it was. An admin key sees and acts on every import of its workspace.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OwnImportsTests(ApiFixture fixture)
{
    private const string Csv = "Full name,Mobile,E-mail\nAnn Lee,+14155550301,ann@example.com\nBob Roe,not a phone,\n";

    /// <summary>A request on one import (the path after /api/imports/{id}), and what the import must be in for it.</summary>
    private sealed record Row(string Endpoint, string Method, string Suffix, string? Body = null, bool CommandLine = false, bool AgentForbidden = false);

    /// <summary>Every endpoint on one import (the test fails when one is mapped without a row here).</summary>
    private static readonly Row[] Table =
    [
        new("GET /api/imports/{id:guid}", "GET", ""),
        new("PUT /api/imports/{id:guid}/analysis", "PUT", "/analysis", """{"delimiter": "comma"}"""),
        new("DELETE /api/imports/{id:guid}", "DELETE", ""),
        new("PUT /api/imports/{id:guid}/mapping", "PUT", "/mapping", """{"columns": ["name", "phone", "email"], "hasHeader": true}"""),
        new("GET /api/imports/{id:guid}/columns/{index:int}", "GET", "/columns/0"),
        new("POST /api/imports/{id:guid}/review", "POST", "/review"),
        new("GET /api/imports/{id:guid}/review/rows", "GET", "/review/rows"),
        new("POST /api/imports/{id:guid}/edits", "POST", "/edits", """{"kind": "drop", "row": 2}"""),
        new("GET /api/imports/{id:guid}/edits", "GET", "/edits"),
        new("DELETE /api/imports/{id:guid}/edits/{seq:long}", "DELETE", "/edits/1"),
        new("POST /api/imports/{id:guid}/recipe", "POST", "/recipe", """{"name": "own-imports"}"""),
        new("POST /api/imports/{id:guid}/recipe/apply", "POST", "/recipe/apply", "{}"),
        new("POST /api/imports/{id:guid}/run", "POST", "/run"),
        new("GET /api/imports/{id:guid}/errors.csv", "GET", "/errors.csv"),
        new("POST /api/imports/{id:guid}/rows", "POST", "/rows", """[{"row": 2, "cells": ["Cy Doe", "+14155550399", "cy@example.com", "vip"]}]""", CommandLine: true),
        new("POST /api/imports/{id:guid}/finish", "POST", "/finish", """{"totalRows": 2}""", CommandLine: true),
        new("POST /api/imports/{id:guid}/revert", "POST", "/revert", AgentForbidden: true),
        new("GET /api/imports/{id:guid}/revert", "GET", "/revert"),
    ];

    [Fact]
    public void Every_endpoint_on_one_import_has_a_row()
    {
        var mapped = fixture.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText!.TrimStart('/').StartsWith("api/imports/{id", StringComparison.Ordinal))
            .SelectMany(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()!.HttpMethods.Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Order().ToList();
        Assert.Equal(mapped, Table.Select(r => r.Endpoint).Order().ToList());
    }

    [Fact]
    public async Task An_agent_meets_404_on_every_endpoint_of_another_users_import_and_changes_nothing_while_its_own_and_an_admin_work()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var (_, agentKey) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Agent", null, role: ApiKeyRole.Agent);
        var agent = fixture.Client(agentKey);

        var mismatches = new List<string>();
        foreach (var row in Table)
        {
            // Fresh imports for each row, as the row would leave them: the admin's, and two of the agent's.
            var adminImport = await NewImportAsync(ws.Http, row);
            var agentImport = await NewImportAsync(agent, row);
            var agentImportForAdmin = await NewImportAsync(agent, row);
            var before = await StateAsync(ws.Http, adminImport);

            var foreign = await SendAsync(agent, row, adminImport);
            var expected = row.AgentForbidden ? "403" : "404 Import not found";
            if (foreign != expected)
            {
                mismatches.Add($"{row.Endpoint}, an agent on the admin's import: expected {expected}, got {foreign}");
            }

            if (await StateAsync(ws.Http, adminImport) != before)
            {
                mismatches.Add($"{row.Endpoint}, an agent on the admin's import: the import changed");
            }

            var own = await SendAsync(agent, row, agentImport);
            if (own == "404 Import not found" || (row.AgentForbidden && own != "403"))
            {
                mismatches.Add($"{row.Endpoint}, an agent on its own import: got {own}");
            }

            var admin = await SendAsync(ws.Http, row, agentImportForAdmin);
            if (admin is "404 Import not found" or "403")
            {
                mismatches.Add($"{row.Endpoint}, the admin on the agent's import: got {admin}");
            }
        }

        Assert.True(mismatches.Count == 0, string.Join(Environment.NewLine, mismatches));
    }

    [Fact]
    public async Task An_agent_lists_its_users_imports_and_an_admin_every_import()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var (_, agentKey) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Agent", null, role: ApiKeyRole.Agent);
        var agent = fixture.Client(agentKey);
        // An agent key of the admin's own user: "own" is the user's, whichever of its keys uploaded.
        var sameUser = (await new ApiKeyStore(fixture.DataSource).CreateAsync(ws.Id, ws.UserId, "daily", ApiKeyRole.Agent, null))!.Value.Secret;
        var adminImports = new[] { await ws.Http.UploadAndMapAsync(Csv), await ws.Http.UploadAndMapAsync(Csv) };
        var agentImports = new[] { await agent.UploadAndMapAsync(Csv), await agent.UploadAndMapAsync(Csv) };

        Assert.Equal(agentImports.Reverse(), await ListAsync(agent));
        Assert.Equal(adminImports.Reverse(), await ListAsync(fixture.Client(sameUser)));
        Assert.Equal(agentImports.Concat(adminImports).Order(), (await ListAsync(ws.Http)).Order());

        // The agent's next page (before its newest import's time) holds its older import and nothing of the admin's.
        var newest = await ApiTestExtensions.ReadAsync(await agent.GetAsync($"/api/imports/{agentImports[1]}"), HttpStatusCode.OK);
        var before = Uri.EscapeDataString(newest["createdAt"]!.GetValue<string>());
        Assert.Equal([agentImports[0]], await ListAsync(agent, $"?before={before}"));
    }

    private static async Task<List<string>> ListAsync(HttpClient http, string query = "")
    {
        var response = await http.GetAsync("/api/imports" + query);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var list = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
        return [.. list.Select(i => i!["id"]!.GetValue<string>())];
    }

    /// <summary>An import ready for the row's request: a finished wizard import for the error report and revert, a running command-line one for its rows and finish, a mapped upload otherwise.</summary>
    private static async Task<string> NewImportAsync(HttpClient http, Row row)
    {
        if (row.CommandLine)
        {
            return await OptOutFollowsAddressTests.StartCommandLineImportAsync(http);
        }

        var id = await http.UploadAndMapAsync(Csv, ["name", "phone", "email"]);
        if (row.Suffix is "/errors.csv" or "/revert")
        {
            await http.RunToEndAsync(id);
        }

        return id;
    }

    /// <summary>The admin's view of an import, with its edits: what an agent's refused request must leave as it was.</summary>
    private static async Task<string> StateAsync(HttpClient admin, string id)
    {
        // Read as text: an import an agent managed to discard reads as its 404, a change like any other.
        var state = await admin.GetAsync($"/api/imports/{id}");
        var edits = await admin.GetAsync($"/api/imports/{id}/edits");
        return $"{(int)state.StatusCode} {await state.Content.ReadAsStringAsync()} {(int)edits.StatusCode} {await edits.Content.ReadAsStringAsync()}";
    }

    /// <summary>The status, and a problem's title where there is one.</summary>
    private static async Task<string> SendAsync(HttpClient http, Row row, string id)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), $"/api/imports/{id}{row.Suffix}");
        if (row.Body is not null)
        {
            request.Content = new StringContent(row.Body, System.Text.Encoding.UTF8, "application/json");
        }

        if (row.Suffix == "/rows")
        {
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        }

        using var response = await http.SendAsync(request);
        var status = ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return response.Content.Headers.ContentType?.MediaType == "application/problem+json"
            && JsonNode.Parse(await response.Content.ReadAsStringAsync())?["title"]?.GetValue<string>() is { } title && response.StatusCode == HttpStatusCode.NotFound
            ? $"{status} {title}"
            : status;
    }
}
