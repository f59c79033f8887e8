using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>A row of the file after the import's edits: its cells, who dropped it (null: not dropped), and whether any edit changed it.</summary>
public sealed record EditedRow(CsvRow Row, string? DroppedBy, bool Edited);

/// <summary>
/// The edits over an import's file (issue 14), applied to a row's cells before it is read through the mapping: in seq
/// order, undone ones skipped. <c>cell</c> sets one cell; <c>drop</c>/<c>restore</c> take the row out of the import and
/// back; <c>replace</c> (plain text, case-sensitive, every occurrence), <c>trim</c>, <c>prefix</c> (to non-blank cells not
/// already starting with it, after their leading blanks) and <c>set</c> change a column of the rows they name (or of
/// every row). Built once per pass over the file: a per-row index, so a row costs a dictionary lookup.
/// </summary>
public sealed class ImportEditIndex
{
    public static readonly ImportEditIndex None = new([], []);

    private readonly Dictionary<int, List<ImportEdit>> _byRow;
    private readonly List<ImportEdit> _everyRow;

    private ImportEditIndex(Dictionary<int, List<ImportEdit>> byRow, List<ImportEdit> everyRow)
    {
        _byRow = byRow;
        _everyRow = everyRow;
    }

    public bool IsEmpty => _byRow.Count == 0 && _everyRow.Count == 0;

    public static ImportEditIndex Build(IEnumerable<ImportEdit> edits)
    {
        var byRow = new Dictionary<int, List<ImportEdit>>();
        var everyRow = new List<ImportEdit>();
        foreach (var edit in edits.Where(e => !e.IsUndone).OrderBy(e => e.Seq))
        {
            IEnumerable<int>? rows = edit.Spec.Row is { } row && !ImportEditKind.IsBulk(edit.Kind) ? [row] : edit.Rows;
            if (rows is null)
            {
                everyRow.Add(edit);
                continue;
            }

            foreach (var number in rows)
            {
                if (!byRow.TryGetValue(number, out var list))
                {
                    byRow[number] = list = [];
                }

                list.Add(edit);
            }
        }

        return everyRow.Count == 0 && byRow.Count == 0 ? None : new ImportEditIndex(byRow, everyRow);
    }

    /// <summary>The row with the edits that apply to it, in seq order.</summary>
    public EditedRow Apply(CsvRow row)
    {
        var own = _byRow.GetValueOrDefault(row.RowNumber);
        if (own is null && _everyRow.Count == 0)
        {
            return new EditedRow(row, null, false);
        }

        string[]? cells = null;
        string? droppedBy = null;
        foreach (var edit in Merge(own ?? [], _everyRow))
        {
            droppedBy = ApplyTo(edit, row.Cells, ref cells, droppedBy);
        }

        var changed = cells is not null && !cells.SequenceEqual(row.Cells);
        return new EditedRow(changed ? row with { Cells = cells! } : row, droppedBy, changed || droppedBy is not null);
    }

    /// <summary>One edit over cells (copied on first change into <paramref name="cells"/>); answers who dropped the row after it.</summary>
    public static string? ApplyTo(ImportEdit edit, IReadOnlyList<string> original, ref string[]? cells, string? droppedBy)
    {
        switch (edit.Kind)
        {
            case ImportEditKind.Drop:
                return edit.CreatedBy;
            case ImportEditKind.Restore:
                return null;
        }

        var column = edit.Spec.Column ?? -1;
        if (column < 0)
        {
            return droppedBy;
        }

        var current = column < (cells?.Length ?? original.Count) ? (cells is null ? original[column] : cells[column]) : "";
        var next = Next(edit, current);
        if (next != current)
        {
            ColumnFixes.SetCell(original, ref cells, column, next);
        }

        return droppedBy;
    }

    /// <summary>A cell after a column edit.</summary>
    public static string Next(ImportEdit edit, string cell) => ColumnFixes.Next(edit.Kind, cell, edit.Spec.Value, edit.Spec.Find, edit.Spec.Replace, edit.Spec.Prefix);

    private static IEnumerable<ImportEdit> Merge(List<ImportEdit> own, List<ImportEdit> everyRow)
    {
        int i = 0, j = 0;
        while (i < own.Count || j < everyRow.Count)
        {
            yield return j >= everyRow.Count || (i < own.Count && own[i].Seq < everyRow[j].Seq) ? own[i++] : everyRow[j++];
        }
    }
}
