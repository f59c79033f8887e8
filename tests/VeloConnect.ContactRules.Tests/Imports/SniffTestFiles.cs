using System.Text;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>Files in memory, the way the upload step receives them.</summary>
internal static class SniffTestFiles
{
    public static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    public static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    static SniffTestFiles() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    public static Encoding Windows1252 => Encoding.GetEncoding(1252);

    public static Encoding Windows1251 => Encoding.GetEncoding(1251);

    public static SniffResult Sniff(string text, SniffOptions? options = null) => Sniff(Utf8.GetBytes(text), options);

    public static SniffResult Sniff(byte[] bytes, SniffOptions? options = null)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return CsvSniffer.Sniff(stream, options ?? new SniffOptions());
    }

    public static SniffResult SniffOnce(byte[] bytes, SniffOptions? options = null)
    {
        using var stream = new OneWayStream(bytes);
        return CsvSniffer.Sniff(stream, options ?? new SniffOptions());
    }

    public static List<CsvRow> Rows(string text, char delimiter = ',', bool hasHeader = true) =>
        Rows(Utf8.GetBytes(text), StrictUtf8, delimiter, hasHeader);

    public static List<CsvRow> Rows(byte[] bytes, Encoding encoding, char delimiter = ',', bool hasHeader = true, int headerRow = 1)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        return [.. CsvRows.Read(stream, encoding, delimiter, hasHeader, headerRow)];
    }

    public static string ContactsCsv(int rows)
    {
        var text = new StringBuilder("Name,Phone,Email\n");
        for (var i = 1; i <= rows; i++)
        {
            text.Append("Person ").Append(i).Append(",+1 415 555 ").Append((i % 10_000).ToString("0000")).Append(",p").Append(i).Append("@example.com\n");
        }

        return text.ToString();
    }
}

/// <summary>A non-seekable upload (a request body) that counts what is read from it.</summary>
internal sealed class OneWayStream(byte[] bytes) : Stream
{
    private readonly MemoryStream _inner = new(bytes, writable: false);

    public long BytesRead { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count)
    {
        // Short reads, as a network stream gives them.
        var read = _inner.Read(buffer, offset, Math.Min(count, 1000));
        BytesRead += read;
        return read;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
