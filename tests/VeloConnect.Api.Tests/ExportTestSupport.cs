using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.Api.Tests;

internal static class ExportTestSupport
{
    /// <summary>Starts an export (the query: filters and format) and waits, polling with a deadline, until it is ready.</summary>
    public static async Task<JsonObject> ExportToEndAsync(this HttpClient http, string query)
    {
        var started = await ApiTestExtensions.ReadAsync(await http.PostAsync("/api/exports?" + query, null), HttpStatusCode.Accepted);
        var id = started["id"]!.GetValue<string>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var state = await ApiTestExtensions.ReadAsync(await http.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK);
            var status = state["status"]!.GetValue<string>();
            if (status != "running")
            {
                Assert.True(status == "ready", $"Export {id} {status}: {state["error"]}");
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Export {id} was not ready in time: {state.ToJsonString()}");
            await Task.Delay(50);
        }
    }

    public static async Task<byte[]> DownloadAsync(this HttpClient http, JsonObject export)
    {
        var response = await http.GetAsync(export["downloadUrl"]!.GetValue<string>());
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadAsByteArrayAsync();
    }

    public static async Task<byte[]> ExportFileAsync(this HttpClient http, string query) =>
        await http.DownloadAsync(await http.ExportToEndAsync(query));

    /// <summary>A CSV export as rows of header → cell (the BOM is checked and dropped).</summary>
    public static List<Dictionary<string, string>> ReadCsv(byte[] file)
    {
        Assert.Equal([0xEF, 0xBB, 0xBF], file[..3]);
        using var stream = new MemoryStream(file, 3, file.Length - 3);
        var rows = CsvRows.Read(stream, new UTF8Encoding(false, true), ',', hasHeader: false).Select(r => r.Cells).ToList();
        var headers = rows[0];
        return [.. rows.Skip(1).Select(cells => headers.Select((h, i) => (h, i)).ToDictionary(p => p.h, p => p.i < cells.Count ? cells[p.i] : ""))];
    }

    public static JsonArray ReadJson(byte[] file) => JsonNode.Parse(file)!.AsArray();

    /// <summary>What the probe finds, asking again until a deadline: notifications and emails follow an export's ready state.</summary>
    public static async Task<JsonNode> WaitForAsync(Func<Task<JsonNode?>> probe)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            Assert.True(DateTime.UtcNow < deadline, "Not there in time.");
            await Task.Delay(50);
        }
    }
}
