using Npgsql;

namespace VeloConnect.Data.Imports;

/// <summary>
/// A stored file's column stream that owns the query it comes from: reading pulls the file from the database a buffer at a
/// time; disposing ends the query and returns the connection to the pool.
/// </summary>
internal sealed class StoredFileStream(Stream content, NpgsqlDataReader reader, NpgsqlCommand command, NpgsqlConnection connection) : Stream
{
    private bool _disposed;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => content.Read(buffer, offset, count);

    public override int Read(Span<byte> buffer) => content.Read(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        content.ReadAsync(buffer, offset, count, cancellationToken);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        content.ReadAsync(buffer, cancellationToken);

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await content.DisposeAsync();
        await reader.DisposeAsync();
        await command.DisposeAsync();
        await connection.DisposeAsync();
        await base.DisposeAsync();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            content.Dispose();
            reader.Dispose();
            command.Dispose();
            connection.Dispose();
        }

        base.Dispose(disposing);
    }
}
