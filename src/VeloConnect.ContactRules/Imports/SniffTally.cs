namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// Counts and checks the records as they stream past. The first records are held back until the header decision
/// (it needs the rows below the first one), then every data row is checked and forgotten.
/// </summary>
internal sealed class SniffTally(char delimiter, SniffOptions options)
{
    private const int SampleLength = 100;

    private readonly List<(int Row, string[] Cells, int Longest)> _pending = [];
    private readonly RowList _blank = new();
    private readonly RowList _fewer = new();
    private readonly RowList _more = new();
    private readonly RowList _oversized = new();
    private bool _decided;
    private bool _headerDetected;
    private bool _hasHeader;
    private string[] _header = [];
    private int _headerRow;
    private int _columns;
    private List<string>[] _samples = [];
    private int _dataRows;
    private (int Row, long Line)? _unclosed;
    private (int Row, int Cells)? _tooWide;
    private bool _sawText;
    private int? _endedAbove;

    /// <summary>The header row found below row 1 (a title above it), told the user as a warning.</summary>
    public Sources.HeaderRowProposal? Found { get; init; }

    public void Blank(int row) => _blank.Add(row);

    public void UnclosedQuote(int row, long line) => _unclosed = (row, line);

    /// <summary>A record with more than <see cref="CsvSniffer.MaxColumns"/> cells: the file is refused and reading stops there.</summary>
    public void TooWide(int row, int cells) => _tooWide = (row, cells);

    public void Record(int row, List<string> cells, int longest)
    {
        if (_decided)
        {
            Data(row, cells, longest);
            return;
        }

        _pending.Add((row, [.. cells], longest));
        if (_pending.Count == SniffHeuristics.SampleRecords)
        {
            Decide();
        }
    }

    /// <summary>
    /// sawText: whether the file held anything but whitespace (delimiters or quotes count). rowsBeforeHeader: the file's
    /// rows when it ended above the chosen header row.
    /// </summary>
    public void Finish(bool sawText, int? rowsBeforeHeader = null)
    {
        _sawText = sawText;
        _endedAbove = rowsBeforeHeader;
        if (!_decided)
        {
            Decide();
        }
    }

    public SniffResult ToResult(EncodingReport encoding, SniffProblem? encodingWarning)
    {
        List<SniffProblem> errors = [];
        List<SniffProblem> warnings = [];
        if (encodingWarning is not null)
        {
            warnings.Add(encodingWarning);
        }

        if (_tooWide is var (wideRow, cells))
        {
            // The rest of the file was not read: nothing else about it can be said.
            errors.Add(new SniffProblem(SniffCodes.TooManyColumns, SniffMessages.TooManyColumns(wideRow, cells, CsvSniffer.MaxColumns), wideRow));
            return Result(encoding, [], errors, warnings);
        }

        if (_unclosed is var (row, line))
        {
            errors.Add(new SniffProblem(SniffCodes.UnclosedQuote, SniffMessages.UnclosedQuote(row, line), row));
        }

        if (_endedAbove is { } rows)
        {
            errors.Add(new SniffProblem(SniffCodes.HeaderRowPastEnd, SniffMessages.HeaderRowPastEnd(FirstRow, rows)));
            return Result(encoding, [], errors, warnings);
        }

        if (Found is { } found)
        {
            warnings.Add(new SniffProblem(SniffCodes.HeaderRowFound, found.Reason + " If another row holds the column names, choose it as the header row.", found.Row));
        }

        if (_columns == 0)
        {
            errors.Add(_sawText
                ? new SniffProblem(SniffCodes.NoColumns, SniffMessages.NoColumns)
                : new SniffProblem(SniffCodes.EmptyFile, SniffMessages.EmptyFile));
            return Result(encoding, [], errors, warnings);
        }

        if (_hasHeader && _dataRows == 0)
        {
            errors.Add(new SniffProblem(SniffCodes.HeaderOnly, SniffMessages.HeaderOnly, _headerRow));
        }

        if (_dataRows > options.MaxDataRows)
        {
            errors.Add(new SniffProblem(SniffCodes.TooManyRows, SniffMessages.TooManyRows(_dataRows, options.MaxDataRows)));
        }

        if (_fewer.Count + _more.Count > 0)
        {
            var first = Math.Min(_fewer.First.FirstOrDefault(int.MaxValue), _more.First.FirstOrDefault(int.MaxValue));
            warnings.Add(new SniffProblem(SniffCodes.RaggedRows,
                SniffMessages.RaggedRows(_columns, _hasHeader, _fewer.Count, _fewer.First, _more.Count, _more.First), first));
        }

        var (names, duplicates) = ColumnNames();
        if (duplicates.Count > 0)
        {
            warnings.Add(new SniffProblem(SniffCodes.DuplicateHeaders, SniffMessages.DuplicateHeaders(duplicates), _headerRow));
        }

        if (_oversized.Count > 0)
        {
            warnings.Add(new SniffProblem(SniffCodes.OversizedCells, SniffMessages.OversizedCells(_oversized.Count, _oversized.First), _oversized.First[0]));
        }

        if (_blank.Count > 0)
        {
            warnings.Add(new SniffProblem(SniffCodes.BlankLinesSkipped, SniffMessages.BlankLinesSkipped(_blank.Count, _blank.First), _blank.First[0]));
        }

        var columns = names.Select((name, index) => new SniffColumn(index, name, _samples[index])).ToList();
        return Result(encoding, columns, errors, warnings);
    }

    private SniffResult Result(EncodingReport encoding, IReadOnlyList<SniffColumn> columns, List<SniffProblem> errors, List<SniffProblem> warnings) =>
        new(encoding, delimiter, SniffHeuristics.DelimiterName(delimiter), _headerDetected, _hasHeader, columns, _dataRows, errors, warnings, HeaderRow: FirstRow);

    /// <summary>The row the header is on (rows above it were not tallied).</summary>
    public int FirstRow { get; init; } = 1;

    private void Decide()
    {
        _decided = true;
        _headerDetected = _pending.Count > 0
            && SniffHeuristics.LooksLikeHeader(_pending[0].Cells, [.. _pending.Skip(1).Select(p => (IReadOnlyList<string>)p.Cells)]);
        _hasHeader = options.HasHeader ?? _headerDetected;
        if (_pending.Count == 0)
        {
            return;
        }

        _columns = _pending[0].Cells.Length;
        _samples = [.. Enumerable.Range(0, _columns).Select(_ => new List<string>())];
        var data = _pending.AsEnumerable();
        if (_hasHeader)
        {
            (_headerRow, _header, _) = _pending[0];
            data = data.Skip(1);
        }

        foreach (var (row, cells, longest) in data)
        {
            Data(row, cells, longest);
        }

        _pending.Clear();
    }

    private void Data(int row, IReadOnlyList<string> cells, int longest)
    {
        _dataRows++;
        if (cells.Count < _columns)
        {
            _fewer.Add(row);
        }
        else if (cells.Count > _columns && cells.Skip(_columns).Any(c => !string.IsNullOrWhiteSpace(c)))
        {
            // Only extra cells with a value count: blank ones are a trailing delimiter, which the import ignores.
            _more.Add(row);
        }

        if (longest > CsvSniffer.MaxCellLength)
        {
            _oversized.Add(row);
        }

        for (var i = 0; i < _columns && i < cells.Count; i++)
        {
            var value = cells[i].Trim();
            if (value.Length > 0 && _samples[i].Count < options.SampleRows)
            {
                _samples[i].Add(value.Length > SampleLength ? value[..SampleLength] + "…" : value);
            }
        }
    }

    /// <summary>Unique display names (a repeated name gets " (2)", an empty or missing header "Column N") and the repeated names.</summary>
    private (IReadOnlyList<string> Names, List<(string, IReadOnlyList<int>, IReadOnlyList<string>)> Duplicates) ColumnNames()
    {
        var given = new List<string>(_columns);
        var byHeader = new Dictionary<string, List<int>>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < _columns; i++)
        {
            var header = _hasHeader ? _header[i].Trim() : "";
            given.Add(header.Length > 0 ? header : $"Column {i + 1}");
            if (header.Length > 0)
            {
                (byHeader.TryGetValue(header, out var list) ? list : byHeader[header] = []).Add(i);
            }
        }

        var names = HeaderNames.Unique(given);

        var duplicates = byHeader.Values
            .Where(indexes => indexes.Count > 1)
            .Select(indexes => (_header[indexes[0]].Trim(), (IReadOnlyList<int>)[.. indexes.Select(i => i + 1)], (IReadOnlyList<string>)[.. indexes.Select(i => names[i])]))
            .ToList();
        return (names, duplicates);
    }

    /// <summary>How many rows, and the first few to name in a message.</summary>
    private sealed class RowList
    {
        private const int Listed = 5;

        public int Count { get; private set; }

        public List<int> First { get; } = [];

        public void Add(int row)
        {
            Count++;
            if (First.Count < Listed)
            {
                First.Add(row);
            }
        }
    }
}
