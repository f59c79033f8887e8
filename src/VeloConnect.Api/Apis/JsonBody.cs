using System.Buffers;
using System.Text.Json;

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

    /// <summary>What a body is parsed with: a property given twice is refused (which of the two would count is anyone's guess).</summary>
    public static readonly JsonDocumentOptions Options = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// Reads a JSON object body (its root is the object; dispose the document); a missing, malformed or oversized body gives
    /// the reason instead.
    /// </summary>
    public static async Task<(JsonDocument? Body, string? Error)> ReadObjectAsync(HttpRequest request)
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

            ReadOnlyMemory<byte> json = read.Buffer.ToArray();
            var body = JsonDocument.Parse(json.Span.StartsWith("\uFEFF"u8) ? json[3..] : json, Options);
            var error = body.RootElement.ValueKind != JsonValueKind.Object
                ? "The body must be a JSON object, e.g. {\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}."
                : StoredText.FirstUnstorable(body.RootElement) is { } path ? $"The text at {path} {StoredText.Unstorable}." : null;
            if (error is not null)
            {
                body.Dispose();
                return (null, error);
            }

            return (body, null);
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
