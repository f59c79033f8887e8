using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>One data row read through the mapping: its contact or reasons, and the earlier row it duplicates, if any.</summary>
public sealed record PlannedRow(CsvRow Row, RowResult Result, int? DuplicateOf)
{
    public bool IsInvalid => !Result.IsValid;

    public bool IsSkipped => Result.IsValid && DuplicateOf is not null;

    public bool IsWrite => Result.IsValid && DuplicateOf is null;
}

/// <summary>
/// Reads an import's file through its mapping, row by row, in file order: the review and the run both go through
/// here, so they read, normalise and de-duplicate every row the same way (and a resumed run rebuilds the same
/// in-file duplicates from the start of the file).
/// </summary>
public static class ImportPlan
{
    public static IEnumerable<PlannedRow> Rows(byte[] file, ImportRecord import, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields)
    {
        using var stream = new MemoryStream(file, writable: false);
        foreach (var row in Rows(stream, import, mapping, fields))
        {
            yield return row;
        }
    }

    /// <summary>
    /// The rows of the file as the stream gives it (e.g. <see cref="ImportStore.OpenFileAsync"/>), read by the stored format's
    /// reader (<see cref="ImportFiles.Rows"/>: CSV, spreadsheet sheet and header row, vCard); the stream is left open.
    /// </summary>
    public static IEnumerable<PlannedRow> Rows(Stream file, ImportRecord import, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields)
    {
        var headers = import.Analysis.Columns.Select(c => c.Header).ToList();
        var reader = new RowReader(mapping, headers, fields);
        var duplicates = new InFileDuplicates();
        var readable = ImportFileStreams.Readable(file, import.Analysis.Format);
        using var copy = readable == file ? null : readable;
        foreach (var row in ImportFiles.Rows(readable, import.Analysis, import.ConvertFrom, mapping.HasHeader))
        {
            var result = reader.Read(row.Cells);
            var duplicateOf = result.Contact is { } contact ? duplicates.Check(contact, row.RowNumber) : null;
            yield return new PlannedRow(row, result, duplicateOf);
        }
    }

    /// <summary>The reason recorded for a skipped row.</summary>
    public static string SkippedReason(int duplicateOf) =>
        $"Duplicate of row {duplicateOf} (same phone or email); only the first is imported.";

    /// <summary>The identifiers of a row in matching order (phones first, then email).</summary>
    public static IReadOnlyList<Identifier> Identifiers(ContactInput contact) => [.. contact.IdentifiersInMatchOrder()];
}
