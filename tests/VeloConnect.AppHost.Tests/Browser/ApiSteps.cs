using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>What a test prepares (or starts) through the public API with the demo workspace's key, as another client would.</summary>
public sealed class ApiSteps : IDisposable
{
    private static readonly TimeSpan ImportDeadline = TimeSpan.FromSeconds(60);

    private readonly HttpClient _client;

    private ApiSteps(HttpClient client) => _client = client;

    public static async Task<ApiSteps> CreateAsync(AppHostFixture fixture)
    {
        var client = fixture.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.DemoApiKeyAsync());
        return new ApiSteps(client);
    }

    /// <summary>Step 1 of an import: uploads the CSV; answers the import (its id, columns and suggested mapping).</summary>
    public async Task<JsonElement> UploadAsync(string fileName, string csv)
    {
        using var form = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", fileName);
        using var response = await _client.PostAsync("/api/imports", form);
        return await ReadAsync(response, HttpStatusCode.Created, $"uploading {fileName}");
    }

    /// <summary>Step 2: a target per column (name, phone, phone_additional, email, tags, field:&lt;key&gt;, ignore).</summary>
    public async Task SetMappingAsync(Guid importId, params string[] columns)
    {
        using var response = await _client.PutAsJsonAsync($"/api/imports/{importId}/mapping", new { columns, hasHeader = true });
        await ReadAsync(response, HttpStatusCode.OK, $"mapping import {importId}");
    }

    /// <summary>Runs the import and waits until it has finished; answers the finished import.</summary>
    public async Task<JsonElement> RunAsync(Guid importId)
    {
        using (var response = await _client.PostAsync($"/api/imports/{importId}/run", null))
        {
            await ReadAsync(response, HttpStatusCode.Accepted, $"running import {importId}");
        }

        // The run answers after up to 2 s; a small import has usually finished by then. Otherwise follow it.
        var deadline = DateTime.UtcNow + ImportDeadline;
        while (true)
        {
            using var response = await _client.GetAsync($"/api/imports/{importId}");
            var import = await ReadAsync(response, HttpStatusCode.OK, $"reading import {importId}");
            var status = import.GetProperty("status").GetString();
            if (status == "finished")
            {
                return import;
            }

            if (status == "failed" || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"Import {importId} did not finish within {ImportDeadline.TotalSeconds:F0} s: {import}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }

    /// <summary>A whole import through the API: upload, mapping, run; answers the import's id once it has finished.</summary>
    public async Task<Guid> ImportAsync(string fileName, string csv, params string[] columns)
    {
        var id = (await UploadAsync(fileName, csv)).GetProperty("id").GetGuid();
        await SetMappingAsync(id, columns);
        await RunAsync(id);
        return id;
    }

    /// <summary>Starts an import without waiting for it (upload, mapping, run request answered).</summary>
    public async Task<Guid> StartImportAsync(string fileName, string csv, params string[] columns)
    {
        var id = (await UploadAsync(fileName, csv)).GetProperty("id").GetGuid();
        await SetMappingAsync(id, columns);
        using var response = await _client.PostAsync($"/api/imports/{id}/run", null);
        await ReadAsync(response, HttpStatusCode.Accepted, $"running import {id}");
        return id;
    }

    /// <summary>The id of the newest import of this file name (one the wizard uploaded, say).</summary>
    public async Task<Guid> ImportIdAsync(string fileName)
    {
        using var response = await _client.GetAsync("/api/imports?limit=20");
        var imports = await ReadAsync(response, HttpStatusCode.OK, "listing the imports");
        return imports.EnumerateArray().First(i => i.GetProperty("fileName").GetString() == fileName).GetProperty("id").GetGuid();
    }

    /// <summary>An edit of an import's rows as another editor makes it (no expectedSeq: over whatever is there).</summary>
    public async Task EditAsync(Guid importId, object edit)
    {
        using var response = await _client.PostAsJsonAsync($"/api/imports/{importId}/edits", edit);
        await ReadAsync(response, HttpStatusCode.Created, $"editing import {importId}");
    }

    public async Task CreateFieldAsync(string key, string label, string type = "text")
    {
        using var response = await _client.PostAsJsonAsync("/api/fields", new { key, label, type });
        await ReadAsync(response, HttpStatusCode.Created, $"creating field {key}");
    }

    public async Task<Guid> CreateContactAsync(string name, string phone, string email, params string[] tags)
    {
        using var response = await _client.PostAsJsonAsync("/api/contacts", new { name, phones = new[] { phone }, email, tags });
        return (await ReadAsync(response, HttpStatusCode.Created, $"creating contact {name}")).GetProperty("id").GetGuid();
    }

    /// <summary>Starts an export of the contacts with a tag (format csv or json).</summary>
    public async Task StartExportAsync(string tag, string format = "csv")
    {
        using var response = await _client.PostAsync($"/api/exports?format={format}&tag={Uri.EscapeDataString(tag)}", null);
        await ReadAsync(response, HttpStatusCode.Accepted, $"exporting tag {tag}");
    }

    public async Task MarkAllNotificationsReadAsync()
    {
        using var response = await _client.PostAsJsonAsync("/api/notifications/read", new JsonObject { ["all"] = true });
        await ReadAsync(response, HttpStatusCode.OK, "marking every notification read");
    }

    /// <summary>Creates an API key for the demo user with this role (admin or agent); answers its secret (shown only once).</summary>
    public async Task<string> CreateKeyAsync(string role, string name)
    {
        using var response = await _client.PostAsJsonAsync("/api/keys", new { role, name });
        return (await ReadAsync(response, HttpStatusCode.Created, $"creating an {role} key")).GetProperty("secret").GetString()!;
    }

    public void Dispose() => _client.Dispose();

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, HttpStatusCode expected, string doing)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"The API answered {(int)response.StatusCode} instead of {(int)expected} {doing}: {body}");
        }

        using var document = JsonDocument.Parse(body);
        return document.RootElement.Clone();
    }
}
