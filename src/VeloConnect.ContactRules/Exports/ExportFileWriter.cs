using System.Buffers;
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

    /// <summary>
    /// Cells go straight into the stream writer's buffer, neutralised and quoted as <see cref="SpreadsheetCells.Neutralise"/>
    /// and <see cref="CsvText.AppendField"/> would, without a string per cell or per record.
    /// </summary>
    private sealed class CsvFileWriter : ExportFileWriter
    {
        private readonly IReadOnlyList<ExportColumn> _columns;
        private readonly Record _record;

        public CsvFileWriter(Stream stream, IReadOnlyList<ExportColumn> columns)
        {
            _columns = columns;
            _record = new Record(new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: true), 64 * 1024, leaveOpen: true));
            foreach (var column in columns)
            {
                _record.Cell(column.Header);
            }

            _record.End();
        }

        public override void Write(ExportContact contact)
        {
            ExportLayout.WriteCells(_columns, contact, _record);
            _record.End();
        }

        public override Task FlushAsync(CancellationToken cancellationToken = default) => _record.Writer.FlushAsync(cancellationToken);

        public override Task CompleteAsync(CancellationToken cancellationToken = default) => _record.Writer.FlushAsync(cancellationToken);

        public override ValueTask DisposeAsync() => _record.Writer.DisposeAsync();

        private sealed class Record(StreamWriter writer) : ExportCells
        {
            private static readonly SearchValues<char> Special = SearchValues.Create(",\"\r\n");
            private bool _first = true;

            public StreamWriter Writer => writer;

            public override void Cell(ReadOnlySpan<char> value)
            {
                if (!_first)
                {
                    writer.Write(',');
                }

                _first = false;
                var quoted = value.ContainsAny(Special);
                if (quoted)
                {
                    writer.Write('"');
                }

                if (SpreadsheetCells.NeedsQuote(value))
                {
                    writer.Write('\'');
                }

                if (!quoted)
                {
                    writer.Write(value);
                    return;
                }

                // Quotes doubled (RFC 4180).
                for (var quote = value.IndexOf('"'); quote >= 0; quote = value.IndexOf('"'))
                {
                    writer.Write(value[..(quote + 1)]);
                    writer.Write('"');
                    value = value[(quote + 1)..];
                }

                writer.Write(value);
                writer.Write('"');
            }

            public void End()
            {
                writer.Write("\r\n");
                _first = true;
            }
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
