namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The already-read head of the file followed by the rest of it, shown to the UTF-8 scan on the way through, so one pass
/// over a non-seekable upload both validates the bytes and feeds the CSV reader.
/// </summary>
internal sealed class SniffReplayStream(byte[] head, int headLength, Stream rest, Utf8Scan? scan) : Stream
{
    private int _headPosition;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(Span<byte> buffer)
    {
        int read;
        if (_headPosition < headLength)
        {
            read = Math.Min(buffer.Length, headLength - _headPosition);
            head.AsSpan(_headPosition, read).CopyTo(buffer);
            _headPosition += read;
        }
        else
        {
            read = rest.Read(buffer);
        }

        scan?.Feed(buffer[..read]);
        return read;
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}

/// <summary>Text already read for delimiter detection, then the rest of the reader: the file is still decoded once.</summary>
internal sealed class SniffPrefixedReader(string prefix, TextReader rest) : TextReader
{
    private int _position;

    public override int Read(char[] buffer, int index, int count) => Read(buffer.AsSpan(index, count));

    public override int Read(Span<char> buffer)
    {
        if (_position < prefix.Length)
        {
            var read = Math.Min(buffer.Length, prefix.Length - _position);
            prefix.AsSpan(_position, read).CopyTo(buffer);
            _position += read;
            return read;
        }

        return rest.Read(buffer);
    }

    public override int Peek() => _position < prefix.Length ? prefix[_position] : rest.Peek();

    public override int Read() => _position < prefix.Length ? prefix[_position++] : rest.Read();
}
