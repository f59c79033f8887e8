using System.Threading.Channels;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>
/// One data row read through the mapping (after the import's edits): its contact or reasons, and the earlier row it
/// duplicates, if any. A row dropped in the review (<see cref="DroppedBy"/>) is skipped whatever it reads as.
/// </summary>
public sealed record PlannedRow(CsvRow Row, RowResult Result, int? DuplicateOf)
{
    /// <summary>Who dropped the row in the review (an edit); null when it is imported.</summary>
    public string? DroppedBy { get; init; }

    /// <summary>An edit changed the row's cells or dropped it.</summary>
    public bool Edited { get; init; }

    /// <summary>The row as uploaded when an edit changed its cells (null: <see cref="CsvRow.Cells"/> are as uploaded).</summary>
    public IReadOnlyList<string>? OriginalCells { get; init; }

    public bool IsDropped => DroppedBy is not null;

    public bool IsInvalid => !IsDropped && !Result.IsValid;

    public bool IsSkipped => IsDropped || (Result.IsValid && DuplicateOf is not null);

    public bool IsWrite => !IsDropped && Result.IsValid && DuplicateOf is null;

    /// <summary>
    /// The identifiers the row takes part in the in-file duplicates and the matching with (none when it is dropped or
    /// invalid), as stored with its review (<see cref="Identifier.ToString"/>).
    /// </summary>
    public IReadOnlyList<string> KeptIdentifiers() =>
        !IsDropped && Result.Contact is { } contact ? [.. contact.IdentifiersInMatchOrder().Select(i => i.ToString())] : [];
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
    /// reader (<see cref="ImportFiles.Rows"/>: CSV, spreadsheet sheet and header row, vCard); the stream is left open. The
    /// import's loaded edits (<see cref="ImportRecord.Edits"/>) apply to each row's cells before it is read; a dropped row
    /// takes no part in the in-file duplicates (it is not imported).
    /// </summary>
    public static IEnumerable<PlannedRow> Rows(Stream file, ImportRecord import, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields)
    {
        var reader = Reader(import, mapping, fields);
        var edits = ImportEditIndex.Build(import.Edits);
        var duplicates = new InFileDuplicates();
        var readable = ImportFileStreams.Readable(file, import.Analysis.Format);
        using var copy = readable == file ? null : readable;
        foreach (var original in ImportFiles.Rows(readable, import.Analysis, import.ConvertFrom, mapping.HasHeader))
        {
            yield return Read(reader, duplicates, edits.Apply(original), original.Cells);
        }
    }

    /// <summary>
    /// Reads <paramref name="rows"/> into lists of <paramref name="size"/> (the last may be shorter), in order, for a consumer on
    /// another thread; completes the channel, with the failure if reading failed (a cancellation by the consumer is no failure).
    /// </summary>
    public static async Task ReadChunksAsync(IEnumerable<PlannedRow> rows, int size, ChannelWriter<List<PlannedRow>> chunks, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            var chunk = new List<PlannedRow>(size);
            foreach (var row in rows)
            {
                chunk.Add(row);
                if (chunk.Count == size)
                {
                    await chunks.WriteAsync(chunk, cancellationToken);
                    chunk = new List<PlannedRow>(size);
                }
            }

            if (chunk.Count > 0)
            {
                await chunks.WriteAsync(chunk, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The consuming side stopped (and reports why).
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            chunks.TryComplete(failure);
        }
    }

    /// <summary>
    /// One row after its edits read through the mapping, checked against the earlier rows' identifiers (<paramref name="duplicates"/>,
    /// fed in row order): the one reading of a row the file's pass and an edit's re-review (<see cref="ImportReviewUpdate"/>) share.
    /// </summary>
    public static PlannedRow Read(RowReader reader, InFileDuplicates duplicates, EditedRow edited, IReadOnlyList<string> uploaded)
    {
        var (row, droppedBy, isEdited) = edited;
        var result = reader.Read(row.Cells);
        var duplicateOf = droppedBy is null && result.Contact is { } contact ? duplicates.Check(contact, row.RowNumber) : null;
        return new PlannedRow(row, result, duplicateOf)
        {
            DroppedBy = droppedBy,
            Edited = isEdited,
            OriginalCells = ReferenceEquals(row.Cells, uploaded) || row.Cells.SequenceEqual(uploaded) ? null : uploaded,
        };
    }

    /// <summary>The reader of an import's rows through its mapping (row-local: no duplicates).</summary>
    public static RowReader Reader(ImportRecord import, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields) =>
        new(mapping, [.. import.Analysis.Columns.Select(c => c.Header)], fields);

    /// <summary>The reason recorded for a skipped row.</summary>
    public static string SkippedReason(int duplicateOf) =>
        $"Duplicate of row {duplicateOf} (same phone or email); only the first is imported.";

    /// <summary>The reason recorded for a row dropped in the review.</summary>
    public static string DroppedReason(string droppedBy) => $"Dropped in the review by {droppedBy}.";

    /// <summary>The reason recorded for a skipped row: dropped in the review, or a duplicate of an earlier row.</summary>
    public static string SkippedReason(PlannedRow row) =>
        row.DroppedBy is { } droppedBy ? DroppedReason(droppedBy) : SkippedReason(row.DuplicateOf!.Value);

    /// <summary>The identifiers of a row in matching order (phones first, then email).</summary>
    public static IReadOnlyList<Identifier> Identifiers(ContactInput contact) => [.. contact.IdentifiersInMatchOrder()];
}
