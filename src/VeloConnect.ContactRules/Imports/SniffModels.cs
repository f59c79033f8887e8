namespace VeloConnect.ContactRules.Imports;

/// <summary>How the uploaded bytes are encoded, as far as the import cares.</summary>
public enum EncodingVerdict { Utf8, Utf8WithBom, Utf16, NotUtf8 }

/// <summary>
/// The file's encoding. Name: "UTF-8", "UTF-8 with BOM", "UTF-16 LE"/"UTF-16 BE", or the detected name e.g.
/// "windows-1252"/"ISO-8859-1" (the name a conversion must be confirmed with). FirstBadLine: the physical line
/// (1-based) of the first byte that is not UTF-8, when NotUtf8.
/// </summary>
public sealed record EncodingReport(EncodingVerdict Verdict, string Name, long? FirstBadLine, string Message);

/// <summary>
/// A finding about the file, with a message that says what to do. Line: for row problems the row as
/// <see cref="CsvRow.RowNumber"/> counts it (the spreadsheet row); for encoding problems the physical line.
/// The two are the same unless a quoted cell spans several lines.
/// </summary>
public sealed record SniffProblem(string Code, string Message, long? Line = null);

/// <summary>A column of the file. Header: the header text, or "Column 3" (1-based) when there is no header.</summary>
public sealed record SniffColumn(int Index, string Header, IReadOnlyList<string> Samples);

/// <summary>
/// HasHeader: null to detect, else the user's choice. ConvertFrom: the encoding the user confirmed converting from
/// (it must be the name the sniff reported). Delimiter: null to detect, else the user's choice (',', ';' or '\t').
/// HeaderRow: the row (1-based, as a spreadsheet numbers rows) the header is on, rows above it are not read; null to detect
/// (<see cref="Sources.HeaderRows.Propose"/>; a CSV takes a row below 1 only when every row above it is a title or blank).
/// A CSV read with HasHeader false is read from row 1 whatever HeaderRow says.
/// Sheet: a spreadsheet's sheet by name, null for the first.
/// </summary>
public sealed record SniffOptions(
    bool? HasHeader = null, string? ConvertFrom = null, int MaxDataRows = SniffOptions.WizardMaxDataRows, int SampleRows = 5, char? Delimiter = null,
    int? HeaderRow = null, string? Sheet = null)
{
    /// <summary>The delimiter a user may choose by name ("comma", "semicolon", "tab", as the analysis names them).</summary>
    public static bool TryParseDelimiter(string? name, out char delimiter)
    {
        delimiter = name?.Trim().ToLowerInvariant() switch
        {
            "comma" => ',',
            "semicolon" => ';',
            "tab" => '\t',
            _ => '\0',
        };
        return delimiter != '\0';
    }

    /// <summary>The wizard's limit: a larger file is refused with the advice to split it or use the command-line importer.</summary>
    public const int WizardMaxDataRows = 50_000;
}

/// <summary>
/// What the upload step shows. Errors block the import (nothing can be imported); warnings do not. When the
/// encoding or the file type blocks, the file is not read as text: Columns is empty and DataRowCount is 0.
/// DelimiterName: "comma", "semicolon" or "tab". The same analysis for every file format (<see cref="ImportFormats"/>):
/// Format the file's format by its content; HeaderRow the row the header is on (or, without a header, where the data
/// starts), rows above it are not read; Sheets and Sheet a spreadsheet's sheets and the one read (empty and null
/// otherwise); PhonesAsNumbers a spreadsheet's phone columns held as numbers (also reported as warnings). Delimiter and
/// Encoding mean something for a CSV only (a spreadsheet or vCard reports UTF-8 and comma).
/// </summary>
public sealed record SniffResult(
    EncodingReport Encoding,
    char Delimiter,
    string DelimiterName,
    bool HeaderDetected,
    bool HasHeader,
    IReadOnlyList<SniffColumn> Columns,
    int DataRowCount,
    IReadOnlyList<SniffProblem> Errors,
    IReadOnlyList<SniffProblem> Warnings,
    string Format = ImportFormats.Csv,
    int HeaderRow = 1,
    IReadOnlyList<string>? Sheets = null,
    string? Sheet = null,
    IReadOnlyList<Sources.PhonesAsNumbers>? PhonesAsNumbers = null)
{
    public bool CanImport => Errors.Count == 0;
}

/// <summary>The file formats an import reads, told by content (<see cref="Sources.ImportFiles.Detect"/>), not by the file's name.</summary>
public static class ImportFormats
{
    public const string Csv = "csv";
    public const string Xlsx = "xlsx";
    public const string Xls = "xls";
    public const string VCard = "vcard";

    public static bool IsSpreadsheet(string format) => format is Xlsx or Xls;
}

/// <summary>The codes of <see cref="SniffProblem"/>: errors first, then warnings.</summary>
public static class SniffCodes
{
    public const string EmptyFile = "empty_file";
    public const string HeaderOnly = "header_only";
    public const string Binary = "binary";
    public const string NotUtf8 = "not_utf8";
    public const string TooManyRows = "too_many_rows";
    public const string TooManyColumns = "too_many_columns";
    public const string NoColumns = "no_columns";
    public const string UnclosedQuote = "unclosed_quote";
    public const string ConversionNotNeeded = "conversion_not_needed";

    public const string RaggedRows = "ragged_rows";
    public const string DuplicateHeaders = "duplicate_headers";
    public const string OversizedCells = "oversized_cells";
    public const string BlankLinesSkipped = "blank_lines_skipped";
    public const string HeaderRowPastEnd = "header_row_past_end";
    public const string HeaderRowFound = "header_row";
}
