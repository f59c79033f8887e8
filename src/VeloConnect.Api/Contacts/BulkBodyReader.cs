using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;

namespace VeloConnect.Api.Contacts;

/// <summary>A bulk request's items and the SHA-256 of its body's bytes (what an Idempotency-Key's retry is compared by).</summary>
internal sealed record BulkBody(JsonArray Items, byte[] Hash);

/// <summary>
/// Reads the body of <c>POST /api/contacts/bulk</c> as it arrives from the request pipe: a JSON array (Utf8JsonReader over
/// the pipe's buffers, one item parsed at a time) or NDJSON (one item per line). Items are counted on the way, so the item
/// past the limit ends the request there with 413: the rest of the body is neither received nor parsed. Bad JSON, an empty
/// body and a body past the byte limit are answered with what to send instead.
/// </summary>
internal static class BulkBodyReader
{
    private const string Example = "{\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}";

    private enum Stop { None, NotAnArray, TooManyItems }

    /// <summary>Items per request (a bulk request's contacts, or a command-line import's rows).</summary>
    public const int MaxItems = 10_000;

    /// <summary>10,000 contacts with long names, several phones, tags and custom values stay far below this.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    public static Task<(BulkBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request) => ReadAsync(request, MaxItems, MaxBodyBytes);

    public static async Task<(BulkBody? Body, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, int maxItems, long maxBytes)
    {
        if (request.ContentLength > maxBytes)
        {
            return (null, TooLarge(request, string.Create(CultureInfo.InvariantCulture,
                $"The body is {request.ContentLength:N0} bytes; a bulk request may be {maxBytes / (1024 * 1024)} MB. Send at most {maxItems:N0} contacts per request.")));
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var items = new JsonArray();
        var ndjson = IsNdjson(request.ContentType);
        var pipe = request.BodyReader;
        var state = new JsonReaderState();
        var inArray = false;
        var line = 0;
        var bomChecked = false;
        long received = 0;
        long wanted = 0;
        while (true)
        {
            var read = await pipe.ReadAsync(request.HttpContext.RequestAborted);
            var buffer = read.Buffer;

            // Every read is ended by exactly one AdvanceTo, whichever way this pass leaves (a return included): a read left
            // open makes the server's own draining of the body fail after the answer, and the connection ends mid-response.
            var (consumedTo, examinedTo) = (buffer.Start, buffer.End);
            try
            {
                if (received + buffer.Length > maxBytes)
                {
                    return (null, TooLarge(request, string.Create(CultureInfo.InvariantCulture,
                        $"The body is over {maxBytes / (1024 * 1024)} MB. Send at most {maxItems:N0} contacts per request.")));
                }

                // An unfinished item or line is looked at again only once the unread part has doubled: a huge one costs linear time.
                if (!read.IsCompleted && (buffer.Length < wanted || (!bomChecked && buffer.Length < Bom.Length)))
                {
                    continue;
                }

                long consumed = 0;
                if (!bomChecked)
                {
                    bomChecked = true;
                    consumed = buffer.Length >= Bom.Length && buffer.Slice(0, Bom.Length).ToArray().AsSpan().SequenceEqual(Bom) ? Bom.Length : 0;
                }

                var (taken, stop, error) = ndjson
                    ? TakeLines(buffer.Slice(consumed), read.IsCompleted, items, maxItems, ref line)
                    : TakeArrayItems(buffer.Slice(consumed), read.IsCompleted, items, maxItems, ref state, ref inArray);
                consumed += taken;
                if (error is not null)
                {
                    return (null, ApiProblems.BadRequest(ndjson ? "Unreadable line" : "Unreadable body", error));
                }

                switch (stop)
                {
                    case Stop.TooManyItems:
                        return (null, TooLarge(request, string.Create(CultureInfo.InvariantCulture,
                            $"This request holds at least {maxItems + 1:N0} contacts; a bulk request takes at most {maxItems:N0}. Split it into requests of {maxItems:N0} "
                            + $"(the command-line importer does this for a file of any size). Nothing of this request was applied.")));
                    case Stop.NotAnArray:
                        return (null, NoContacts());
                }

                // The whole body goes into the hash once it is complete (trailing whitespace included), as the old whole-body hash did.
                foreach (var segment in read.IsCompleted ? buffer : buffer.Slice(0, consumed))
                {
                    hash.AppendData(segment.Span);
                }

                if (read.IsCompleted)
                {
                    consumedTo = buffer.End;
                    break;
                }

                received += consumed;
                wanted = 2 * (buffer.Length - consumed);
                consumedTo = buffer.GetPosition(consumed);
            }
            finally
            {
                pipe.AdvanceTo(consumedTo, examinedTo);
            }
        }

        if (StoredText.FirstUnstorable(items) is { } unstorable)
        {
            return (null, ApiProblems.BadRequest("Unstorable text", $"The text at {unstorable} {StoredText.Unstorable}. Nothing of this request was applied."));
        }

        return items.Count == 0 ? (null, NoContacts()) : (new BulkBody(items, hash.GetHashAndReset()), null);
    }

    /// <summary>
    /// The array's items that are whole in the buffer; how many bytes they took. Stops at the start of item maxItems + 1,
    /// before parsing it.
    /// </summary>
    private static (long Consumed, Stop Stop, string? Error) TakeArrayItems(
        ReadOnlySequence<byte> buffer, bool final, JsonArray items, int maxItems, ref JsonReaderState state, ref bool inArray)
    {
        var reader = new Utf8JsonReader(buffer, final, state);
        try
        {
            while (true)
            {
                var before = reader;
                if (!reader.Read())
                {
                    break;
                }

                if (!inArray)
                {
                    if (reader.TokenType != JsonTokenType.StartArray)
                    {
                        return (reader.BytesConsumed, Stop.NotAnArray, null);
                    }

                    inArray = true;
                    continue;
                }

                if (reader.CurrentDepth == 0)
                {
                    // The closing bracket: only whitespace may follow (the reader refuses anything else).
                    continue;
                }

                if (items.Count == maxItems)
                {
                    return (before.BytesConsumed, Stop.TooManyItems, null);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    var probe = reader;
                    if (!probe.TrySkip())
                    {
                        // The item is not whole yet: read it again from its start once more of the body is in.
                        reader = before;
                        break;
                    }
                }

                items.Add(JsonNode.Parse(ref reader));
            }

            if (final && !inArray)
            {
                return (0, Stop.NotAnArray, null);
            }
        }
        catch (JsonException e)
        {
            return (0, Stop.None, $"The body is not valid JSON ({e.Message}); send a JSON array of contacts with Content-Type: application/json "
                + "(or one contact per line with Content-Type: application/x-ndjson).");
        }

        state = reader.CurrentState;
        return (reader.BytesConsumed, Stop.None, null);
    }

    /// <summary>The whole lines in the buffer (the last one too when the body is complete), one item each; blank lines are skipped.</summary>
    private static (long Consumed, Stop Stop, string? Error) TakeLines(ReadOnlySequence<byte> buffer, bool final, JsonArray items, int maxItems, ref int line)
    {
        var reader = new SequenceReader<byte>(buffer);
        while (true)
        {
            var start = reader.Consumed;
            if (!reader.TryReadTo(out ReadOnlySequence<byte> text, (byte)'\n'))
            {
                if (!final || reader.End)
                {
                    return (start, Stop.None, null);
                }

                text = reader.UnreadSequence;
                reader.AdvanceToEnd();
            }

            line++;
            ReadOnlySpan<byte> bytes = text.IsSingleSegment ? text.FirstSpan : text.ToArray();
            if (bytes.Trim(" \t\r"u8).IsEmpty)
            {
                continue;
            }

            if (items.Count == maxItems)
            {
                return (start, Stop.TooManyItems, null);
            }

            try
            {
                items.Add(JsonNode.Parse(bytes));
            }
            catch (JsonException e)
            {
                return (start, Stop.None, string.Create(CultureInfo.InvariantCulture,
                    $"Line {line} is not valid JSON ({e.Message}); with Content-Type: application/x-ndjson each line holds one contact, e.g. {Example}."));
            }
        }
    }

    private static ReadOnlySpan<byte> Bom => [0xEF, 0xBB, 0xBF];

    private static bool IsNdjson(string? contentType) =>
        contentType is not null && (contentType.StartsWith("application/x-ndjson", StringComparison.OrdinalIgnoreCase)
            || contentType.StartsWith("application/jsonl", StringComparison.OrdinalIgnoreCase));

    private static ProblemHttpResult NoContacts() =>
        ApiProblems.BadRequest("No contacts", $"The body must be a JSON array holding 1 to 10,000 contacts, e.g. [{Example}], "
            + "or, with Content-Type: application/x-ndjson, 1 to 10,000 lines of one contact each.");

    /// <summary>413, and the connection is closed after it: the rest of the body is not worth receiving.</summary>
    private static ProblemHttpResult TooLarge(HttpRequest request, string detail)
    {
        if (HttpProtocol.IsHttp10(request.Protocol) || HttpProtocol.IsHttp11(request.Protocol))
        {
            request.HttpContext.Response.Headers.Connection = "close";
        }

        return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many contacts", detail: detail);
    }
}
