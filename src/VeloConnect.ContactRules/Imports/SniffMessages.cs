using System.Globalization;

namespace VeloConnect.ContactRules.Imports;

/// <summary>Every text the upload step shows, in one place; each says what to do.</summary>
internal static class SniffMessages
{
    private const string SaveAsUtf8 = "Save the file as 'CSV UTF-8' in your spreadsheet program and upload it again";

    public static string Utf8 => "The file is UTF-8: nothing to change.";

    public static string Utf8WithBom => "The file is UTF-8 with a byte-order mark (BOM), as spreadsheet programs save 'CSV UTF-8': nothing to change.";

    public static string Utf16(string name) =>
        $"The file is {name} with a byte-order mark, as spreadsheet programs save 'Unicode text': it is read as it is, nothing to change.";

    public static string NotUtf8(string name, long? line, string? convertFrom)
    {
        var mismatch = convertFrom is null
            ? ""
            : $" You confirmed a conversion from '{convertFrom}', but the file does not look like that encoding.";
        return $"This file is not UTF-8: it looks like {name}{OnLine(line)}.{mismatch} {SaveAsUtf8}, or confirm the conversion from {name}.";
    }

    public static string Converted(string name, long? line) =>
        $"This file is not UTF-8: it looks like {name}{OnLine(line)}. It is converted from {name}, as you confirmed: check that accented "
        + $"letters in the sample values look right; if they do not, {SaveAsUtf8[0..1].ToLowerInvariant()}{SaveAsUtf8[1..]} instead.";

    public static string BinaryEncoding =>
        "This is not a text file, so it has no text encoding: export it from your spreadsheet program as CSV UTF-8 and upload that file.";

    public static string Binary =>
        "This looks like a binary file (e.g. an Excel .xlsx), not CSV: export it as CSV UTF-8 from your spreadsheet program "
        + "(File > Save As > 'CSV UTF-8') and upload that file.";

    public static string EmptyFile => "The file is empty: export your contacts again (at least one row) and upload that file.";

    public static string NoColumns =>
        "No row of the file holds a value: every line is empty or only delimiters or quotes. Check that you exported the right sheet "
        + "and upload the file again.";

    public static string HeaderOnly =>
        "The file has a header row but no data rows: add the contacts below the header (or check that you exported the right sheet) "
        + "and upload it again. If the first row is a contact, not a header, choose that the file has no header row.";

    public static string TooManyRows(int rows, int limit) =>
        $"The file has {N(rows)} data rows; the limit is {N(limit)}. Split it into files of 10,000-20,000 rows (most reliable) "
        + "or import it with the command-line importer (velo import FILE), which sends a file of any size through the Contacts API (POST /api/contacts/bulk).";

    public static string TooManyColumns(int row, int cells, int limit) => row == 1
        ? $"The first row has {N(cells)} columns; the limit is {N(limit)}. Keep only the columns you import (at most {N(limit)}): delete the others "
            + "in your spreadsheet program, or copy the columns you need to a new sheet, save it as CSV UTF-8 and upload that file."
        : $"Row {N(row)} has {N(cells)} cells; the limit is {N(limit)} columns. A row that long usually holds stray delimiters: fix that row "
            + $"(or keep at most {N(limit)} columns) in your spreadsheet program and upload the file again.";

    public static string UnclosedQuote(int row, long line) =>
        $"A quoted cell that starts in row {N(row)} (line {N(line)}) is never closed, so everything after it would be read as one cell. "
        + "Add the missing closing double quote (\") in that row, or save the file again from your spreadsheet program, and upload it again.";

    public static string ConversionNotNeeded(string convertFrom) =>
        $"This file is UTF-8, so it needs no conversion: upload it again without confirming a conversion from '{convertFrom}'.";

    public static string RaggedRows(int columns, bool hasHeader, int fewer, IReadOnlyList<int> fewerRows, int more, IReadOnlyList<int> moreRows)
    {
        var parts = new List<string>();
        if (fewer > 0)
        {
            parts.Add($"{Plural(fewer, "has", "have")} fewer ({Rows(fewerRows, fewer)}): {(fewer == 1 ? "its" : "their")} missing cells are imported as blank");
        }

        if (more > 0)
        {
            parts.Add($"{Plural(more, "has", "have")} more ({Rows(moreRows, more)}): {(more == 1 ? "it" : "those rows")} will be reported invalid by the import");
        }

        var total = fewer + more;
        return $"{Plural(total, "row does", "rows do")} not have {N(columns)} cells like the {(hasHeader ? "header" : "first row")}: "
            + string.Join("; ", parts)
            + ". A delimiter inside an unquoted value (e.g. a comma in an address) usually causes this: put such values in double "
            + "quotes or fix those rows and upload the file again, or continue as it is.";
    }

    // A wide file of one repeated name would otherwise name every column twice: the message names this many per list.
    private const int Listed = 10;

    public static string DuplicateHeaders(IReadOnlyList<(string Name, IReadOnlyList<int> Columns, IReadOnlyList<string> ShownAs)> duplicates) =>
        "Some column names appear more than once: "
        + Few(duplicates.Select(d => $"'{d.Name}' (columns {Few(d.Columns.Select(c => N(c)), d.Columns.Count, ", ")})"), duplicates.Count, "; ")
        + ". The columns stay separate and are shown as "
        + Few(duplicates.Select(d => Few(d.ShownAs.Select(s => $"'{s}'"), d.ShownAs.Count, ", ")), duplicates.Count, "; ")
        + ": map each one to the field it holds (or choose \"Don't import\"), or rename them in the file and upload it again.";

    /// <summary>Up to <see cref="Listed"/> items ("a, b and c"), then how many more.</summary>
    private static string Few(IEnumerable<string> items, int count, string separator) => count <= Listed
        ? (separator == ", " ? Join(items) : string.Join(separator, items))
        : $"{string.Join(separator, items.Take(Listed))} and {N(count - Listed)} more";

    public static string OversizedCells(int count, IReadOnlyList<int> rows) =>
        $"{Plural(count, "row has", "rows have")} a cell longer than {N(CsvSniffer.MaxCellLength)} characters ({Rows(rows, count)}): "
        + $"{(count == 1 ? "it" : "those rows")} will be reported invalid by the import. Shorten {(count == 1 ? "that cell" : "those cells")} (a missing "
        + $"closing quote can also cause this) and upload the file again, or continue without {(count == 1 ? "that row" : "those rows")}.";

    public static string BlankLinesSkipped(int count, IReadOnlyList<int> rows) =>
        $"{Plural(count, "blank line was", "blank lines were")} skipped ({Rows(rows, count)}): they are not imported and do not count "
        + "as data rows. Nothing to do unless they should have held contacts.";

    private static string OnLine(long? line) => line is { } l ? $" (first non-UTF-8 byte on line {N(l)})" : "";

    private static string Plural(int count, string one, string many) => $"{N(count)} {(count == 1 ? one : many)}";

    private static string Rows(IReadOnlyList<int> listed, int total) => total > listed.Count
        ? $"rows {string.Join(", ", listed.Select(r => N(r)))} and {N(total - listed.Count)} more"
        : $"{(listed.Count == 1 ? "row" : "rows")} {Join(listed.Select(r => N(r)))}";

    private static string Join(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count <= 1 ? string.Concat(list) : $"{string.Join(", ", list[..^1])} and {list[^1]}";
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string HeaderRowPastEnd(int headerRow, int rows) =>
        $"The header row was set to row {N(headerRow)}, but the file has only {N(rows)} row{(rows == 1 ? "" : "s")}. Choose the row that holds the column names "
        + "(1 is the first row), or leave the header row out to let the file be analysed.";
}
