using System.Text;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// One data record. RowNumber is what a spreadsheet shows: the header (if any) is row 1, the first data row then row 2;
/// without a header the first data row is row 1. Skipped blank lines keep their numbers (as in a spreadsheet), so rows
/// after a blank line are numbered past it. Raw is the record's text as uploaded, without its line break (for the error
/// report); Cells the parsed cells.
/// </summary>
public sealed record CsvRow(int RowNumber, IReadOnlyList<string> Cells, string Raw);

public static class CsvRows
{
    /// <summary>
    /// Streams the data records (skipping the header when hasHeader and skipping blank lines), RFC 4180 (quotes,
    /// embedded delimiters, quotes and line breaks, CRLF/LF). The stream is left open. Decoding errors of a strict
    /// encoding (as <see cref="CsvSniffer.ReadingEncoding"/> returns) are thrown, never read as garbled text. headerRow: the
    /// row the header is on (<see cref="SniffResult.HeaderRow"/>); the rows above it are not read.
    /// </summary>
    public static IEnumerable<CsvRow> Read(Stream file, Encoding encoding, char delimiter, bool hasHeader, int headerRow = 1)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(encoding);
        return ReadRecords(file, encoding, delimiter, hasHeader, headerRow);
    }

    private static IEnumerable<CsvRow> ReadRecords(Stream file, Encoding encoding, char delimiter, bool hasHeader, int headerRow)
    {
        using var text = new StreamReader(file, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var records = new CsvRecordReader(text, delimiter, cellCap: int.MaxValue, keepRaw: true);
        var rowNumber = 0;
        var headerPending = hasHeader;
        while (records.Read())
        {
            rowNumber++;
            if (records.IsBlank || rowNumber < headerRow)
            {
                continue;
            }

            if (headerPending)
            {
                headerPending = false;
                continue;
            }

            yield return new CsvRow(rowNumber, [.. records.Cells], records.Raw);
        }
    }

    /// <summary>
    /// How many characters of the text make up its first whole records: at most maxRecords non-blank records (the
    /// header counts as one), stopping before the record that would pass maxChars, but never fewer than two non-blank
    /// records (a header and a row). The text ends at a record's line break (a CRLF's LF may be left out), never inside
    /// a quoted cell, so the head of a file is a file the sniff reads like the whole one. Blank lines in between are kept.
    /// </summary>
    public static long HeadLength(TextReader text, char delimiter, int maxRecords, long maxChars)
    {
        ArgumentNullException.ThrowIfNull(text);
        var records = new CsvRecordReader(text, delimiter, cellCap: 0, keepRaw: false);
        var length = 0L;
        var taken = 0;
        while (taken < maxRecords && records.Read())
        {
            if (records.IsBlank)
            {
                continue;
            }

            if (taken >= 2 && records.CharsConsumed > maxChars)
            {
                break;
            }

            taken++;
            length = records.CharsConsumed;
        }

        return length;
    }
}

/// <summary>
/// The one RFC 4180 tokenizer behind both the sniff and <see cref="CsvRows"/>, so the row count, blank lines and row
/// numbers the upload step shows are exactly the rows the import reads. Lenient where spreadsheets are: a lone CR ends
/// a line too, a quote inside an unquoted cell is a literal, text after a closing quote is kept. At most maxCells cells of a
/// record are kept: the rest are counted (<see cref="FilledWidth"/>), not held, so a hostile row costs no memory.
/// </summary>
internal sealed class CsvRecordReader(TextReader reader, char delimiter, int cellCap, bool keepRaw, int maxCells = int.MaxValue)
{
    private enum State { CellStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly char[] _buffer = new char[32 * 1024];
    private readonly StringBuilder _cell = new();
    private readonly StringBuilder _raw = new();
    private int _position;
    private int _length;
    private long _consumedBefore;
    private bool _started;
    private bool _skipLf;
    private bool _previousWasCr;
    private long _line = 1;
    private int _cellLength;
    private bool _content;
    private bool _cellContent;
    private int _cellCount;

    public List<string> Cells { get; } = [];

    /// <summary>Characters taken from the reader so far, through the last record's line break (a CRLF's LF is taken with the next record).</summary>
    public long CharsConsumed => _consumedBefore + _position;

    /// <summary>The record's text without its line break (only when keepRaw).</summary>
    public string Raw => _raw.ToString();

    /// <summary>True when every cell is empty or whitespace (a blank line, or a line of only delimiters).</summary>
    public bool IsBlank => !_content;

    /// <summary>How many cells the record has up to its last non-blank one (trailing blank cells, a trailing delimiter, do not count).</summary>
    public int FilledWidth { get; private set; }

    /// <summary>The record has more than maxCells cells that count (<see cref="FilledWidth"/>); <see cref="Cells"/> holds the first maxCells.</summary>
    public bool TooWide => FilledWidth > maxCells;

    /// <summary>The true length of the record's longest cell (cells may be capped in <see cref="Cells"/>).</summary>
    public int LongestCell { get; private set; }

    /// <summary>Set when the input ended inside a quoted cell: the line that quote opened on.</summary>
    public long? UnclosedQuoteLine { get; private set; }

    /// <summary>True once any character other than whitespace was read (delimiters and quotes included).</summary>
    public bool SawNonWhitespace { get; private set; }

    public bool Read()
    {
        Cells.Clear();
        _cell.Clear();
        _raw.Clear();
        _cellLength = 0;
        _content = false;
        _cellContent = false;
        _cellCount = 0;
        FilledWidth = 0;
        LongestCell = 0;
        var state = State.CellStart;
        var consumed = false;
        long quoteLine = 0;

        while (true)
        {
            if (_position == _length)
            {
                _consumedBefore += _length;
                _length = reader.Read(_buffer, 0, _buffer.Length);
                _position = 0;
                if (_length == 0)
                {
                    break;
                }
            }

            var c = _buffer[_position++];
            var skipLf = _skipLf;
            _skipLf = false;
            if ((c == '\n' && !_previousWasCr) || c == '\r')
            {
                _line++;
            }

            _previousWasCr = c == '\r';
            if (skipLf && c == '\n')
            {
                continue;
            }

            if (!_started)
            {
                _started = true;
                if (c == '\uFEFF')
                {
                    continue;
                }
            }

            consumed = true;

            if (!SawNonWhitespace && !char.IsWhiteSpace(c))
            {
                SawNonWhitespace = true;
            }

            switch (state)
            {
                case State.CellStart when c == '"':
                    state = State.Quoted;
                    quoteLine = _line;
                    break;
                case State.Quoted when c == '"':
                    state = State.QuoteInQuoted;
                    break;
                case State.Quoted:
                    Append(c);
                    break;
                case State.QuoteInQuoted when c == '"':
                    Append('"');
                    state = State.Quoted;
                    break;
                case not State.Quoted when c == delimiter:
                    EndCell();
                    state = State.CellStart;
                    break;
                case not State.Quoted when c is '\r' or '\n':
                    _skipLf = c == '\r';
                    EndCell();
                    return true;
                default:
                    // Unquoted text, or text after a closing quote (kept, as spreadsheets do).
                    Append(c);
                    state = State.Unquoted;
                    break;
            }

            if (keepRaw)
            {
                _raw.Append(c);
            }
        }

        if (!consumed)
        {
            return false;
        }

        if (state == State.Quoted)
        {
            UnclosedQuoteLine = quoteLine;
        }

        EndCell();
        return true;
    }

    private void Append(char c)
    {
        _cellLength++;
        if (_cell.Length < cellCap)
        {
            _cell.Append(c);
        }

        if (!_cellContent && !char.IsWhiteSpace(c))
        {
            _content = true;
            _cellContent = true;
        }
    }

    private void EndCell()
    {
        _cellCount++;
        if (_cellContent)
        {
            FilledWidth = _cellCount;
        }

        if (Cells.Count < maxCells)
        {
            Cells.Add(_cell.ToString());
        }

        LongestCell = Math.Max(LongestCell, _cellLength);
        _cell.Clear();
        _cellLength = 0;
        _cellContent = false;
    }
}
