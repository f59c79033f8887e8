using System.Text;
using System.Text.Json;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.ContactRules.Exports;

/// <summary>
/// Writes an export file to a stream as contacts arrive, holding no more than what was written since the last flush.
/// CSV is UTF-8 with a BOM (so Excel reads it as UTF-8) and a header row; JSON is one array of objects.
/// </summary>
public abstract class ExportFileWriter : IAsyncDisposable
{
    public static ExportFileWriter Create(ExportFormat format, Stream stream, IReadOnlyList<FieldDefinition> fields) =>
        format == ExportFormat.Json ? new JsonFileWriter(stream, fields) : new CsvFileWriter(stream, ExportLayout.Columns(fields));

    public abstract void Write(ExportContact contact);

    /// <summary>Pushes what was written so far to the stream.</summary>
    public abstract Task FlushAsync(CancellationToken cancellationToken = default);

    /// <summary>Ends the file (the JSON array's closing bracket) and flushes.</summary>
    public abstract Task CompleteAsync(CancellationToken cancellationToken = default);

    public abstract ValueTask DisposeAsync();

    private sealed class CsvFileWriter : ExportFileWriter
    {
        private readonly IReadOnlyList<ExportColumn> _columns;
        private readonly StreamWriter _writer;
        private readonly StringBuilder _record = new();

        public CsvFileWriter(Stream stream, IReadOnlyList<ExportColumn> columns)
        {
            _columns = columns;
            _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true);
            CsvText.AppendRecord(_record, columns.Select(c => SpreadsheetCells.Neutralise(c.Header)));
            Drain();
        }

        public override void Write(ExportContact contact)
        {
            CsvText.AppendRecord(_record, ExportLayout.Cells(_columns, contact));
            Drain();
        }

        public override Task FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

        public override Task CompleteAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

        public override ValueTask DisposeAsync() => _writer.DisposeAsync();

        private void Drain()
        {
            foreach (var chunk in _record.GetChunks())
            {
                _writer.Write(chunk.Span);
            }

            _record.Clear();
        }
    }

    private sealed class JsonFileWriter : ExportFileWriter
    {
        private readonly IReadOnlyList<FieldDefinition> _fields;
        private readonly Utf8JsonWriter _writer;

        public JsonFileWriter(Stream stream, IReadOnlyList<FieldDefinition> fields)
        {
            _fields = fields;
            _writer = new Utf8JsonWriter(stream);
            _writer.WriteStartArray();
        }

        public override void Write(ExportContact contact) => ExportJson.WriteContact(_writer, contact, _fields);

        public override Task FlushAsync(CancellationToken cancellationToken = default) => _writer.FlushAsync(cancellationToken);

        public override Task CompleteAsync(CancellationToken cancellationToken = default)
        {
            _writer.WriteEndArray();
            return _writer.FlushAsync(cancellationToken);
        }

        public override ValueTask DisposeAsync() => _writer.DisposeAsync();
    }
}
