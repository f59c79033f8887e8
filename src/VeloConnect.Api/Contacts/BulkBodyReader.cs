using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// A bulk request's items and the SHA-256 of its body's bytes (what an Idempotency-Key's retry is compared by). The items
/// are elements of one document over a pooled copy of the body: read what is needed out of them, then dispose the body
/// (nothing may hold an item past that; a keyed request's work can outlive its request, so it is given what was read).
/// </summary>
internal sealed class BulkBody(JsonDocument document, byte[] buffer, JsonElement[] items, byte[] hash) : IDisposable
{
    private bool _disposed;

    public IReadOnlyList<JsonElement> Items => _disposed ? throw new ObjectDisposedException(nameof(BulkBody)) : items;

    public byte[] Hash => hash;

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            document.Dispose();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}

/// <summary>
/// Reads the body of <c>POST /api/contacts/bulk</c> (and of a command-line import's rows) as it arrives from the request
/// pipe: a JSON array (Utf8JsonReader over the pipe's buffers, one whole item at a time) or NDJSON (one item per line).
/// Items are counted on the way, so the item past the limit ends the request there with 413: the rest of the body is
/// neither received nor parsed. Bad JSON, an empty body and a body past the byte limit are answered with what to send
/// instead. The items' bytes are copied into one pooled buffer as they are checked (NDJSON's lines as the items of one
/// array) and parsed once at the end into one <see cref="JsonDocument"/>, whose metadata is pooled too: no tree of
/// nodes per item, which was the API's largest allocation in a bulk request.
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
        var ndjson = IsNdjson(request.ContentType);
        // Sized from the declared length up to 1 MB, then grown as bytes arrive: a declared length is no reason to hold 64 MB.
        using var items = new ItemsText(ndjson, (int)Math.Clamp(request.ContentLength ?? 0, 4096, 1024 * 1024) + 2);
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

        if (items.Count == 0)
        {
            return (null, NoContacts());
        }

        return items.Parse(hash.GetHashAndReset());
    }

    /// <summary>
    /// The array's items that are whole in the buffer; how many bytes they took. Stops at the start of item maxItems + 1,
    /// before parsing it.
    /// </summary>
    private static (long Consumed, Stop Stop, string? Error) TakeArrayItems(
        ReadOnlySequence<byte> buffer, bool final, ItemsText items, int maxItems, ref JsonReaderState state, ref bool inArray)
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

                var start = reader.TokenStartIndex;
                var suspect = SkipItem(ref reader);
                items.Add(start, reader.BytesConsumed, suspect);
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
        items.Append(buffer.Slice(0, reader.BytesConsumed));
        return (reader.BytesConsumed, Stop.None, null);
    }

    /// <summary>The whole lines in the buffer (the last one too when the body is complete), one item each; blank lines are skipped.</summary>
    private static (long Consumed, Stop Stop, string? Error) TakeLines(ReadOnlySequence<byte> buffer, bool final, ItemsText items, int maxItems, ref int line)
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
                // One value per line: reading on past it fails when anything but whitespace follows.
                var json = new Utf8JsonReader(bytes);
                json.Read();
                var suspect = SkipItem(ref json);
                while (json.Read())
                {
                }

                items.AddLine(bytes, suspect, line);
            }
            catch (JsonException e)
            {
                return (start, Stop.None, string.Create(CultureInfo.InvariantCulture,
                    $"Line {line} is not valid JSON ({e.Message}); with Content-Type: application/x-ndjson each line holds one contact, e.g. {Example}."));
            }
        }
    }

    /// <summary>
    /// Reads past the item whose first token the reader is on (whole in its buffer); whether a string or name in it may
    /// not be storable text: an escaped or non-ASCII one, looked at again once parsed (<see cref="StoredText"/>). Text of
    /// plain ASCII with no escape holds no NUL and no lone surrogate (the reader refuses raw control characters).
    /// </summary>
    private static bool SkipItem(ref Utf8JsonReader reader)
    {
        var depth = reader.CurrentDepth;
        var suspect = false;
        while (true)
        {
            if (reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName)
            {
                suspect = suspect || reader.ValueIsEscaped || !(reader.HasValueSequence ? IsAscii(reader.ValueSequence) : Ascii.IsValid(reader.ValueSpan));
            }

            if (reader.CurrentDepth == depth && reader.TokenType is not (JsonTokenType.StartObject or JsonTokenType.StartArray or JsonTokenType.PropertyName))
            {
                return suspect;
            }

            reader.Read();
        }
    }

    private static bool IsAscii(ReadOnlySequence<byte> text)
    {
        foreach (var segment in text)
        {
            if (!Ascii.IsValid(segment.Span))
            {
                return false;
            }
        }

        return true;
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

    /// <summary>
    /// The items' text in a pooled buffer: a JSON array's bytes as they came (after the BOM), or NDJSON's lines as the items of
    /// one array. Where each item starts, and which ones may hold unstorable text, for the answers that name an item.
    /// </summary>
    private sealed class ItemsText(bool ndjson, int capacity) : IDisposable
    {
        private readonly List<(int Start, int End, bool Suspect, int Line)> _items = [];
        private byte[] _bytes = ArrayPool<byte>.Shared.Rent(capacity);
        private int _length;

        public int Count => _items.Count;

        /// <summary>An item of a JSON array, at these offsets of the bytes taken in this pass (appended once the pass ends).</summary>
        public void Add(long startInPass, long endInPass, bool suspect) => _items.Add(((int)(_length + startInPass), (int)(_length + endInPass), suspect, 0));

        public void Append(ReadOnlySequence<byte> taken)
        {
            foreach (var segment in taken)
            {
                Write(segment.Span);
            }
        }

        public void AddLine(ReadOnlySpan<byte> line, bool suspect, int number)
        {
            Write(_items.Count == 0 ? "["u8 : ","u8);
            _items.Add((_length, _length + line.Length, suspect, number));
            Write(line);
        }

        /// <summary>The document of the items, which takes the buffer over; or why it cannot be read (the buffer is given back by Dispose).</summary>
        public (BulkBody? Body, ProblemHttpResult? Problem) Parse(byte[] hash)
        {
            if (ndjson)
            {
                Write("]"u8);
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(_bytes.AsMemory(0, _length), JsonBody.Options);
            }
            catch (JsonException)
            {
                // The reader has checked the syntax; what is left is a property given twice. Name the item.
                return (null, Duplicate());
            }

            var elements = new JsonElement[_items.Count];
            var index = 0;
            foreach (var element in document.RootElement.EnumerateArray())
            {
                elements[index++] = element;
            }

            for (var i = 0; i < elements.Length; i++)
            {
                if (_items[i].Suspect && StoredText.FirstUnstorable(elements[i], $"$[{i}]") is { } path)
                {
                    document.Dispose();
                    return (null, ApiProblems.BadRequest("Unstorable text", $"The text at {path} {StoredText.Unstorable}. Nothing of this request was applied."));
                }
            }

            var body = new BulkBody(document, _bytes, elements, hash);
            _bytes = [];
            return (body, null);
        }

        public void Dispose()
        {
            if (_bytes.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = [];
            }
        }

        private void Write(ReadOnlySpan<byte> bytes)
        {
            if (_length + bytes.Length > _bytes.Length)
            {
                var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_bytes.Length * 2, _length + bytes.Length));
                _bytes.AsSpan(0, _length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(_bytes);
                _bytes = larger;
            }

            bytes.CopyTo(_bytes.AsSpan(_length));
            _length += bytes.Length;
        }

        private ProblemHttpResult Duplicate()
        {
            for (var i = 0; i < _items.Count; i++)
            {
                try
                {
                    using var _ = JsonDocument.Parse(_bytes.AsMemory(_items[i].Start, _items[i].End - _items[i].Start), JsonBody.Options);
                }
                catch (JsonException e)
                {
                    return ApiProblems.BadRequest(ndjson ? "Unreadable line" : "Unreadable body", ndjson
                        ? $"Line {_items[i].Line} is not valid JSON ({e.Message}); give each property once."
                        : $"Item {i} is not valid JSON ({e.Message}); give each property once.");
                }
            }

            return ApiProblems.BadRequest("Unreadable body", "The body is not valid JSON; send a JSON array of contacts, each property once.");
        }
    }
}
