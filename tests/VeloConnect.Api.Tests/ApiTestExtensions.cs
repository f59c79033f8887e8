using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Api.Tests;

internal static class ApiTestExtensions
{
    public static async Task<JsonObject> CreateContactAsync(this HttpClient http, object body)
    {
        var response = await http.PostAsJsonAsync("/api/contacts", body);
        var json = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"Expected 201, got {(int)response.StatusCode}: {json}");
        return JsonNode.Parse(json)!.AsObject();
    }

    /// <summary>Asserts the status (a ProblemDetails for errors) and reads the JSON object body.</summary>
    public static async Task<JsonObject> ReadAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        if ((int)status >= 400)
        {
            Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        }

        return JsonNode.Parse(body)!.AsObject();
    }

    public static async Task<JsonObject> ReadObjectAsync(this HttpResponseMessage response) =>
        JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();

    /// <summary>Asserts a ProblemDetails with the status and a detail that contains the given text.</summary>
    public static async Task<JsonObject> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"Expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString());
        var problem = JsonNode.Parse(body)!.AsObject();
        Assert.Contains(detailContains, problem["detail"]!.GetValue<string>());
        return problem;
    }

    public static string Id(this JsonObject contact) => contact["id"]!.GetValue<string>();

    public static string[] Strings(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    /// <summary>A bulk response's counts: created, updated, skipped, error.</summary>
    public static (int Created, int Updated, int Skipped, int Error) BulkCounts(JsonObject response) => (
        response["counts"]!["created"]!.GetValue<int>(),
        response["counts"]!["updated"]!.GetValue<int>(),
        response["counts"]!["skipped"]!.GetValue<int>(),
        response["counts"]!["error"]!.GetValue<int>());
}
