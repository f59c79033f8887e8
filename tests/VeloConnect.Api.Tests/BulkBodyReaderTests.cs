using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Http;
using VeloConnect.Api.Contacts;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The bulk body reader against System.Text.Json's own reading of the same items: generated bodies (a JSON array, or NDJSON
/// with blank lines and CRLF; a BOM or not; raw and escaped non-ASCII text, names in brackets, a NUL or a lone surrogate
/// now and then, a property given twice now and then) arrive in generated chunks, as a slow client sends them. The reader
/// gives exactly the items JsonDocument parses, each item's text unchanged, and the SHA-256 of the whole body; or refuses
/// the body naming the first item with a repeated property, else the first unstorable text at the path JsonNode gives it.
/// </summary>
public sealed class BulkBodyReaderTests
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>JSON string literals: plain, raw and escaped non-ASCII, escapes of ASCII, and (rarely) unstorable text.</summary>
    private static readonly Gen<string> Literal = Gen.Frequency(
        (6, Gen.String[Gen.Char['a', 'z'], 0, 6].Select(s => $"\"{s}\"")),
        (3, Gen.OneOf("\"Zoë\"", "\"日本\"", "\"😀\"", "\"Jos\\u00e9\"", "\"\\ud83d\\ude00\"", "\"a\\\"b\"", "\"\\\\\"", "\"tab\\tnew\\nline\"",
            "\"a b.c\"", "\"it's\"", "\"$x\"", "\"\\/\"")),
        (1, Gen.OneOf("\"\\u0000\"", "\"x\\u0000y\"", "\"\\ud800\"", "\"a\\udc00\"")));

    /// <summary>Property names: as literals, but no lone surrogate (JsonNode, the oracle, cannot enumerate such an object at all).</summary>
    private static readonly Gen<string> Name = Gen.Frequency(
        (8, Gen.OneOf("\"name\"", "\"phones\"", "\"email\"", "\"tags\"", "\"custom\"", "\"k\"", "\"a b\"", "\"Zoë\"", "\"it's\"", "\"x\\u00e9\"", "\"$x\"", "\"a\\\\b\"")),
        (2, Gen.String[Gen.Char['a', 'z'], 1, 8].Select(s => $"\"{s}\"")),
        (1, Gen.OneOf("\"n\\u0000\"")));

    private static readonly Gen<string> Space = Gen.OneOf("", "", " ", "  ");

    private static Gen<string> Value(int depth) => depth == 0
        ? Gen.Frequency((5, Literal), (2, Gen.Int[-1000, 1000].Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            (1, Gen.OneOf("true", "false", "null", "1.5e3", "-0.25")))
        : Gen.Frequency((6, Value(0)), (2, Value(depth - 1).Array[0, 4].Select(Array)), (2, Object(depth - 1)));

    private static Gen<string> Object(int depth) =>
        Gen.Select(Name, Space, Value(depth)).Select((n, s, v) => $"{n}:{s}{v}").Array[0, 5].Select(members => "{" + string.Join(", ", members) + "}");

    private static string Array(string[] items) => "[" + string.Join(",", items) + "]";

    private static readonly Gen<string> Item = Gen.Frequency((9, Object(2)), (1, Value(1)));

    private sealed record Body(bool Ndjson, string[] Items, byte[] Bytes, int[] Lines);

    private static readonly Gen<Body> Bodies = Gen.Select(Gen.Bool, Item.Array[1, 12], Gen.Bool, Gen.Int[0, 3].Array[12], Space).Select((ndjson, items, bom, blanks, tail) =>
    {
        var text = new StringBuilder();
        var lines = new int[items.Length];
        if (ndjson)
        {
            var line = 0;
            for (var i = 0; i < items.Length; i++)
            {
                for (var b = 0; b < blanks[i]; b++)
                {
                    text.Append(b % 2 == 0 ? "\n" : " \r\n");
                    line++;
                }

                lines[i] = ++line;
                text.Append(items[i]).Append(i % 2 == 0 ? "\n" : "\r\n");
            }
        }
        else
        {
            text.Append(tail).Append('[').Append(string.Join("," + tail, items)).Append(']').Append(tail);
        }

        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        return new Body(ndjson, items, bom ? [0xEF, 0xBB, 0xBF, .. bytes] : bytes, lines);
    });

    [Fact]
    public async Task Items_are_the_ones_json_parses_whatever_the_chunks_and_a_refusal_names_the_first_bad_item()
    {
        await Gen.Select(Bodies, Gen.Int[1, 48].Array[1, 8], Gen.Bool).SampleAsync(async (body, chunks, sendLength) =>
        {
            var http = new DefaultHttpContext();
            http.Request.ContentType = body.Ndjson ? "application/x-ndjson" : "application/json";
            http.Request.ContentLength = sendLength ? body.Bytes.Length : null;
            http.Request.Body = new ChunkedStream(body.Bytes, chunks);

            var (read, problem) = await BulkBodyReader.ReadAsync(http.Request);

            var expected = Expected(body);
            if (expected is null)
            {
                Assert.Null(problem);
                using (read)
                {
                    Assert.Equal(body.Items.Select(i => JsonDocument.Parse(i).RootElement.GetRawText()), read!.Items.Select(i => i.GetRawText()));
                    Assert.Equal(SHA256.HashData(body.Bytes), read.Hash);
                }
            }
            else
            {
                Assert.Null(read);
                Assert.Equal(400, problem!.StatusCode);
                Assert.StartsWith(expected, problem.ProblemDetails.Detail, StringComparison.Ordinal);
            }
        }, iter: 3000, print: c => $"{(c.Item1.Ndjson ? "ndjson" : "array")} chunks [{string.Join(",", c.Item2)}] {Encoding.UTF8.GetString(c.Item1.Bytes)}");
    }

    /// <summary>The start of the refusal's detail, or null when the body is fine: a repeated property first, then unstorable text.</summary>
    private static string? Expected(Body body)
    {
        for (var i = 0; i < body.Items.Length; i++)
        {
            try
            {
                using var _ = JsonDocument.Parse(body.Items[i], Strict);
            }
            catch (JsonException)
            {
                return body.Ndjson ? $"Line {body.Lines[i]} is not valid JSON (Duplicate property" : $"Item {i} is not valid JSON (Duplicate property";
            }
        }

        var items = new JsonArray([.. body.Items.Select(i => JsonNode.Parse(i))]);
        return FirstUnstorable(items) is { } path ? $"The text at {path} holds a NUL character" : null;
    }

    /// <summary>The oracle: the first name or string (in document order) that holds a NUL or cannot be read as text, by JsonNode's paths.</summary>
    private static string? FirstUnstorable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name.Contains('\0', StringComparison.Ordinal))
                    {
                        return obj.GetPath();
                    }

                    if (FirstUnstorable(value) is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case JsonArray array:
                return array.Select(FirstUnstorable).FirstOrDefault(p => p is not null);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    return value.GetValue<string>().Contains('\0', StringComparison.Ordinal) ? value.GetPath() : null;
                }
                catch (InvalidOperationException)
                {
                    return value.GetPath();
                }

            default:
                return null;
        }
    }

    /// <summary>The body in reads of the given sizes, in turn: the pipe over it sees the items cut anywhere.</summary>
    private sealed class ChunkedStream(byte[] bytes, int[] chunks) : Stream
    {
        private int _position;
        private int _reads;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var size = Math.Min(Math.Min(buffer.Length, chunks[_reads++ % chunks.Length]), bytes.Length - _position);
            bytes.AsSpan(_position, size).CopyTo(buffer);
            _position += size;
            return size;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => ValueTask.FromResult(Read(buffer.Span));

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => Task.FromResult(Read(buffer, offset, count));

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
