using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.Api.Apis;

internal static class JsonBody
{
    /// <summary>
    /// The largest contact body read: a contact at its limits (20 phones, 100 tags, long custom values) is far below it.
    /// A larger body is refused once this much of it has arrived, not read on.
    /// </summary>
    public const int MaxBytes = 1024 * 1024;

    private const string TooLarge =
        "The body is over 1 MB; one contact is far smaller. Send one contact per request, or up to 10,000 with POST /api/contacts/bulk.";

    /// <summary>Reads a JSON object body; a missing, malformed or oversized body gives the reason instead.</summary>
    public static async Task<(JsonObject? Body, string? Error)> ReadObjectAsync(HttpRequest request)
    {
        if (request.ContentLength > MaxBytes)
        {
            return (null, TooLarge);
        }

        var pipe = request.BodyReader;
        var read = await pipe.ReadAsync(request.HttpContext.RequestAborted);
        while (!read.IsCompleted && read.Buffer.Length <= MaxBytes)
        {
            pipe.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            read = await pipe.ReadAsync(request.HttpContext.RequestAborted);
        }

        try
        {
            if (read.Buffer.Length > MaxBytes)
            {
                return (null, TooLarge);
            }

            ReadOnlySpan<byte> json = read.Buffer.ToArray();
            var node = JsonNode.Parse(json.StartsWith("\uFEFF"u8) ? json[3..] : json);
            if (node is not JsonObject body)
            {
                return (null, "The body must be a JSON object, e.g. {\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}.");
            }

            return StoredText.FirstUnstorable(body) is { } path ? (null, $"The text at {path} {StoredText.Unstorable}.") : (body, null);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not valid JSON ({e.Message}); send a JSON object with Content-Type: application/json.");
        }
        finally
        {
            pipe.AdvanceTo(read.Buffer.End);
        }
    }
}
