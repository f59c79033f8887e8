using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Api.Tests;

internal static class ImportTestSupport
{
    public static Task<HttpResponseMessage> UploadAsync(this HttpClient http, string csv, string fileName = "contacts.csv", Dictionary<string, string>? form = null) =>
        http.UploadBytesAsync(Encoding.UTF8.GetBytes(csv), fileName, form);

    public static async Task<HttpResponseMessage> UploadBytesAsync(this HttpClient http, byte[] content, string fileName = "contacts.csv", Dictionary<string, string>? form = null)
    {
        using var body = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        body.Add(file, "file", fileName);
        foreach (var (key, value) in form ?? [])
        {
            body.Add(new StringContent(value), key);
        }

        return await http.PostAsync("/api/imports", body);
    }

    /// <summary>Uploads, maps (the given targets, or the suggestion), and returns the import id.</summary>
    public static async Task<string> UploadAndMapAsync(this HttpClient http, string csv, string[]? targets = null, string? region = null)
    {
        var upload = await ApiTestExtensions.ReadAsync(await http.UploadAsync(csv), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        var columns = targets ?? [.. upload["mapping"]!["columns"]!.AsArray().Select(c => c!.GetValue<string>())];
        await ApiTestExtensions.ReadAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns, hasHeader = upload["hasHeader"]!.GetValue<bool>(), region }), HttpStatusCode.OK);
        return id;
    }

    /// <summary>Makes an edit over an import's file (POST …/edits, 201) and answers it.</summary>
    public static async Task<JsonObject> EditImportAsync(this HttpClient http, string id, object edit) =>
        await ApiTestExtensions.ReadAsync(await http.PostAsJsonAsync($"/api/imports/{id}/edits", edit), HttpStatusCode.Created);

    /// <summary>Reviews an import and answers its counts (added, updated, skipped, invalid).</summary>
    public static async Task<(int, int, int, int)> ReviewCountsAsync(this HttpClient http, string id) =>
        Counts(await ApiTestExtensions.ReadAsync(await http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK));

    /// <summary>Runs an import and waits (polling, with a deadline) until it has finished; returns its final state.</summary>
    public static async Task<JsonObject> RunToEndAsync(this HttpClient http, string id)
    {
        var run = await http.PostAsync($"/api/imports/{id}/run", null);
        Assert.Equal(HttpStatusCode.Accepted, run.StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(120);
        while (true)
        {
            var state = await ApiTestExtensions.ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            var status = state["status"]!.GetValue<string>();
            if (status is "finished" or "failed")
            {
                Assert.True(status == "finished", $"Import {id} {status}: {state["error"]}");
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Import {id} did not finish in time: {state.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    public static async Task<JsonObject> ImportAsync(this HttpClient http, string csv, string[]? targets = null, string? region = null) =>
        await http.RunToEndAsync(await http.UploadAndMapAsync(csv, targets, region));

    public static (int Added, int Updated, int Skipped, int Invalid) Counts(JsonNode node) => (
        node["counts"]!["added"]!.GetValue<int>(),
        node["counts"]!["updated"]!.GetValue<int>(),
        node["counts"]!["skipped"]!.GetValue<int>(),
        node["counts"]!["invalid"]!.GetValue<int>());

    public static async Task<JsonObject> ContactByPhoneAsync(this HttpClient http, string phone)
    {
        var list = await ApiTestExtensions.ReadAsync(await http.GetAsync("/api/contacts?q=" + Uri.EscapeDataString(phone)), HttpStatusCode.OK);
        return Assert.Single(list["items"]!.AsArray())!.AsObject();
    }
}
