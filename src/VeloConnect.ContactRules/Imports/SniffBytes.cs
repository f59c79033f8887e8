using System.Text;

namespace VeloConnect.ContactRules.Imports;

internal enum ByteOrderMark { None, Utf8, Utf16Le, Utf16Be }

/// <summary>Checks on the raw bytes, before anything is decoded.</summary>
internal static class SniffBytes
{
    /// <summary>How much of the start of the file the BOM and binary checks look at.</summary>
    public const int HeadSize = 8 * 1024;

    // Containers people upload instead of a CSV: zip (.xlsx, .ods, .numbers), OLE (.xls), PDF, gzip.
    private static readonly byte[][] Signatures =
    [
        [0x50, 0x4B, 0x03, 0x04],
        [0x50, 0x4B, 0x05, 0x06],
        [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
        [0x25, 0x50, 0x44, 0x46, 0x2D],
        [0x1F, 0x8B],
    ];

    /// <summary>Reads until the buffer is full or the stream ends (a network stream may return short reads).</summary>
    public static int ReadHead(Stream stream, byte[] head)
    {
        var total = 0;
        int read;
        while (total < head.Length && (read = stream.Read(head, total, head.Length - total)) > 0)
        {
            total += read;
        }

        return total;
    }

    public static (ByteOrderMark Bom, int Length) DetectBom(ReadOnlySpan<byte> head) => head switch
    {
        [0xEF, 0xBB, 0xBF, ..] => (ByteOrderMark.Utf8, 3),
        [0xFF, 0xFE, ..] => (ByteOrderMark.Utf16Le, 2),
        [0xFE, 0xFF, ..] => (ByteOrderMark.Utf16Be, 2),
        _ => (ByteOrderMark.None, 0),
    };

    /// <summary>A NUL, a container signature, or many control characters: text files have none of these.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> head, ByteOrderMark bom, int bomLength)
    {
        foreach (var signature in Signatures)
        {
            if (head.StartsWith(signature))
            {
                return true;
            }
        }

        var body = head[bomLength..];
        if (bom is ByteOrderMark.Utf16Le or ByteOrderMark.Utf16Be)
        {
            // In UTF-16 every other byte of plain text is 0: judge the characters, not the bytes.
            var utf16 = new UnicodeEncoding(bigEndian: bom == ByteOrderMark.Utf16Be, byteOrderMark: false);
            var text = utf16.GetString(body[..(body.Length & ~1)]);
            return ControlsLookBinary(text.Length, text.Count(IsBinaryControl), text.Contains('\0'));
        }

        var controls = 0;
        foreach (var b in body)
        {
            if (IsBinaryControl((char)b))
            {
                controls++;
            }
        }

        return ControlsLookBinary(body.Length, controls, body.Contains((byte)0));
    }

    // A few stray control characters happen in exported text (a vertical tab for an in-cell line break); 5% do not.
    private static bool ControlsLookBinary(int length, int controls, bool hasNul) =>
        hasNul || (controls >= 3 && controls * 20 > length);

    private static bool IsBinaryControl(char c) => c is (< ' ' and not ('\t' or '\n' or '\r')) or '\u007F';
}

/// <summary>
/// Validates strict UTF-8 as the bytes stream past (overlongs, surrogates and truncated sequences are invalid), notes
/// the line of the first invalid byte, and keeps a bounded sample of the lines with non-ASCII bytes for the charset
/// detector, so a large file is never held whole.
/// </summary>
internal sealed class Utf8Scan
{
    private const int SampleLimit = 64 * 1024;
    private const int LineLimit = 2 * 1024;

    private readonly MemoryStream _sample = new();
    private readonly byte[] _lineBytes = new byte[LineLimit];
    private int _lineLength;
    private bool _lineHasHigh;
    private int _need;
    private byte _low = 0x80;
    private byte _high = 0xBF;
    private long _sequenceLine;
    private long _line = 1;
    private bool _previousWasCr;

    public long? FirstBadLine { get; private set; }

    public bool IsValid => FirstBadLine is null;

    public bool HasNonAscii { get; private set; }

    /// <summary>Bytes 0x80-0x9F (telling only when the file is not UTF-8): printable in windows-125x, controls in ISO-8859.</summary>
    public bool HasC1 { get; private set; }

    public ReadOnlySpan<byte> Sample => _sample.GetBuffer().AsSpan(0, (int)_sample.Length);

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            Validate(b);
            Track(b);
        }
    }

    /// <summary>The end of the input: a sequence cut off at the end is invalid.</summary>
    public void Complete()
    {
        if (_need > 0)
        {
            Bad(_sequenceLine);
        }

        EndLine();
    }

    private void Validate(byte b)
    {
        if (_need > 0)
        {
            if (b >= _low && b <= _high)
            {
                _need--;
                _low = 0x80;
                _high = 0xBF;
                return;
            }

            // The sequence broke off: report its line, then judge this byte afresh.
            Bad(_sequenceLine);
            _need = 0;
            _low = 0x80;
            _high = 0xBF;
        }

        if (b < 0x80)
        {
            return;
        }

        HasNonAscii = true;
        _sequenceLine = _line;
        (_need, _low, _high) = b switch
        {
            >= 0xC2 and <= 0xDF => (1, (byte)0x80, (byte)0xBF),
            0xE0 => (2, (byte)0xA0, (byte)0xBF),
            0xED => (2, (byte)0x80, (byte)0x9F),
            >= 0xE1 and <= 0xEF => (2, (byte)0x80, (byte)0xBF),
            0xF0 => (3, (byte)0x90, (byte)0xBF),
            >= 0xF1 and <= 0xF3 => (3, (byte)0x80, (byte)0xBF),
            0xF4 => (3, (byte)0x80, (byte)0x8F),
            _ => (0, (byte)0x80, (byte)0xBF),
        };
        if (_need == 0)
        {
            Bad(_line);
        }
    }

    private void Track(byte b)
    {
        if (b is (byte)'\n' or (byte)'\r')
        {
            if (b == '\r' || !_previousWasCr)
            {
                _line++;
            }

            _previousWasCr = b == '\r';
            EndLine();
            return;
        }

        _previousWasCr = false;
        if (b >= 0x80)
        {
            _lineHasHigh = true;
            if (b <= 0x9F)
            {
                HasC1 = true;
            }
        }

        if (_lineLength < LineLimit)
        {
            _lineBytes[_lineLength++] = b;
        }
    }

    private void EndLine()
    {
        if (_lineHasHigh && _sample.Length < SampleLimit)
        {
            _sample.Write(_lineBytes, 0, _lineLength);
            _sample.WriteByte((byte)'\n');
        }

        _lineLength = 0;
        _lineHasHigh = false;
    }

    private void Bad(long line) => FirstBadLine ??= line;
}
