using System.Net;
using System.Text.Json.Nodes;

namespace VeloConnect.Bench.Support;

/// <summary>Responses as the benchmarks expect them: the status code asked for and a JSON object, or a <see cref="BenchFailure"/> saying what came instead.</summary>
public static class BenchHttp
{
    /// <summary>The response's JSON object if its status is <paramref name="expected"/>; disposes the response.</summary>
    public static async Task<JsonObject> ExpectAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery}";
            if (response.StatusCode != expected)
            {
                throw new BenchFailure($"{request}: expected {(int)expected}, got {(int)response.StatusCode} {response.StatusCode}: {Shorten(body)}");
            }

            try
            {
                return JsonNode.Parse(body)?.AsObject() ?? throw new BenchFailure($"{request}: answered {(int)response.StatusCode} with an empty body");
            }
            catch (System.Text.Json.JsonException e)
            {
                throw new BenchFailure($"{request}: answered {(int)response.StatusCode} with a body that is not a JSON object ({e.Message}): {Shorten(body)}");
            }
        }
    }

    public static string Shorten(JsonNode node) => Shorten(node.ToJsonString());

    public static string Shorten(string text) => text.Length <= 4000 ? text : text[..4000] + $"… ({text.Length} characters)";
}
