using System.Globalization;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>The rows a bulk edit applies to, read row by row through the mapping when the edit is made (all optional; none: every row).</summary>
/// <param name="Outcome">invalid, valid, warning (valid with a warning) or dropped.</param>
/// <param name="Reason">Rows with a reason or warning containing this text (case-insensitive).</param>
/// <param name="Q">Rows with a cell containing this text (case-insensitive).</param>
public sealed record EditFilter(string? Outcome = null, string? Reason = null, string? Q = null);

/// <summary>
/// An edit over an import's file, by <c>kind</c>: <c>cell</c> {row, column, value}; <c>drop</c> {row}; <c>restore</c> {row};
/// <c>replace</c> {column, find, replace, rows?}; <c>trim</c> {column, rows?}; <c>prefix</c> {column, prefix, rows?};
/// <c>set</c> {column, value, rows?}. Row: the row number the review shows; column: the 0-based index of the file's column.
/// </summary>
public sealed record EditImportRequest(string? Kind, int? Row = null, int? Column = null, string? Value = null, string? Find = null, string? Replace = null,
    string? Prefix = null, EditFilter? Rows = null);

/// <summary>A row an edit touched, read again through the mapping after it (row-local: in-file duplicates are the review's).</summary>
public sealed record EditedRowResponse(int RowNumber, IReadOnlyList<string> Cells, bool Valid, bool Dropped, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

/// <summary>The stored edit: its seq, how many rows it changed, and the first <see cref="ImportEditWorkflow.MaxAnswerRows"/> of them.</summary>
public sealed record ImportEditResponse(long Seq, int RowCount, IReadOnlyList<EditedRowResponse> Rows);

public sealed record ImportEditSummary(long Seq, string Kind, string Summary, int RowCount, string CreatedBy, DateTimeOffset CreatedAt, bool Undone);

public sealed record ImportEditsResponse(IReadOnlyList<ImportEditSummary> Edits);

/// <summary>
/// Edits over an import's uploaded file before its run (issue 14): made, listed and undone one by one. The file is never
/// modified; each edit is stored (<see cref="ImportEditStore"/>) and applied as the rows are read (<see cref="ImportEditIndex"/>
/// inside <see cref="ImportPlan.Rows(Stream, ImportRecord, ContactRules.Imports.ImportMapping, IReadOnlyList{ContactRules.Fields.FieldDefinition})"/>),
/// so the review, the run and the error report all read the edited rows. A bulk edit's filter is resolved into the row
/// numbers it changed when it is made, so replaying the list is deterministic. Each edit and undo clears the review.
/// </summary>
public sealed class ImportEditWorkflow(ImportStore imports, ImportEditStore edits, FieldStore fields)
{
    public const int MaxAnswerRows = 100;

    private static readonly string[] Outcomes = ["invalid", "valid", "warning", "dropped"];

    public async Task<Outcome<ImportEditResponse>> EditAsync(CurrentUser user, Guid id, EditImportRequest? body, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if ((CanEdit(import) ?? Check(body, import)) is { } refused)
        {
            return refused;
        }

        var kind = body!.Kind!;
        var bulk = ImportEditKind.IsBulk(kind);
        var spec = bulk
            ? new ImportEditSpec(Column: body.Column, Value: body.Value, Find: body.Find, Replace: body.Find is null ? null : body.Replace ?? "", Prefix: body.Prefix)
            : new ImportEditSpec(body.Row, body.Column, body.Value);
        var filter = bulk && body.Rows is { } rows && (rows.Outcome ?? rows.Reason ?? rows.Q) is not null ? rows : null;
        var edit = new ImportEdit(0, kind, spec, null, user.Name, DateTimeOffset.UtcNow);

        import = await edits.WithEditsAsync(import, cancellationToken);
        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        var reader = ImportPlan.Reader(import, import.Mapping!, workspaceFields);
        var touched = new List<int>();
        var answer = new List<EditedRowResponse>();
        PlannedRow? target = null;
        int first = 0, last = 0;
        await using (var file = await imports.OpenFileAsync(id, cancellationToken))
        {
            foreach (var planned in ImportPlan.Rows(file, import, import.Mapping!, workspaceFields))
            {
                var number = planned.Row.RowNumber;
                first = first == 0 ? number : first;
                last = number;
                if (bulk ? filter is not null && !Matches(filter, planned) : number != spec.Row)
                {
                    continue;
                }

                target = planned;
                string[]? cells = null;
                var droppedBy = ImportEditIndex.ApplyTo(edit, planned.Row.Cells, ref cells, planned.DroppedBy);
                if (bulk && cells is null)
                {
                    continue;
                }

                touched.Add(number);
                if (answer.Count < MaxAnswerRows)
                {
                    var read = reader.Read(cells ?? planned.Row.Cells);
                    answer.Add(new EditedRowResponse(number, cells ?? planned.Row.Cells, read.IsValid, droppedBy is not null,
                        droppedBy is null ? read.Errors : [ImportPlan.DroppedReason(droppedBy), .. read.Errors], read.Warnings));
                }
            }
        }

        if (RefuseTarget(kind, spec, target, touched.Count, first, last, filter) is { } refusal)
        {
            return refusal;
        }

        var seq = await edits.AddAsync(import, user.UserId, user.Name, kind, spec, filter is null ? null : touched, touched.Count, cancellationToken);
        return seq is { } stored ? new ImportEditResponse(stored, touched.Count, answer) : CanEdit((await imports.VisibleAsync(user, id, cancellationToken))!)!;
    }

    public async Task<Outcome<ImportEditsResponse>> ListAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var headers = import.Analysis.HasHeader ? import.Analysis.Columns.Select(c => c.Header).ToList() : null;
        var list = await edits.ListAsync(id, cancellationToken);
        return new ImportEditsResponse([.. list.Reverse().Select(e => new ImportEditSummary(e.Seq, e.Kind, Summary(e, headers), e.RowCount, e.CreatedBy, e.CreatedAt, e.IsUndone))]);
    }

    public async Task<ImportRefusal?> UndoAsync(CurrentUser user, Guid id, long seq, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (CanEdit(import) is { } refused)
        {
            return refused;
        }

        return await edits.UndoAsync(import, seq, user.UserId, cancellationToken) switch
        {
            ImportEditUndo.Undone => null,
            ImportEditUndo.NotFound => new ImportRefusal(404, "Edit not found", $"Import {id} has no edit {seq}; list its edits with GET /api/imports/{id}/edits."),
            ImportEditUndo.AlreadyUndone => ImportRefusal.Conflict("Edit already undone", $"Edit {seq} of import {id} is undone already; nothing changed. Make it again with POST /api/imports/{id}/edits."),
            _ => CanEdit((await imports.VisibleAsync(user, id, cancellationToken))!) ?? ImportRefusal.Conflict("Import already run", "This import has started; its edits can no longer change."),
        };
    }

    /// <summary>Edits change the rows the run reads: only before it runs, and over a confirmed mapping (the rows are read through it).</summary>
    private static ImportRefusal? CanEdit(ImportRecord import)
    {
        if (!ImportLifecycle.IsBeforeRun(ImportLifecycle.StageOf(import)))
        {
            return ImportRefusal.Conflict("Import already run",
                $"This import is {import.Status}; its rows were read as they were then and can no longer be edited. To import the file again with changes, upload it again.");
        }

        return import.IsCommandLine
            ? ImportRefusal.Conflict("Not a wizard import", $"Import {import.Id} is a command-line import: its rows come from the importer, not from a stored file. Fix the file and run the importer again.")
            : ImportLifecycle.CanReview(import);
    }

    /// <summary>The request's own checks: the kind, the fields it needs, the column, the filter.</summary>
    private static ImportRefusal? Check(EditImportRequest? body, ImportRecord import)
    {
        var kinds = string.Join(", ", ImportEditKind.All);
        if (body?.Kind is not { } kind || !ImportEditKind.All.Contains(kind))
        {
            return Bad("Unknown edit kind", $"'kind' is {(body?.Kind is null ? "missing" : $"'{body.Kind}'")}; use one of {kinds}.");
        }

        var bulk = ImportEditKind.IsBulk(kind);
        var columns = import.Analysis.Columns.Count;
        return kind switch
        {
            _ when !bulk && body.Row is null => Bad("Row missing", $"A '{kind}' edit names its row: send 'row' with the row number the review shows."),
            _ when !bulk && body.Rows is not null => Bad("Filter not allowed", $"A '{kind}' edit changes one row (its 'row'); 'rows' filters the bulk edits (replace, trim, prefix, set)."),
            ImportEditKind.Drop or ImportEditKind.Restore => null,
            _ when body.Column is null => Bad("Column missing", $"A '{kind}' edit changes a column: send 'column', the 0-based index of the file's column (0 to {columns - 1})."),
            _ when body.Column < 0 || body.Column >= columns => Bad("Unknown column",
                $"Column {body.Column} is not in this file: its {columns} columns are numbered 0 to {columns - 1}, as in the import's analysis."),
            ImportEditKind.Cell or ImportEditKind.Set when body.Value is null => Bad("Value missing", $"A '{kind}' edit sets a value: send 'value' (\"\" to empty the cell)."),
            ImportEditKind.Replace when string.IsNullOrEmpty(body.Find) => Bad("Empty find", "A 'replace' edit needs the text to find: send 'find' (not empty) and 'replace' (\"\" to remove it)."),
            ImportEditKind.Prefix when string.IsNullOrEmpty(body.Prefix) => Bad("Empty prefix", "A 'prefix' edit needs the text to put in front of the cells: send 'prefix', e.g. \"+34\"."),
            _ when body.Rows?.Outcome is { } outcome && !Outcomes.Contains(outcome) => Bad("Unknown outcome",
                $"'rows.outcome' is '{outcome}'; use one of {string.Join(", ", Outcomes)}, or leave it out for rows of any outcome."),
            _ => null,
        };
    }

    private static ImportRefusal? RefuseTarget(string kind, ImportEditSpec spec, PlannedRow? target, int touched, int first, int last, EditFilter? filter)
    {
        if (ImportEditKind.IsBulk(kind))
        {
            return touched > 0 ? null : new ImportRefusal(422, "Nothing to change", filter is null
                ? $"No cell of column {spec.Column} would change: the edit was not stored."
                : $"No row matching the filter has a cell in column {spec.Column} this edit would change: the edit was not stored. Check the filter against the review's rows.");
        }

        if (target is null)
        {
            return Bad("Row out of range", first == 0
                ? "This file has no data rows to edit."
                : $"Row {spec.Row} is not a data row of this file: its rows are numbered {first} to {last}, as the review shows them.");
        }

        return kind switch
        {
            ImportEditKind.Drop when target.IsDropped => ImportRefusal.Conflict("Row already dropped", $"Row {spec.Row} was dropped by {target.DroppedBy}; restore it with kind 'restore', or undo that edit."),
            ImportEditKind.Restore when !target.IsDropped => ImportRefusal.Conflict("Row not dropped", $"Row {spec.Row} is not dropped, so there is nothing to restore."),
            _ => null,
        };
    }

    /// <summary>A bulk edit's filter over a row as it reads now (row-local: its own reasons and warnings, not the review's duplicates).</summary>
    private static bool Matches(EditFilter filter, PlannedRow row) =>
        (filter.Outcome switch
        {
            "invalid" => row.IsInvalid,
            "valid" => !row.IsDropped && row.Result.IsValid,
            "warning" => !row.IsDropped && row.Result.IsValid && row.Result.Warnings.Count > 0,
            "dropped" => row.IsDropped,
            _ => true,
        })
        && (string.IsNullOrEmpty(filter.Reason) || row.Result.Errors.Concat(row.Result.Warnings).Any(r => r.Contains(filter.Reason, StringComparison.OrdinalIgnoreCase)))
        && (string.IsNullOrEmpty(filter.Q) || row.Row.Cells.Any(c => c.Contains(filter.Q, StringComparison.OrdinalIgnoreCase)));

    private static string Summary(ImportEdit edit, IReadOnlyList<string>? headers)
    {
        var column = edit.Spec.Column is { } index ? HeaderNames.Display(headers, index) : "";
        var rows = edit.Rows is null ? "every row" : string.Create(CultureInfo.InvariantCulture, $"{edit.Rows.Count} rows");
        return edit.Kind switch
        {
            ImportEditKind.Cell => $"Row {edit.Spec.Row}, {column}: set to '{edit.Spec.Value}'",
            ImportEditKind.Drop => $"Dropped row {edit.Spec.Row}",
            ImportEditKind.Restore => $"Restored row {edit.Spec.Row}",
            ImportEditKind.Replace => $"{column}: replaced '{edit.Spec.Find}' with '{edit.Spec.Replace}' ({rows})",
            ImportEditKind.Trim => $"{column}: trimmed ({rows})",
            ImportEditKind.Prefix => $"{column}: prefixed '{edit.Spec.Prefix}' ({rows})",
            _ => $"{column}: set to '{edit.Spec.Value}' ({rows})",
        };
    }

    private static ImportRefusal Bad(string title, string detail) => ImportRefusal.BadRequest(title, detail);
}
