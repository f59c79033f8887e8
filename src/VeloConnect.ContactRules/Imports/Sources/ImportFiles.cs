using System.Text;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// One door for every file format an import reads: the format told by content (<see cref="Detect"/>), the upload step's
/// analysis in the CSV path's shape (<see cref="Analyse"/>, a <see cref="SniffResult"/> with the format, sheets, header row
/// and spreadsheet findings), and the data rows as the analysis read them (<see cref="Rows"/>), so the mapping, the
/// review, the job and <c>velo</c> work on the same rows whatever the file. A spreadsheet needs a seekable stream.
/// </summary>
public static class ImportFiles
{
    private static readonly EncodingReport NoEncoding = new(EncodingVerdict.Utf8, "UTF-8", null,
        "The file is not text to decode: its cells are read as the program that wrote it shows them. There is no encoding to choose.");

    /// <summary>The format by the file's first bytes (a zip is an .xlsx, an OLE file an .xls, BEGIN:VCARD a vCard, anything else a CSV); a seekable stream is put back where it was.</summary>
    public static string Detect(Stream file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var start = file.Position;
        var head = new byte[512];
        var read = file.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        file.Position = start;
        return Detect(head.AsSpan(0, read));
    }

    public static string Detect(ReadOnlySpan<byte> head)
    {
        if (head.StartsWith("PK\u0003\u0004"u8))
        {
            return ImportFormats.Xlsx;
        }

        if (SpreadsheetReader.LooksLikeSpreadsheet(head))
        {
            return ImportFormats.Xls;
        }

        // BEGIN:VCARD after an optional UTF-8 BOM and blank lines (a UTF-16 vCard too: its zero bytes are dropped to look).
        var text = Encoding.Latin1.GetString(head).Replace("\0", "", StringComparison.Ordinal).TrimStart('\u00EF', '\u00BB', '\u00BF', '\u00FF', '\u00FE').TrimStart();
        return text.StartsWith("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase) ? ImportFormats.VCard : ImportFormats.Csv;
    }

    /// <summary>The upload step's analysis of a file in the given format (options: the CSV path's, with a spreadsheet's sheet and header row).</summary>
    public static SniffResult Analyse(Stream file, string format, SniffOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        return format switch
        {
            ImportFormats.Xlsx or ImportFormats.Xls => FromSpreadsheet(SpreadsheetReader.Analyze(file,
                new SpreadsheetOptions(options.Sheet, options.HeaderRow, options.MaxDataRows, options.SampleRows, options.HasHeader)), format, options.HeaderRow),
            ImportFormats.VCard => FromVCard(VCardReader.Read(file, options), options.SampleRows),
            _ => CsvSniffer.Sniff(file, options) with { Format = ImportFormats.Csv },
        };
    }

    /// <summary>
    /// The data rows of the file as its analysis read it (format, sheet, header row, delimiter and encoding); hasHeader: the
    /// mapping's choice for a CSV (a spreadsheet's header is its analysis's, read with or without one; a vCard's columns are its
    /// own). The stream is left open.
    /// </summary>
    public static IEnumerable<CsvRow> Rows(Stream file, SniffResult analysis, string? convertFrom, bool hasHeader)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(analysis);
        return analysis.Format switch
        {
            ImportFormats.Xlsx or ImportFormats.Xls => SpreadsheetReader.ReadRows(file, analysis.Sheet, analysis.HasHeader ? analysis.HeaderRow : analysis.HeaderRow - 1),
            ImportFormats.VCard => VCardReader.Read(file, new SniffOptions(MaxDataRows: int.MaxValue)).Rows,
            _ => CsvRows.Read(file, CsvSniffer.ReadingEncoding(analysis, convertFrom), analysis.Delimiter, hasHeader, analysis.HeaderRow),
        };
    }

    private static SniffResult FromSpreadsheet(SpreadsheetAnalysis sheet, string format, int? chosenRow)
    {
        var warnings = sheet.Warnings.ToList();
        if (chosenRow is null && sheet.HeaderRow.LooksLikeHeader && sheet.HeaderRow.Row > 1)
        {
            warnings.Insert(0, new SniffProblem(SniffCodes.HeaderRowFound, sheet.HeaderRow.Reason + " If another row holds the column names, choose it as the header row.", sheet.HeaderRow.Row));
        }

        return new SniffResult(NoEncoding, ',', "comma", sheet.HeaderRow.LooksLikeHeader, sheet.HeaderRow.LooksLikeHeader, sheet.Columns, sheet.DataRowCount,
            sheet.Errors, warnings, format, sheet.HeaderRow.Row, sheet.Sheets, sheet.Sheet.Length == 0 ? null : sheet.Sheet, sheet.PhonesAsNumbers);
    }

    private static SniffResult FromVCard(VCardFile vcard, int sampleRows)
    {
        var columns = vcard.Header.Select((header, i) => new SniffColumn(i, header,
            [.. vcard.Rows.Select(r => i < r.Cells.Count ? r.Cells[i] : "").Where(c => c.Trim().Length > 0).Take(sampleRows).Select(c => c.Length > 1_000 ? c[..1_000] : c)])).ToList();
        return new SniffResult(NoEncoding, ',', "comma", true, true, columns, vcard.ContactCount, vcard.Errors, vcard.Warnings, ImportFormats.VCard, HeaderRow: 0);
    }
}
