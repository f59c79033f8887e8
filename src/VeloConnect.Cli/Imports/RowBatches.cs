using System.Text;
using VeloConnect.Client;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Cli.Imports;

/// <summary>A data row of the file and, when it repeats an earlier row's phone or email, that row's number.</summary>
public sealed record BatchRow(CsvRow Row, int? DuplicateOf);

/// <summary>
/// A request's worth of rows. RowsBefore: the data rows of the file before this batch (so RowsThrough counts the rows
/// up to and including it, which is what the progress file records as acknowledged).
/// </summary>
public sealed record RowBatch(int Index, int RowsBefore, IReadOnlyList<BatchRow> Rows)
{
    public int FirstRow => Rows[0].Row.RowNumber;

    public int RowsThrough => RowsBefore + Rows.Count;

    /// <summary>The rows body; the same batch always gives the same rows, so the same bytes (a retry or a resumed run reuses the key).</summary>
    public IReadOnlyList<ImportRowDoc> Body() =>
        [.. Rows.Select(r => new ImportRowDoc { Row = r.Row.RowNumber, Cells = r.Row.Cells, DuplicateOf = r.DuplicateOf })];
}

/// <summary>
/// Streams the file's data rows in batches, reading each with the wizard's <see cref="RowReader"/> through the confirmed
/// mapping and deciding in-file duplicates with the wizard's <see cref="InFileDuplicates"/> over the whole file in order,
/// so a row that repeats one of an earlier batch is marked exactly as the wizard would skip it. Only the current batch is
/// held; the duplicate set holds the identifiers of the rows written so far.
/// </summary>
public static class RowBatches
{
    public static IEnumerable<RowBatch> Read(Stream file, Encoding encoding, char delimiter, ImportMapping mapping,
        IReadOnlyList<string> headers, IReadOnlyList<FieldDefinition> fields, int batchRows, int expectedRows = 0)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(mapping);
        return Read(CsvRows.Read(file, encoding, delimiter, mapping.HasHeader), mapping, headers, fields, batchRows, expectedRows);
    }

    /// <summary>The same over rows read by any format's reader (<see cref="ContactRules.Imports.Sources.ImportFiles.Rows"/>).</summary>
    public static IEnumerable<RowBatch> Read(IEnumerable<CsvRow> fileRows, ImportMapping mapping,
        IReadOnlyList<string> headers, IReadOnlyList<FieldDefinition> fields, int batchRows, int expectedRows = 0)
    {
        ArgumentNullException.ThrowIfNull(fileRows);
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchRows, 1);
        var reader = new RowReader(mapping, headers, fields);
        var identifierColumns = mapping.Columns.Count(c => c.Kind is TargetKind.PrimaryPhone or TargetKind.AdditionalPhone or TargetKind.Email);
        var duplicates = new InFileDuplicates((int)Math.Min((long)expectedRows * identifierColumns, 64_000_000));
        var rows = new List<BatchRow>(batchRows);
        var index = 0;
        var before = 0;
        foreach (var row in fileRows)
        {
            var contact = reader.Read(row.Cells).Contact;
            rows.Add(new BatchRow(row, contact is null ? null : duplicates.Check(contact, row.RowNumber)));
            if (rows.Count == batchRows)
            {
                yield return new RowBatch(index++, before, rows);
                before += rows.Count;
                rows = new List<BatchRow>(batchRows);
            }
        }

        if (rows.Count > 0)
        {
            yield return new RowBatch(index, before, rows);
        }
    }

    /// <summary>The workspace's fields as the API lists them, for the row reader.</summary>
    public static IReadOnlyList<FieldDefinition> Fields(IEnumerable<FieldResponse> fields) =>
        [.. fields.Select(f => new FieldDefinition(f.Key, f.Label, ParseType(f.Type), f.Options ?? []))];

    private static FieldType ParseType(string type) =>
        Enum.TryParse<FieldType>(type.Replace("_", "", StringComparison.Ordinal), ignoreCase: true, out var parsed)
            ? parsed
            : throw new InvalidOperationException($"The API lists a field type '{type}' that this version of velo does not know; update velo.");
}
