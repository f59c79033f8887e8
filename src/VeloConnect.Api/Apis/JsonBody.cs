using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.Api.Apis;

internal static class JsonBody
{
    /// <summary>Reads a JSON object body; a missing or malformed body gives the reason instead.</summary>
    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            var node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
            return node is JsonObject body ? (body, null) : (null, "The body must be a JSON object, e.g. {\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}.");
        }
        catch (JsonException e)
        {
            return (null, $"The body is not valid JSON ({e.Message}); send a JSON object with Content-Type: application/json.");
        }
    }
}
