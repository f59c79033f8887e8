using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Imports;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Api.Imports;

/// <summary>What an upload brings: the file, the reading options asked for, and the command-line importer's fields.</summary>
/// <param name="FileSize">The whole file's bytes (a command-line upload is the head of its file).</param>
public sealed record ImportUpload(string FileName, long FileSize, Func<Stream> Open, ReadingOptions Reading, bool CommandLine);

/// <summary>
/// How to read an import's file: header row on/off, delimiter, conversion from a non-UTF-8 encoding, the row the header is
/// on (rows above it are not read) and a spreadsheet's sheet (each null: as analysed).
/// </summary>
public sealed record ReadingOptions(bool? HasHeader = null, char? Delimiter = null, string? ConvertFrom = null, int? HeaderRow = null, string? Sheet = null);

/// <summary>The rows that were not imported, written as CSV to a stream.</summary>
public sealed record ImportErrorReport(string FileName, Func<Stream, CancellationToken, Task> WriteAsync);

/// <summary>
/// The import wizard's workflow, one home for every step the API offers: upload and analyse, re-analyse with other reading
/// options, map, review, run, follow, discard, and the error report. The steps' preconditions are
/// <see cref="ImportLifecycle"/>'s; a wizard import's run is its <see cref="IImportJobGrain"/>'s, a command-line import's
/// rows and finish are <see cref="CommandLineImportWorkflow"/>'s. Endpoint handlers only translate HTTP to these calls.
/// </summary>
public sealed class ImportWorkflow(IClusterClient orleans, ImportStore imports, ImportEditStore edits, ImportReview review, ImportReviewRows reviewRows,
    ReviewChanges reviewChanges, FieldStore fields, MappingMemory memory, ImportRecipeWorkflow recipes, IOptions<JobLivenessOptions> liveness, TimeProvider clock)
{
    public async Task<Outcome<ImportResponse>> UploadAsync(CurrentUser user, ImportUpload upload, CancellationToken cancellationToken)
    {
        SniffResult analysis;
        await using (var stream = upload.Open())
        {
            await using var readable = await SeekableAsync(stream, cancellationToken);
            var format = ImportFiles.Detect(readable);
            if (upload.Reading.Sheet is not null && !ImportFormats.IsSpreadsheet(format))
            {
                return NotASpreadsheet(format);
            }

            analysis = Analyse(readable, upload.Reading, upload.CommandLine, format);
            if (upload.Reading is { HasHeader: null, HeaderRow: null, Sheet: null } && format != ImportFormats.VCard && readable.CanSeek)
            {
                analysis = await RememberedReadingAsync(user, readable, upload, format, analysis);
            }
        }

        if (!analysis.CanImport)
        {
            return Refused(analysis);
        }

        var import = new ImportRecord(Guid.NewGuid(), user.WorkspaceId, user.UserId, FileNames.Clean(upload.FileName), upload.FileSize, ImportStatus.Uploaded,
            DateTimeOffset.UtcNow, analysis, upload.Reading.ConvertFrom, null, upload.CommandLine ? 0 : analysis.DataRowCount, 0, ImportCounts.Zero, null, null, null,
            upload.CommandLine ? ImportKind.CommandLine : ImportKind.Wizard);
        await using (var stream = upload.Open())
        {
            await imports.CreateAsync(import, stream, cancellationToken);
        }

        return await ResponseAsync(import, user, cancellationToken);
    }

    /// <summary>
    /// When the default reading of a file finds no remembered mapping for its headers, the workspace's remembered reading
    /// choices (a sheet, a header row below a title) are tried in turn, newest first: the first whose headers have a
    /// remembered mapping is the file's analysis, so a file like one mapped before comes read and mapped the same way.
    /// </summary>
    private async Task<SniffResult> RememberedReadingAsync(CurrentUser user, Stream readable, ImportUpload upload, string format, SniffResult analysis)
    {
        if (!analysis.CanImport || (analysis.HasHeader && await memory.RecallAsync(user.WorkspaceId, HeaderSetKey(analysis)) is not null))
        {
            return analysis;
        }

        foreach (var reading in await memory.ReadingsAsync(user.WorkspaceId))
        {
            if ((reading.Sheet is not null && !ImportFormats.IsSpreadsheet(format))
                || (reading.HeaderRow == analysis.HeaderRow && string.Equals(reading.Sheet ?? analysis.Sheet, analysis.Sheet, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            readable.Position = 0;
            var other = Analyse(readable, upload.Reading with { HeaderRow = reading.HeaderRow, Sheet = reading.Sheet }, upload.CommandLine, format);
            if (other.CanImport && other.HasHeader && await memory.RecallAsync(user.WorkspaceId, HeaderSetKey(other)) is not null)
            {
                return other;
            }
        }

        return analysis;
    }

    private static string HeaderSetKey(SniffResult analysis) => MappingRules.HeaderSetKey([.. analysis.Columns.Select(c => c.Header)]);

    /// <summary>
    /// Reads the same stored file again with other options (delimiter, header row, conversion): the import keeps its id,
    /// its mapping is dropped (the columns may have changed) and a new one is proposed. Only before it runs.
    /// </summary>
    public async Task<Outcome<ImportResponse>> ReanalyseAsync(CurrentUser user, Guid id, ReadingOptions reading, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (ImportLifecycle.CanChange(import, "analysis") is { } refused)
        {
            return refused;
        }

        var format = import.Analysis.Format;
        if (reading.Sheet is not null && !ImportFormats.IsSpreadsheet(format))
        {
            return NotASpreadsheet(format);
        }

        // Another sheet has its own header row: found again unless one is given.
        var sheetChanged = reading.Sheet is not null && !string.Equals(reading.Sheet.Trim(), import.Analysis.Sheet, StringComparison.OrdinalIgnoreCase);
        // A spreadsheet given a header row or another sheet is read with a header found again, unless "no header" is asked.
        var keptHeader = ImportFormats.IsSpreadsheet(format) && (reading.HeaderRow is not null || sheetChanged) ? (bool?)null : import.Analysis.HasHeader;
        var asked = new ReadingOptions(reading.HasHeader ?? keptHeader, reading.Delimiter ?? import.Analysis.Delimiter, reading.ConvertFrom ?? import.ConvertFrom,
            reading.HeaderRow ?? (sheetChanged || reading.HasHeader is not null || import.Analysis.HeaderRow <= 1 ? null : import.Analysis.HeaderRow),
            reading.Sheet ?? import.Analysis.Sheet);
        SniffResult analysis;
        await using (var stored = await imports.OpenFileAsync(id, cancellationToken))
        {
            await using var stream = await ImportFileStreams.ReadableAsync(stored, format, cancellationToken);
            analysis = Analyse(stream, asked, import.IsCommandLine, format);
        }

        if (!analysis.CanImport)
        {
            return Refused(analysis);
        }

        if (!await imports.ReanalyseAsync(user.WorkspaceId, id, analysis, asked.ConvertFrom, cancellationToken))
        {
            return ImportLifecycle.CanChange((await imports.VisibleAsync(user, id, cancellationToken))!, "analysis")!;
        }

        return await ResponseAsync((await imports.VisibleAsync(user, id, cancellationToken))!, user, cancellationToken);
    }

    public async Task<Outcome<ImportResponse>> SetMappingAsync(CurrentUser user, Guid id, MappingRequest? body, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (ImportLifecycle.CanChange(import, "mapping") is { } refused)
        {
            return refused;
        }

        var analysis = import.Analysis;
        var hasHeader = body?.HasHeader ?? analysis.HasHeader;
        if (hasHeader != analysis.HasHeader)
        {
            // The header choice changes the columns' names and the row count: analyse the stored file again, streamed from the
            // database. The delimiter stays as the upload read it (detected or chosen); a conversion only applies to a file the
            // upload found not to be UTF-8 (the stream cannot be read twice to find a stale one out again).
            await using var stream = await imports.OpenFileAsync(id, cancellationToken);
            var convertFrom = analysis.Encoding.Verdict == EncodingVerdict.NotUtf8 ? import.ConvertFrom : null;
            analysis = Analyse(stream, new ReadingOptions(hasHeader, analysis.Delimiter, convertFrom, analysis.HeaderRow > 1 ? analysis.HeaderRow : null, analysis.Sheet), import.IsCommandLine, analysis.Format);
            if (!analysis.CanImport)
            {
                return Refused(analysis);
            }
        }

        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        var (asked, errors) = ReadMapping(body, hasHeader, user, analysis, workspaceFields);
        if (errors.Count > 0)
        {
            return new ImportRefusal(StatusCodes.Status400BadRequest, "Invalid mapping", "", Errors: errors);
        }

        var (mapping, typedErrors) = await CompleteTypedAsync(import, analysis, asked, workspaceFields, cancellationToken);
        if (typedErrors.Count > 0)
        {
            return new ImportRefusal(StatusCodes.Status422UnprocessableEntity, "The mapping needs a choice", typedErrors.First().Value[0],
                new Dictionary<string, object?> { ["errors"] = typedErrors });
        }

        if (!await imports.SetMappingAsync(user.WorkspaceId, id, mapping, analysis, cancellationToken))
        {
            return ImportRefusal.Conflict("Import already run", "This import has started; its mapping can no longer change.");
        }

        if (hasHeader)
        {
            // Remembered with the sheet and header row the file was read with, so the next file like it is read the same way.
            var reading = mapping with { Sheet = analysis.Sheet, HeaderRow = analysis.HeaderRow > 1 ? analysis.HeaderRow : null };
            await memory.RememberAsync(user.WorkspaceId, HeaderSetKey(analysis), reading);
            var otherSheet = analysis.Sheet is not null && analysis.Sheets is { Count: > 0 } sheets && !string.Equals(sheets[0], analysis.Sheet, StringComparison.OrdinalIgnoreCase);
            if (analysis.HeaderRow > 1 || otherSheet)
            {
                await memory.RememberReadingAsync(user.WorkspaceId, new RememberedReading(otherSheet ? analysis.Sheet : null, analysis.HeaderRow));
            }
        }

        var updated = (await imports.VisibleAsync(user, id, cancellationToken))!;
        return ImportResponse.From(updated, Confirmed(updated.Mapping!), workspaceFields, liveness.Value);
    }

    /// <summary>
    /// A column's values over the whole stored file for a target (the wizard's value table and date-format question): the
    /// target as given, else the confirmed mapping's, else Don't import.
    /// </summary>
    public async Task<Outcome<ColumnValuesResponse>> ColumnValuesAsync(CurrentUser user, Guid id, int index, string? targetText, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var columns = import.Analysis.Columns;
        if (index < 0 || index >= columns.Count)
        {
            return new ImportRefusal(StatusCodes.Status404NotFound, "Column not found",
                $"This import has {columns.Count} columns, numbered 0 to {columns.Count - 1} as in its analysis; ask for one of them.");
        }

        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        var target = import.Mapping is { } mapping && index < mapping.Columns.Count ? mapping.Columns[index] : ColumnTarget.Ignore;
        if (targetText is not null && !ColumnTarget.TryParse(targetText, out target))
        {
            return UnknownTarget($"'{targetText}' is not a target; use name, phone, phone_additional, email, tags, field:<key> or ignore.");
        }

        var field = workspaceFields.FirstOrDefault(f => target.Kind == TargetKind.CustomField && f.Key == target.FieldKey);
        if (target.Kind == TargetKind.CustomField && field is null)
        {
            return UnknownTarget($"There is no custom field '{target.FieldKey}' in this workspace; choose one of the targets the import lists, or create the field in Settings → Contact fields.");
        }

        var summary = (await SummariseColumnsAsync(import, [(index, field)], cancellationToken))[index];
        return new ColumnValuesResponse(index, columns[index].Header, target.ToString(), summary.Dates.Format, summary.Dates.Choices, summary.DecimalSeparator,
            [.. summary.Values.Select(v => new ColumnValueResponse(v.Value, v.Count, v.Option))], summary.DistinctCount, summary.UnmatchedCount);
    }

    /// <summary>
    /// The typed options of a mapping checked (an unknown format, separator or option) and completed from the whole stored file:
    /// a date column without a format gets the one its values are written in, and is refused when they read both day-first
    /// and month-first; a number column gets its decimal separator. Errors keyed "dateFormats[i]" etc.
    /// </summary>
    private async Task<(ImportMapping Mapping, Dictionary<string, string[]> Errors)> CompleteTypedAsync(ImportRecord import, SniffResult analysis, ImportMapping mapping,
        IReadOnlyList<FieldDefinition> workspaceFields, CancellationToken cancellationToken)
    {
        var names = ColumnNames(analysis);
        var errors = TypedMapping.Validate(mapping, names, workspaceFields);
        if (errors.Count > 0)
        {
            return (mapping, errors);
        }

        var summaries = await SummariseColumnsAsync(import with { Analysis = analysis }, [.. TypedMapping.ColumnsToDetect(mapping, workspaceFields).Select(c => (c.Index, (FieldDefinition?)c.Field))],
            cancellationToken);
        return TypedMapping.Complete(mapping, names, workspaceFields, summaries);
    }

    private static IReadOnlyList<string> ColumnNames(SniffResult analysis) =>
        [.. analysis.Columns.Select(c => analysis.HasHeader ? c.Header : "")]; // a blank name reads "Column n" (HeaderNames.Display)

    private static ImportRefusal UnknownTarget(string detail) => new(StatusCodes.Status422UnprocessableEntity, "Unknown target", detail);

    /// <summary>Summarises columns over the whole stored file in one pass (a command-line import stores the head of its file only).</summary>
    private async Task<Dictionary<int, ColumnSummary>> SummariseColumnsAsync(ImportRecord import, IReadOnlyList<(int Index, FieldDefinition? Field)> wanted,
        CancellationToken cancellationToken)
    {
        var cells = wanted.ToDictionary(w => w.Index, _ => new List<string>());
        if (cells.Count > 0)
        {
            await using var stored = await imports.OpenFileAsync(import.Id, cancellationToken);
            await using var file = await ImportFileStreams.ReadableAsync(stored, import.Analysis.Format, cancellationToken);
            foreach (var row in ImportFiles.Rows(file, import.Analysis, import.ConvertFrom, import.Analysis.HasHeader))
            {
                foreach (var (index, list) in cells)
                {
                    if (index < row.Cells.Count && !string.IsNullOrWhiteSpace(row.Cells[index]))
                    {
                        list.Add(row.Cells[index]);
                    }
                }
            }
        }

        return wanted.ToDictionary(w => w.Index, w => TypedColumns.Summarise(cells[w.Index], w.Field));
    }

    public async Task<Outcome<ReviewResult>> ReviewAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (ImportLifecycle.CanReview(import) is { } refused)
        {
            return refused;
        }

        using var activity = ImportTelemetry.Start("import.review", id);
        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        import = await edits.WithEditsAsync(import, cancellationToken);
        // Kept and marked reviewed, unless the mapping changed or the import started meanwhile (then the review is an answer only).
        await using var file = await imports.OpenFileAsync(id, cancellationToken);
        return await review.ReviewAsync(import, file, import.Mapping!, workspaceFields, cancellationToken);
    }

    /// <summary>
    /// A page of the current review's rows (row number ascending, after row <paramref name="after"/>), filtered, with the
    /// change each updated row of the page makes to its contact as stored now (<see cref="ReviewChanges"/>).
    /// </summary>
    public async Task<Outcome<ReviewRowsResponse>> ReviewRowsAsync(CurrentUser user, Guid id, ReviewRowFilter filter, int? after, int? limit, CancellationToken cancellationToken)
    {
        if (filter.Outcome is { } outcome && !ReviewRowFilter.Outcomes.Contains(outcome))
        {
            return ImportRefusal.BadRequest("Bad outcome",
                $"'{outcome}' is not an outcome; use added, updated, skipped, invalid or warning (rows imported with a warning), or leave 'outcome' out for every row.");
        }

        if (limit is < 1 or > ReviewRowsResponse.MaxLimit)
        {
            return ImportRefusal.BadRequest("Bad limit", $"'limit' is the number of rows of a page: 1 to {ReviewRowsResponse.MaxLimit} ({ReviewRowsResponse.DefaultLimit} when left out).");
        }

        if (after is < 0)
        {
            return ImportRefusal.BadRequest("Bad after", "'after' is the last row number of the previous page (its 'next'); leave it out for the first page.");
        }

        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (ImportLifecycle.CanReadReviewRows(import) is { } refused)
        {
            return refused;
        }

        var page = await reviewRows.PageAsync(id, filter, after ?? 0, limit ?? ReviewRowsResponse.DefaultLimit, cancellationToken);
        var changes = await reviewChanges.ForAsync(import, page.Rows, await fields.ListAsync(user.WorkspaceId), cancellationToken);
        return new ReviewRowsResponse([.. page.Rows.Select(r => ReviewRowResponse.From(r, changes.GetValueOrDefault(r.RowNumber)))], page.Next, page.Total);
    }

    /// <summary>
    /// Runs an import: a wizard import's job grain reads its file (a small one finishes within the request's patience); a
    /// command-line import is marked running (again: the importer resuming it gets the same answer) with the file's row
    /// count for its progress, read by <paramref name="totalRows"/> only for a command-line import.
    /// </summary>
    public async Task<Outcome<ImportResponse>> RunAsync(CurrentUser user, Guid id, Func<Task<Outcome<int?>>> totalRows, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (import.Mapping is not null && import.IsCommandLine)
        {
            var total = await totalRows();
            if (total.Refusal is { } unreadable)
            {
                return unreadable;
            }

            return await StartCommandLineAsync(import, total.Value, cancellationToken);
        }

        if (ImportLifecycle.CanRun(import) is { } refused)
        {
            return refused;
        }

        if (!await orleans.GetGrain<IImportJobGrain>(id).StartAsync())
        {
            return ImportLifecycle.AlreadyRun((await imports.VisibleAsync(user, id, cancellationToken))!);
        }

        // Its column fixes (frozen now that it has started) become the recipe offered for the next file with these headers.
        await recipes.SaveOnRunAsync(user, import, cancellationToken);

        var current = await JobWait.BrieflyAsync(clock, async _ => (await imports.VisibleAsync(user, id))!,
            c => c.Status is not (ImportStatus.Finished or ImportStatus.Failed), cancellationToken);
        return await ResponseAsync(current, user, cancellationToken);
    }

    private async Task<Outcome<ImportResponse>> StartCommandLineAsync(ImportRecord import, int? totalRows, CancellationToken cancellationToken)
    {
        if (ImportLifecycle.CanRun(import) is { } refused)
        {
            return refused;
        }

        if (import.Status == ImportStatus.Uploaded && !await imports.MarkRunningAsync(import.Id, cancellationToken))
        {
            return ImportLifecycle.CanRun((await imports.GetAsync(import.WorkspaceId, import.Id, cancellationToken))!)
                ?? ImportRefusal.Conflict("Import already run", "This import has started already.");
        }

        if (totalRows is { } total)
        {
            await imports.SetTotalRowsAsync(import.Id, total, cancellationToken);
        }

        var current = (await imports.GetAsync(import.WorkspaceId, import.Id, cancellationToken))!;
        return ImportResponse.From(current, Confirmed(current.Mapping!), await fields.ListAsync(import.WorkspaceId));
    }

    public async Task<Outcome<ImportResponse>> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken) =>
        await imports.VisibleAsync(user, id, cancellationToken) is { } import ? await ResponseAsync(import, user, cancellationToken) : ImportRefusal.NotFound(id);

    public async Task<IReadOnlyList<ImportResponse>> ListAsync(CurrentUser user, DateTimeOffset? before, CancellationToken cancellationToken)
    {
        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        var page = await imports.ListAsync(user.WorkspaceId, 50, before?.ToUniversalTime(), user.OwnerFilter(), cancellationToken);
        return [.. page.Select(i => ImportResponse.From(i, i.Mapping is null ? null : Confirmed(i.Mapping), workspaceFields, liveness.Value))];
    }

    /// <summary>Discards an upload that has not run: the import, its stored file and its analysis are deleted.</summary>
    public async Task<ImportRefusal?> DiscardAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var refused = ImportLifecycle.CanChange(import, "upload") is null ? null : ImportRefusal.Conflict("Import already run",
            $"This import is {import.Status}; only an upload that has not run can be discarded. To undo what it did, revert it (POST /api/imports/{id}/revert).");
        if (refused is null && !await imports.DiscardAsync(user.WorkspaceId, id, cancellationToken))
        {
            refused = ImportRefusal.Conflict("Import already run", $"This import has started; follow it with GET /api/imports/{id}.");
        }

        return refused;
    }

    /// <summary>
    /// The rows that were not imported (invalid or skipped) and those imported with warnings (a bad phone left out, an
    /// identifier that stayed with another contact, an opt-out taken on), written as the stored file streams past: neither
    /// is ever held whole. The Reasons column holds a row's reasons, then its warnings; the Edited column a row's cells as
    /// the review's edits left them (as CSV), blank when no edit changed the row.
    /// </summary>
    public async Task<Outcome<ImportErrorReport>> ErrorReportAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (!await imports.HasFileAsync(id, cancellationToken))
        {
            return new ImportRefusal(StatusCodes.Status410Gone, "Import file deleted",
                $"The file of import {id} was deleted once its undo window ended, so its error report cannot be rebuilt. "
                + $"The import's counts and rows stay: see GET /api/imports/{id}.");
        }

        var rows = (await imports.RowsToReportAsync(id, [ImportOutcome.Invalid, ImportOutcome.Skipped], cancellationToken)).ToDictionary(r => r.RowNumber);
        var edited = ImportEditIndex.Build(await edits.ListAsync(id, cancellationToken));
        if (import.Analysis.Format == ImportFormats.Csv)
        {
            _ = CsvSniffer.ReadingEncoding(import.Analysis, import.ConvertFrom); // a CSV that cannot be decoded refuses here, before the answer starts
        }

        return new ImportErrorReport(FileNames.WithEnding(import.FileName, "-errors.csv"), async (body, aborted) =>
        {
            await using var stored = await imports.OpenFileAsync(id, aborted);
            await using var file = await ImportFileStreams.ReadableAsync(stored, import.Analysis.Format, aborted);
            await using var output = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
            var record = new StringBuilder("\uFEFF");
            CsvText.AppendRecord(record, ["Row", "Outcome", "Reasons", "Original row", "Edited"]);
            foreach (var row in ImportFiles.Rows(file, import.Analysis, import.ConvertFrom, import.Analysis.HasHeader))
            {
                if (rows.TryGetValue(row.RowNumber, out var result))
                {
                    CsvText.AppendRecord(record, [row.RowNumber.ToString(CultureInfo.InvariantCulture), result.Outcome, string.Join(" | ", result.Reasons.Concat(result.Warnings)), row.Raw,
                        EditedCells(edited.Apply(row))]);
                    if (record.Length >= 32 * 1024)
                    {
                        await output.WriteAsync(record, aborted);
                        record.Clear();
                    }
                }
            }

            await output.WriteAsync(record, aborted);
        });
    }

    /// <summary>A row's cells after the edits, as one CSV line; blank when no edit changed them.</summary>
    private static string EditedCells(EditedRow row)
    {
        if (!row.Edited)
        {
            return "";
        }

        var line = new StringBuilder();
        CsvText.AppendRecord(line, row.Row.Cells);
        return line.ToString().TrimEnd('\r', '\n');
    }

    /// <summary>The import as the wizard sees it, with its confirmed mapping, else the one remembered for these headers, else a suggestion.</summary>
    private async Task<ImportResponse> ResponseAsync(ImportRecord import, CurrentUser user, CancellationToken cancellationToken)
    {
        var workspaceFields = await fields.ListAsync(user.WorkspaceId);
        return ImportResponse.From(import, await ProposeMappingAsync(import, workspaceFields, user), workspaceFields, liveness.Value) with
        {
            Recipe = await recipes.OfferAsync(import, cancellationToken),
        };
    }

    private async Task<MappingResponse> ProposeMappingAsync(ImportRecord import, IReadOnlyList<FieldDefinition> workspaceFields, CurrentUser user)
    {
        if (import.Mapping is { } confirmed)
        {
            return Confirmed(confirmed);
        }

        var headers = import.Analysis.Columns.Select(c => c.Header).ToList();
        var hasHeader = import.Analysis.HasHeader;
        var samples = import.Analysis.Columns.Select(c => c.Samples).ToList();
        var proposal = MappingProposals.Suggest(headers, samples, hasHeader, workspaceFields, user.DefaultRegion, import.Analysis.Format);
        if (hasHeader && await memory.RecallAsync(user.WorkspaceId, MappingRules.HeaderSetKey(headers)) is { } remembered
            && remembered.Columns.Count == headers.Count
            && MappingRules.Validate(remembered with { HasHeader = hasHeader }, headers.Count, workspaceFields).Count == 0
            && TypedMapping.Validate(remembered, headers, workspaceFields).Count == 0)
        {
            return MappingResponse.From(remembered with { HasHeader = hasHeader }, "remembered", proposal);
        }

        return MappingResponse.From(proposal.Mapping, "suggested", proposal);
    }

    private static (ImportMapping Mapping, Dictionary<string, string[]> Errors) ReadMapping(MappingRequest? body, bool hasHeader, CurrentUser user, SniffResult analysis,
        IReadOnlyList<FieldDefinition> workspaceFields)
    {
        var errors = new Dictionary<string, string[]>();
        var targets = new List<ColumnTarget>();
        foreach (var (text, index) in (body?.Columns ?? []).Select((t, i) => (t, i)))
        {
            if (ColumnTarget.TryParse(text, out var target))
            {
                targets.Add(target);
            }
            else
            {
                errors[$"columns[{index}]"] = [$"'{text}' is not a target; use name, phone, phone_additional, email, tags, field:<key> or ignore."];
                targets.Add(ColumnTarget.Ignore);
            }
        }

        var badIdentifier = BadIdentifierPolicy.Import;
        string? policyError = null;
        if (body?.BadIdentifier is { } policyText && !BadIdentifierPolicies.TryParse(policyText, out badIdentifier))
        {
            policyError = $"'{policyText}' is not a choice; use \"{BadIdentifierPolicies.Import}\" (a row with a bad phone or email and another valid one is imported by the valid one, with a warning) or \"{BadIdentifierPolicies.Invalid}\" (such a row is invalid).";
        }

        var mapping = new ImportMapping(targets, hasHeader, (body?.Region ?? user.DefaultRegion).Trim().ToUpperInvariant())
        {
            Separators = MappingProposals.Separators(targets, body?.Separators, [.. analysis.Columns.Select(c => c.Samples)]),
            BadIdentifier = badIdentifier,
            DateFormats = body?.DateFormats,
            DecimalSeparators = body?.DecimalSeparators,
            ValueMaps = body?.ValueMaps,
        };
        if (errors.Count == 0)
        {
            foreach (var (key, messages) in MappingRules.Validate(mapping, analysis.Columns.Count, workspaceFields))
            {
                errors[key] = messages;
            }
        }

        if (policyError is not null)
        {
            errors["badIdentifier"] = [policyError];
        }

        return (mapping, errors);
    }

    // The command-line importer uploads its file's head and sends the rows through its rows endpoint: no row limit.
    // The file is read by its format's reader (a spreadsheet's from a seekable stream, see ImportFileStreams).
    private static SniffResult Analyse(Stream file, ReadingOptions reading, bool commandLine, string format)
    {
        using var activity = ImportTelemetry.Source.StartActivity("import.sniff");
        activity?.SetTag("import.format", format);
        return ImportFiles.Analyse(ImportFileStreams.Readable(file, format), format, new SniffOptions(reading.HasHeader, reading.ConvertFrom,
            MaxDataRows: commandLine ? int.MaxValue : SniffOptions.WizardMaxDataRows, Delimiter: reading.Delimiter, HeaderRow: reading.HeaderRow, Sheet: reading.Sheet));
    }

    /// <summary>An upload's form stream as the readers need it: seekable (a spreadsheet's reader seeks; the format is told from the first bytes).</summary>
    private static async Task<Stream> SeekableAsync(Stream upload, CancellationToken cancellationToken) =>
        upload.CanSeek ? upload : await ImportFileStreams.ReadableAsync(upload, ImportFormats.Xlsx, cancellationToken);

    private static ImportRefusal NotASpreadsheet(string format) => new(StatusCodes.Status400BadRequest, "Bad sheet",
        $"'sheet' chooses a sheet of a spreadsheet (.xlsx or .xls), and this file is a {(format == ImportFormats.VCard ? "vCard" : "CSV")} file: leave 'sheet' out.");

    internal static MappingResponse Confirmed(ImportMapping mapping) => MappingResponse.From(mapping, "confirmed");

    private static ImportRefusal Refused(SniffResult analysis)
    {
        var first = analysis.Errors[0];
        if (first.Code is SpreadsheetCodes.UnknownSheet or SniffCodes.HeaderRowPastEnd)
        {
            // A choice the caller made that the file does not have: a bad request, with what to choose instead.
            return new ImportRefusal(StatusCodes.Status400BadRequest, first.Code == SniffCodes.HeaderRowPastEnd ? "Bad headerRow" : "Bad sheet", first.Message,
                new Dictionary<string, object?> { ["code"] = first.Code, ["sheets"] = analysis.Sheets });
        }

        return new ImportRefusal(StatusCodes.Status422UnprocessableEntity, "The file cannot be imported", first.Message, new Dictionary<string, object?>
        {
            ["code"] = first.Code,
            ["errors"] = analysis.Errors.Select(ImportResponse.Problem).ToList(),
            ["encoding"] = ImportResponse.EncodingOf(analysis.Encoding),
        });
    }
}
