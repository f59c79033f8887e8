using ExcelDataReader;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// Sheet: null for the first sheet, else a name from <see cref="SpreadsheetAnalysis.Sheets"/> (case-insensitive). HeaderRow:
/// null to detect (<see cref="HeaderRows.Propose"/>), else the user's choice (1-based, as the spreadsheet numbers rows).
/// HasHeader: null to detect; false reads every row from row 1 as data (columns "Column 1", "Column 2" …) whatever HeaderRow
/// says, as a CSV read without a header; true takes the proposed row (the first non-blank one when none looks like a header).
/// </summary>
public sealed record SpreadsheetOptions(
    string? Sheet = null, int? HeaderRow = null, int MaxDataRows = SniffOptions.WizardMaxDataRows, int SampleRows = 5, bool? HasHeader = null);

/// <summary>
/// A column of phone numbers that Excel holds as numbers: a leading "+" or "0" is gone from every such cell (Rows, the
/// spreadsheet rows, at most 10 listed of RowCount), and a number shown in scientific notation (4.15555E+09) has lost its
/// last digits as well (DigitsLostRows of DigitsLostCount). Reported, never repaired by a guess.
/// </summary>
public sealed record PhonesAsNumbers(int Column, string Header, IReadOnlyList<int> Rows, int RowCount, IReadOnlyList<int> DigitsLostRows, int DigitsLostCount);

/// <summary>
/// The upload step's analysis of a spreadsheet: its sheets (in workbook order), the sheet read, the header row, its columns
/// with samples (cells as <see cref="SpreadsheetReader"/> shows them), the data rows, phone columns held as numbers, and the
/// same errors and warnings (codes and messages) as the CSV analysis.
/// </summary>
public sealed record SpreadsheetAnalysis(
    IReadOnlyList<string> Sheets,
    string Sheet,
    HeaderRowProposal HeaderRow,
    IReadOnlyList<SniffColumn> Columns,
    int DataRowCount,
    IReadOnlyList<PhonesAsNumbers> PhonesAsNumbers,
    IReadOnlyList<SniffProblem> Errors,
    IReadOnlyList<SniffProblem> Warnings)
{
    public bool CanImport => Errors.Count == 0;
}

/// <summary>Codes of findings only a spreadsheet has.</summary>
public static class SpreadsheetCodes
{
    public const string UnknownSheet = "unknown_sheet";
    public const string NotSpreadsheet = "not_spreadsheet";
    public const string PhonesAsNumbers = "phones_as_numbers";
}

/// <summary>
/// Reads .xlsx (and .xls, .xlsb) with ExcelDataReader, row by row: memory grows with the rows kept, not the file (the
/// workbook's shared-strings table excepted, which Excel keeps once per distinct text). Cells as the user sees them: text
/// as text, dates as ISO yyyy-MM-dd (with the time when there is one), numbers as their number format displays them
/// (General: whole numbers in full, never in scientific notation). The stream must be seekable (a file on disk).
/// </summary>
public static class SpreadsheetReader
{
    private const int Listed = 10;

    /// <summary>True for the start of an .xlsx/.xlsb (a zip) or an .xls (an OLE compound file).</summary>
    public static bool LooksLikeSpreadsheet(ReadOnlySpan<byte> head) =>
        head.StartsWith("PK\u0003\u0004"u8) || head.StartsWith(new byte[] { 0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1 });

    public static SpreadsheetAnalysis Analyze(Stream file, SpreadsheetOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        SniffEncodings.EnsureRegistered();
        IExcelDataReader reader;
        try
        {
            reader = ExcelReaderFactory.CreateReader(file, new ExcelReaderConfiguration { LeaveOpen = true });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Refused([], "", new SniffProblem(SpreadsheetCodes.NotSpreadsheet, SpreadsheetMessages.NotSpreadsheet));
        }

        using (reader)
        {
            var sheets = SheetNames(reader);
            if (!MoveTo(reader, options.Sheet, out var sheet))
            {
                return Refused(sheets, options.Sheet ?? "", new SniffProblem(SpreadsheetCodes.UnknownSheet, SpreadsheetMessages.UnknownSheet(options.Sheet!, sheets)));
            }

            return Read(reader, sheets, sheet, options);
        }
    }

    /// <summary>
    /// Streams the data rows of a sheet below headerRow (blank rows skipped, numbers as in the spreadsheet); each row has at
    /// most <see cref="CsvSniffer.MaxColumns"/> cells, Raw its cells joined by tabs. The stream is left open. headerRow 0:
    /// every row is data.
    /// </summary>
    public static IEnumerable<CsvRow> ReadRows(Stream file, string? sheet, int headerRow)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentOutOfRangeException.ThrowIfLessThan(headerRow, 0);
        return Rows(file, sheet, headerRow);
    }

    private static IEnumerable<CsvRow> Rows(Stream file, string? sheet, int headerRow)
    {
        SniffEncodings.EnsureRegistered();
        using var reader = ExcelReaderFactory.CreateReader(file, new ExcelReaderConfiguration { LeaveOpen = true });
        if (!MoveTo(reader, sheet, out _))
        {
            throw new InvalidOperationException(SpreadsheetMessages.UnknownSheet(sheet!, SheetNames(reader)));
        }

        var number = 0;
        while (reader.Read())
        {
            number++;
            var cells = Cells(reader, out _);
            if (number > headerRow && cells.Any(c => c.Trim().Length > 0))
            {
                yield return new CsvRow(number, cells, string.Join('\t', cells));
            }
        }
    }

    private static List<string> SheetNames(IExcelDataReader reader)
    {
        var names = new List<string>();
        reader.Reset();
        do
        {
            names.Add(reader.Name);
        }
        while (reader.NextResult());
        reader.Reset();
        return names;
    }

    private static bool MoveTo(IExcelDataReader reader, string? sheet, out string name)
    {
        reader.Reset();
        do
        {
            if (sheet is null || string.Equals(reader.Name, sheet.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                name = reader.Name;
                return true;
            }
        }
        while (reader.NextResult());
        name = "";
        return false;
    }

    private static List<string> Cells(IExcelDataReader reader, out List<bool> numbers)
    {
        var width = Math.Min(reader.FieldCount, CsvSniffer.MaxColumns + 1);
        var cells = new List<string>(width);
        numbers = new List<bool>(width);
        for (var i = 0; i < width; i++)
        {
            var value = reader.GetValue(i);
            var format = value is double ? reader.GetNumberFormatString(i) : null;
            cells.Add(SpreadsheetCellText.Text(value, format, out var isNumber));
            numbers.Add(isNumber);
        }

        // Trailing blank cells are formatting, not data.
        var filled = cells.FindLastIndex(c => c.Trim().Length > 0) + 1;
        cells.RemoveRange(filled, cells.Count - filled);
        numbers.RemoveRange(filled, numbers.Count - filled);
        return cells;
    }

    private static SpreadsheetAnalysis Read(IExcelDataReader reader, List<string> sheets, string sheet, SpreadsheetOptions options)
    {
        var errors = new List<SniffProblem>();
        var warnings = new List<SniffProblem>();
        var top = new List<(List<string> Cells, List<bool> Numbers)>();
        var number = 0;
        // "No header" reads every row from row 1: a header row (chosen or found) is where a header is.
        HeaderRowProposal? proposal = options.HasHeader == false
            ? new(1, false, "You chose no header row: every row is data, from row 1.")
            : options.HeaderRow is { } chosen ? new(chosen, true, $"Row {chosen} is the header, as you chose.") : null;
        List<string>? header = null;
        var samples = new List<List<string>>();
        var tallies = new Dictionary<int, NumberTally>();
        var blankRows = new List<int>();
        var blankCount = 0;
        var oversized = new List<int>();
        var oversizedCount = 0;
        var dataRows = 0;

        while (reader.Read())
        {
            number++;
            var cells = Cells(reader, out var numbers);
            if (cells.Count > CsvSniffer.MaxColumns)
            {
                errors.Add(new(SniffCodes.TooManyColumns, SniffMessages.TooManyColumns(number, cells.Count, CsvSniffer.MaxColumns), number));
                break;
            }

            if (header is null)
            {
                top.Add((cells, numbers));
                if (proposal is null && top.Count < HeaderRows.Scanned)
                {
                    continue;
                }

                proposal ??= Proposed();
                if (number >= proposal.Row)
                {
                    header = TakeHeader(proposal);
                }

                continue;
            }

            Data(number, cells, numbers);
        }

        if (header is null)
        {
            // Fewer rows than the scan (or than the chosen header row): the proposal is made on what there is.
            proposal ??= Proposed();
            header = TakeHeader(proposal);
        }

        var width = Math.Max(header.Count, samples.Count);
        var names = HeaderNames.Unique([.. Enumerable.Range(0, width).Select(i => i < header.Count && header[i].Trim().Length > 0 ? header[i].Trim() : $"Column {i + 1}")]);
        var columns = names.Select((n, i) => new SniffColumn(i, n, i < samples.Count ? samples[i] : [])).ToList();

        if (errors.Count == 0)
        {
            if (number == 0 || (header.Count == 0 && dataRows == 0))
            {
                errors.Add(new(SniffCodes.EmptyFile, SpreadsheetMessages.EmptySheet(sheet)));
            }
            else if (dataRows == 0)
            {
                errors.Add(new(SniffCodes.HeaderOnly, SniffMessages.HeaderOnly));
            }
            else if (dataRows > options.MaxDataRows)
            {
                errors.Add(new(SniffCodes.TooManyRows, SniffMessages.TooManyRows(dataRows, options.MaxDataRows)));
            }
        }

        var findings = new List<PhonesAsNumbers>();
        foreach (var (column, tally) in tallies.Where(t => t.Value.Numbers > 0).OrderBy(t => t.Key))
        {
            // A phone column by its header, or a column of phone-length numbers beside phones written as text (not an id column).
            var phoneHeader = column < header.Count && IsPhoneHeader(header[column]);
            if (!phoneHeader && (tally.TextPhones == 0 || tally.PhoneLength * 2 <= tally.Numbers))
            {
                continue;
            }

            var finding = new PhonesAsNumbers(column, columns[column].Header, tally.Rows, tally.Numbers, tally.LostRows, tally.Lost);
            findings.Add(finding);
            warnings.Add(new(SpreadsheetCodes.PhonesAsNumbers, SpreadsheetMessages.PhonesAsNumbers(finding), tally.Rows[0]));
        }

        var duplicates = header.Select((h, i) => (Name: h.Trim(), Column: i)).Where(h => h.Name.Length > 0)
            .GroupBy(h => h.Name, StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1)
            .Select(g => (g.First().Name, (IReadOnlyList<int>)[.. g.Select(h => h.Column + 1)], (IReadOnlyList<string>)[.. g.Select(h => names[h.Column])]))
            .ToList();
        if (duplicates.Count > 0)
        {
            warnings.Add(new(SniffCodes.DuplicateHeaders, SniffMessages.DuplicateHeaders(duplicates)));
        }

        if (oversizedCount > 0)
        {
            warnings.Add(new(SniffCodes.OversizedCells, SniffMessages.OversizedCells(oversizedCount, oversized)));
        }

        if (blankCount > 0)
        {
            warnings.Add(new(SniffCodes.BlankLinesSkipped, SniffMessages.BlankLinesSkipped(blankCount, blankRows)));
        }

        return new(sheets, sheet, proposal!, columns, dataRows, findings, errors, warnings);

        // The proposal on the rows read; with a header asked for, the proposed row is the header even when it holds values.
        HeaderRowProposal Proposed()
        {
            var found = HeaderRows.Propose([.. top.Select(t => (IReadOnlyList<string>)t.Cells)]);
            return options.HasHeader == true && !found.LooksLikeHeader ? new(found.Row, true, $"Row {found.Row} is the header, as you chose.") : found;
        }

        // The header is found: the rows read past it are data (without a header, the data starts at the proposed row).
        List<string> TakeHeader(HeaderRowProposal found)
        {
            for (var i = found.LooksLikeHeader ? found.Row : found.Row - 1; i < top.Count; i++)
            {
                Data(i + 1, top[i].Cells, top[i].Numbers);
            }

            return found.LooksLikeHeader && found.Row <= top.Count ? top[found.Row - 1].Cells : [];
        }

        void Data(int row, List<string> cells, List<bool> numbers)
        {
            if (cells.Count == 0)
            {
                if (blankCount++ < Listed)
                {
                    blankRows.Add(row);
                }

                return;
            }

            dataRows++;
            if (cells.Any(c => c.Length > CsvSniffer.MaxCellLength) && oversizedCount++ < Listed)
            {
                oversized.Add(row);
            }

            for (var i = 0; i < cells.Count; i++)
            {
                while (samples.Count <= i)
                {
                    samples.Add([]);
                }

                if (samples[i].Count < options.SampleRows && cells[i].Trim().Length > 0)
                {
                    samples[i].Add(cells[i].Length > 1_000 ? cells[i][..1_000] : cells[i]);
                }

                if (cells[i].Trim().Length > 0)
                {
                    (tallies.TryGetValue(i, out var tally) ? tally : tallies[i] = new NumberTally()).Add(row, cells[i], numbers[i]);
                }
            }
        }
    }

    /// <summary>Per column: the cells Excel holds as numbers (the first rows listed), those in scientific notation, and phone-looking cells.</summary>
    private sealed class NumberTally
    {
        public int Numbers { get; private set; }
        public List<int> Rows { get; } = [];
        public int Lost { get; private set; }
        public List<int> LostRows { get; } = [];
        public int PhoneLength { get; private set; }
        public int TextPhones { get; private set; }

        public void Add(int row, string cell, bool isNumber)
        {
            if (!isNumber)
            {
                TextPhones += MappingVocabulary.IsFormattedPhone(cell) ? 1 : 0;
                return;
            }

            if (Numbers++ < Listed)
            {
                Rows.Add(row);
            }

            if (cell.Contains('E', StringComparison.OrdinalIgnoreCase) && Lost++ < Listed)
            {
                LostRows.Add(row);
            }

            PhoneLength += cell.Count(char.IsDigit) is >= 7 and <= 15 ? 1 : 0;
        }
    }

    private static bool IsPhoneHeader(string header)
    {
        var words = HeaderWords.Of(header);
        return MappingVocabulary.PhoneSynonyms.Contains(words.Compact) || MappingVocabulary.AdditionalPhoneSynonyms.Contains(words.Compact)
            || words.Tokens.Any(MappingVocabulary.PhoneWords.Contains);
    }

    private static SpreadsheetAnalysis Refused(IReadOnlyList<string> sheets, string sheet, SniffProblem error) =>
        new(sheets, sheet, new HeaderRowProposal(1, false, ""), [], 0, [], [error], []);
}

/// <summary>The texts of spreadsheet findings; each says what to do.</summary>
internal static class SpreadsheetMessages
{
    public static string NotSpreadsheet =>
        "This file cannot be read as a spreadsheet (.xlsx or .xls): it may be damaged, password-protected or another format. Open it in your "
        + "spreadsheet program and save it again as .xlsx (or as CSV UTF-8), then upload that file.";

    public static string UnknownSheet(string sheet, IReadOnlyList<string> sheets) =>
        $"The workbook has no sheet named '{sheet}'; its sheets are {string.Join(", ", sheets.Select(s => $"'{s}'"))}. Choose one of them.";

    public static string EmptySheet(string sheet) =>
        $"The sheet '{sheet}' is empty: choose the sheet that holds your contacts, or add them (at least one row) and upload the file again.";

    public static string PhonesAsNumbers(PhonesAsNumbers finding)
    {
        var rows = RowList(finding.Rows, finding.RowCount);
        var text = $"The column '{finding.Header}' holds phone numbers that Excel stores as numbers ({rows}): a leading + or 0 is lost from them, "
            + "so they are read in the import's region as written.";
        if (finding.DigitsLostCount > 0)
        {
            text += $" {RowList(finding.DigitsLostRows, finding.DigitsLostCount, capital: true)} {(finding.DigitsLostCount == 1 ? "is" : "are")} shown in scientific notation "
                + "(like 4.15555E+09): their last digits are gone and cannot be recovered.";
        }

        return text + " To keep every number exact, format the column as Text in your spreadsheet program, type the numbers again with their + or 0 "
            + "(or export them again from where they came from), and upload the file again.";
    }

    private static string RowList(IReadOnlyList<int> rows, int total, bool capital = false)
    {
        var word = (capital ? "R" : "r") + (total == 1 ? "ow" : "ows");
        var listed = string.Join(", ", rows);
        return total > rows.Count ? $"{word} {listed} and {total - rows.Count:N0} more" : $"{word} {listed}";
    }
}
