using System.Globalization;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Fields;
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
/// <c>expectedSeq</c> (optional): the import's edits <c>version</c> the client last saw (GET …/edits); when someone changed
/// the edits since, the edit is refused (409) naming who changed what.
/// </summary>
public sealed record EditImportRequest(string? Kind, int? Row = null, int? Column = null, string? Value = null, string? Find = null, string? Replace = null,
    string? Prefix = null, EditFilter? Rows = null, long? ExpectedSeq = null);

/// <summary>A row an edit touched, read again through the mapping after it (row-local: in-file duplicates are the review's).</summary>
public sealed record EditedRowResponse(int RowNumber, IReadOnlyList<string> Cells, bool Valid, bool Dropped, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

/// <summary>
/// The import's review after an edit (present when the import was reviewed): its new counts and warnings, <c>how</c> it was
/// brought up to date (<c>incremental</c>: only the rows the edit can change were planned again; <c>full</c>: the whole file
/// was reviewed again), how many rows were planned again, and the first of them as the review's rows read them.
/// </summary>
public sealed record EditReviewResponse(ImportCounts Counts, int WarningCount, string How, int RowCount, IReadOnlyList<ReviewRowResponse> Rows)
{
    public const string Incremental = "incremental";
    public const string Full = "full";
}

/// <summary>The stored edit: its seq, how many rows it changed, the first <see cref="ImportEditWorkflow.MaxAnswerRows"/> of them, and the review after it.</summary>
public sealed record ImportEditResponse(long Seq, int RowCount, IReadOnlyList<EditedRowResponse> Rows, EditReviewResponse? Review = null);

public sealed record ImportEditSummary(long Seq, string Kind, string Summary, int RowCount, string CreatedBy, DateTimeOffset CreatedAt, bool Undone,
    string? UndoneBy = null, DateTimeOffset? UndoneAt = null);

/// <summary>The edits, newest first; <c>version</c>: the number of the newest edit or undo (send it as <c>expectedSeq</c>), null when none.</summary>
public sealed record ImportEditsResponse(IReadOnlyList<ImportEditSummary> Edits, long? Version = null);

/// <summary>
/// Edits over an import's uploaded file before its run (issue 14): made, listed and undone one by one. The file is never
/// modified; each edit is stored (<see cref="ImportEditStore"/>) and applied as the rows are read (<see cref="ImportEditIndex"/>
/// inside <see cref="ImportPlan.Rows(Stream, ImportRecord, ImportMapping, IReadOnlyList{FieldDefinition})"/>),
/// so the review, the run and the error report all read the edited rows. A bulk edit's filter is resolved into the row
/// numbers it changed when it is made, so replaying the list is deterministic. Each edit and undo runs holding the import's
/// row (<see cref="ImportEditTransaction"/>: two editors go one after the other) and keeps a kept review up to date in the
/// same transaction (<see cref="ImportReviewUpdate"/>), or, past its limit, clears it and reviews the whole file again.
/// </summary>
public sealed class ImportEditWorkflow(ImportStore imports, ImportEditStore edits, FieldStore fields, ImportReview review, ImportReviewUpdate reviewUpdate)
{
    public const int MaxAnswerRows = 100;

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
        var filter = bulk && body.Rows is { } rows && (rows.Outcome ?? rows.Reason ?? rows.Q) is not null ? new RowFilter(rows.Outcome, rows.Reason, rows.Q) : null;
        spec = spec with { Filter = filter };
        var edit = new ImportEdit(0, kind, spec, null, user.Name, DateTimeOffset.UtcNow);
        var workspaceFields = await fields.ListAsync(user.WorkspaceId);

        ReviewUpdate? update;
        bool wasReviewed;
        long seq;
        List<int> touched;
        List<EditedRowResponse> answer;
        await using (var held = await edits.BeginAsync(id, cancellationToken))
        {
            if (await HeldRefusalAsync(held, user, id, body.ExpectedSeq, import, cancellationToken) is { } late)
            {
                return late;
            }

            // Everything below reads the rows as the edits stored now make them: no other edit can land until this one commits.
            import = import with { Edits = await ImportEditStore.ListAsync(held, cancellationToken) };
            var target = !bulk && held.IsReviewed
                ? await KeptTargetAsync(held, import, workspaceFields, edit, cancellationToken)
                : await ScanAsync(import, workspaceFields, edit, filter, cancellationToken);
            if (RefuseTarget(kind, spec, target, filter) is { } refusal)
            {
                return refusal;
            }

            (touched, answer, wasReviewed) = (target.Touched, target.Answer, held.IsReviewed);
            seq = await ImportEditStore.InsertAsync(held, import.WorkspaceId, user.UserId, user.Name, kind, spec, filter is null ? null : touched, touched.Count, cancellationToken);
            update = await KeepReviewAsync(held, import, workspaceFields, touched, cancellationToken);
            await held.CommitAsync(cancellationToken);
        }

        var reviewed = update is not null ? Answer(update)
            : wasReviewed ? await ReviewAgainAsync(user, id, workspaceFields, cancellationToken) : null;
        return new ImportEditResponse(seq, touched.Count, answer, reviewed);
    }

    public async Task<Outcome<ImportEditsResponse>> ListAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var headers = Headers(import);
        var list = await edits.ListAsync(id, cancellationToken);
        long? version = list.Count == 0 ? null : ImportEditStore.Version(list);
        return new ImportEditsResponse([.. list.Reverse().Select(e => new ImportEditSummary(e.Seq, e.Kind, Summary(e, headers), e.RowCount, e.CreatedBy, e.CreatedAt, e.IsUndone,
            e.UndoneBy, e.UndoneAt))], version);
    }

    public async Task<ImportRefusal?> UndoAsync(CurrentUser user, Guid id, long seq, long? expectedSeq, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (CanEdit(import) is { } refused)
        {
            return refused;
        }

        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        bool reviewAgain;
        await using (var held = await edits.BeginAsync(id, cancellationToken))
        {
            if (await HeldRefusalAsync(held, user, id, expectedSeq, import, cancellationToken) is { } late)
            {
                return late;
            }

            var (result, undone) = await ImportEditStore.UndoAsync(held, import.WorkspaceId, seq, user.UserId, user.Name, cancellationToken);
            switch (result)
            {
                case ImportEditUndo.NotFound:
                    return new ImportRefusal(404, "Edit not found", $"Import {id} has no edit {seq}; list its edits with GET /api/imports/{id}/edits.");
                case ImportEditUndo.AlreadyUndone:
                    return ImportRefusal.Conflict("Edit already undone", $"Edit {seq} of import {id} is undone already; nothing changed. Make it again with POST /api/imports/{id}/edits.");
            }

            // The rows the undone edit named (a bulk edit over every row names none: the whole file is reviewed again).
            IReadOnlyList<int>? changed = ImportEditKind.IsBulk(undone!.Kind) ? undone.Rows : [undone.Spec.Row!.Value];
            var wasReviewed = held.IsReviewed;
            import = import with { Edits = await ImportEditStore.ListAsync(held, cancellationToken) };
            reviewAgain = wasReviewed && await KeepReviewAsync(held, import, workspaceFields, changed, cancellationToken) is null;
            await held.CommitAsync(cancellationToken);
        }

        if (reviewAgain)
        {
            await ReviewAgainAsync(user, id, workspaceFields, cancellationToken);
        }

        return null;
    }

    /// <summary>
    /// Under the import's lock: the import has started meanwhile (409), or someone changed its edits since the
    /// <paramref name="expectedSeq"/> the client saw (409 naming who, what and when).
    /// </summary>
    private async Task<ImportRefusal?> HeldRefusalAsync(ImportEditTransaction held, CurrentUser user, Guid id, long? expectedSeq, ImportRecord import, CancellationToken cancellationToken)
    {
        if (!held.IsUploaded)
        {
            return await imports.GetAsync(user.WorkspaceId, id, cancellationToken) is { } now && CanEdit(now) is { } refused
                ? refused
                : ImportRefusal.Conflict("Import already run", "This import has started; its edits can no longer change.");
        }

        if (expectedSeq is not { } seen || held.Latest is not { } latest || latest.Version <= seen)
        {
            return null;
        }

        var what = $"{(latest.Undone ? "undid the edit" : "made the edit")} '{Summary(latest.Edit, Headers(import))}' at {latest.At.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)} UTC";
        return new ImportRefusal(409, "Edited by someone else", $"{latest.By} {what}, after the version {seen} you saw (now {latest.Version}). Nothing of yours was stored: " +
            $"reload the review's rows and the edits (GET /api/imports/{id}/edits) to see it, then make your edit again with expectedSeq {latest.Version}.",
            new Dictionary<string, object?> { ["version"] = latest.Version, ["changedBy"] = latest.By });
    }

    /// <summary>
    /// In the edit's transaction, after the edit or undo is stored: brings a kept review up to date by planning again only the
    /// rows it can change (<see cref="ImportReviewUpdate"/>), or clears it (null) when <paramref name="changed"/> is unknown (null)
    /// or too many rows are linked. Null too when the import was not reviewed (nothing to keep).
    /// </summary>
    private async Task<ReviewUpdate?> KeepReviewAsync(ImportEditTransaction held, ImportRecord import, IReadOnlyList<FieldDefinition> workspaceFields, IReadOnlyList<int>? changed,
        CancellationToken cancellationToken)
    {
        if (!held.IsReviewed)
        {
            return null;
        }

        var update = changed is null || changed.Count > ImportReviewUpdate.MaxRows
            ? null
            : await reviewUpdate.UpdateAsync(held, import, workspaceFields, [.. changed], await ImportEditStore.ListAsync(held, cancellationToken), cancellationToken);
        if (update is null)
        {
            await ImportReviewState.ClearAsync(held, cancellationToken);
        }

        return update;
    }

    /// <summary>The whole file reviewed again after an edit the incremental re-review does not take (null when it was not reviewed before).</summary>
    private async Task<EditReviewResponse?> ReviewAgainAsync(CurrentUser user, Guid id, IReadOnlyList<FieldDefinition> workspaceFields, CancellationToken cancellationToken)
    {
        if (await imports.GetAsync(user.WorkspaceId, id, cancellationToken) is not { } import || CanEdit(import) is not null)
        {
            return null;
        }

        import = await edits.WithEditsAsync(import, cancellationToken);
        await using var file = await imports.OpenFileAsync(id, cancellationToken);
        var result = await review.ReviewAsync(import, file, import.Mapping!, workspaceFields, cancellationToken);
        return new EditReviewResponse(result.Counts, result.WarningCount, EditReviewResponse.Full, result.Rows, []);
    }

    /// <summary>
    /// What an edit finds before it is stored: the state of its row (single-row kinds; <see cref="Found"/> false: no such row), the
    /// rows it changes with the first of them read again, and the file's first and last row numbers (0: no data rows).
    /// </summary>
    private sealed record EditTarget(bool Found, string? DroppedBy, List<int> Touched, List<EditedRowResponse> Answer, int First, int Last)
    {
        public bool IsDropped => DroppedBy is not null;

        public static EditTarget Empty(int first, int last) => new(false, null, [], [], first, last);

        /// <summary>Adds a row the edit applies to (a bulk edit that changes none of its cells leaves it out).</summary>
        public EditTarget Touch(ImportEdit edit, RowReader reader, int number, IReadOnlyList<string> cells, string? droppedBy)
        {
            string[]? next = null;
            var after = ImportEditIndex.ApplyTo(edit, cells, ref next, droppedBy);
            if (ImportEditKind.IsBulk(edit.Kind) && next is null)
            {
                return this;
            }

            Touched.Add(number);
            if (Answer.Count < MaxAnswerRows)
            {
                var read = reader.Read(next ?? cells);
                Answer.Add(new EditedRowResponse(number, next ?? cells, read.IsValid, after is not null,
                    after is null ? read.Errors : [ImportPlan.DroppedReason(after), .. read.Errors], read.Warnings));
            }

            return this with { Found = true, DroppedBy = droppedBy };
        }
    }

    /// <summary>A single-row edit's row as the kept review holds it (cells after the edits, who dropped it): no need to read the file.</summary>
    private async Task<EditTarget> KeptTargetAsync(ImportEditTransaction held, ImportRecord import, IReadOnlyList<FieldDefinition> workspaceFields, ImportEdit edit,
        CancellationToken cancellationToken)
    {
        var number = edit.Spec.Row!.Value;
        var kept = await ImportReviewRows.ReadAsync(held, [number], [], cancellationToken);
        if (kept.Count == 0)
        {
            var range = await ImportReviewRows.RangeAsync(held, cancellationToken);
            return EditTarget.Empty(range?.First ?? 0, range?.Last ?? 0);
        }

        var row = kept[0];
        return EditTarget.Empty(number, number).Touch(edit, ImportPlan.Reader(import, import.Mapping!, workspaceFields), number, row.Cells, row.DroppedBy);
    }

    /// <summary>The rows an edit changes, found by reading the file through the mapping with the stored edits (a bulk edit, or an import not reviewed).</summary>
    private async Task<EditTarget> ScanAsync(ImportRecord import, IReadOnlyList<FieldDefinition> workspaceFields, ImportEdit edit, RowFilter? filter,
        CancellationToken cancellationToken)
    {
        var bulk = ImportEditKind.IsBulk(edit.Kind);
        var reader = ImportPlan.Reader(import, import.Mapping!, workspaceFields);
        var target = EditTarget.Empty(0, 0);
        await using var file = await imports.OpenFileAsync(import.Id, cancellationToken);
        foreach (var planned in ImportPlan.Rows(file, import, import.Mapping!, workspaceFields))
        {
            var number = planned.Row.RowNumber;
            target = target with { First = target.First == 0 ? number : target.First, Last = number };
            if (bulk ? filter is null || filter.Matches(planned.Row.Cells, planned.Result, planned.IsDropped) : number == edit.Spec.Row)
            {
                target = target.Touch(edit, reader, number, planned.Row.Cells, planned.DroppedBy);
            }
        }

        return target;
    }

    private static EditReviewResponse Answer(ReviewUpdate update) =>
        new(update.Tally.Counts, update.Tally.WarningCount, EditReviewResponse.Incremental, update.Rows.Count,
            [.. update.Rows.Take(MaxAnswerRows).Select(r => ReviewRowResponse.From(r, null))]);

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
            _ when body.Rows?.Outcome is { } outcome && !RowFilter.Outcomes.Contains(outcome) => Bad("Unknown outcome",
                $"'rows.outcome' is '{outcome}'; use one of {string.Join(", ", RowFilter.Outcomes)}, or leave it out for rows of any outcome."),
            _ => null,
        };
    }

    private static ImportRefusal? RefuseTarget(string kind, ImportEditSpec spec, EditTarget target, RowFilter? filter)
    {
        var (first, last) = (target.First, target.Last);
        if (ImportEditKind.IsBulk(kind))
        {
            return target.Touched.Count > 0 ? null : new ImportRefusal(422, "Nothing to change", filter is null
                ? $"No cell of column {spec.Column} would change: the edit was not stored."
                : $"No row matching the filter has a cell in column {spec.Column} this edit would change: the edit was not stored. Check the filter against the review's rows.");
        }

        if (!target.Found)
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

    private static IReadOnlyList<string>? Headers(ImportRecord import) => import.Analysis.HasHeader ? [.. import.Analysis.Columns.Select(c => c.Header)] : null;
}
