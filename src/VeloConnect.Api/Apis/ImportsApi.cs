using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Imports;
using VeloConnect.Api.Limits;
using VeloConnect.Api.OpenApi;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Apis;

/// <summary>
/// The import wizard's endpoints: upload (analysis and suggested mapping), re-analyse, map, review (dry run), run, status,
/// history, discard, error report. Each handler translates HTTP to a step of <see cref="ImportWorkflow"/> and its answer back.
/// </summary>
public static class ImportsApi
{
    private const long MaxUploadBytes = 256L * 1024 * 1024;

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/imports").WithTags("Imports").Requires(Permission.Imports);
        api.MapPost("/", Upload).WithName("UploadImport").DisableAntiforgery()
            // 50,000 rows of a wide export can pass Kestrel's default 30 MB; the row limit is what bounds a file.
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxUploadBytes })
            .WithSummary("Step 1: upload a CSV (multipart field 'file'; optional 'hasHeader' true/false, 'delimiter' comma|semicolon|tab to override the detected one, and 'convertFrom' to confirm converting a non-UTF-8 file). Answers the analysis and a suggested mapping.")
            .Accepts<UploadImportFormDoc>("multipart/form-data")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        api.MapPut("/{id:guid}/analysis", Reanalyse).WithName("ReanalyseImport")
            .WithSummary("Step 1 again: reads the same uploaded file with another delimiter (comma|semicolon|tab), header row on/off or conversion (convertFrom) and answers the new analysis and a suggested mapping (a confirmed mapping is dropped). Only before the import runs.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        api.MapDelete("/{id:guid}", Discard).WithName("DiscardImport")
            .WithSummary("Discards an upload that has not run (its file and analysis are deleted). Uploads never run are discarded by themselves after a while.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPut("/{id:guid}/mapping", SetMapping).WithName("SetImportMapping")
            .WithSummary("Step 2: a target per column (name, phone, phone_additional, email, tags, field:<key>, ignore), header on/off and the default phone region. Remembered for files with the same headers.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/{id:guid}/columns/{index:int}", ColumnValues).WithName("GetImportColumnValues")
            .WithSummary("Step 2's detail for one column (0-based index) and a target (e.g. target=field:born): its distinct values over the whole file, most frequent first (at most 500), the option each matches for a select target, the detected date format (null when ambiguous: dateFormatChoices lists the formats to choose from) and decimal separator.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/{id:guid}/review", Review).WithName("ReviewImport").RequireRateLimiting(RequestLimits.ReviewPolicy)
            .WithSummary("Step 3: a dry run against the current contacts: counts added/updated/skipped/invalid, warnings and the first rows of each kind. Changes nothing.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status429TooManyRequests);
        api.MapGet("/{id:guid}/review/rows", ReviewRows).WithName("GetImportReviewRows")
            .WithSummary("Step 3's rows: every row of the current review, a page at a time by row number (after: the previous page's next; limit 1-500, default 100), filtered by outcome (added|updated|skipped|invalid|warning), reason (text in a reason or warning) and q (text in a cell); an updated row's change says what it will do to its contact. 409 before a review.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/edits", Edit).WithName("EditImport")
            .WithSummary("Step 3's fixes: an edit over the uploaded file (the file itself is never changed), by kind: cell {row, column, value}, drop {row}, restore {row}, replace {column, find, replace, rows?}, trim {column, rows?}, prefix {column, prefix, rows?}, set {column, value, rows?}. Column: 0-based; rows: a filter {outcome: invalid|valid|warning|dropped, reason, q} resolved now into the rows it changes. Answers the rows it changed, read again, and, when the import was reviewed, the review brought up to date (its counts and the rows planned again). expectedSeq (optional): the edits' version you saw (GET …/edits); 409 naming who changed what when it is older. Only before the run.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        api.MapGet("/{id:guid}/edits", ListEdits).WithName("ListImportEdits")
            .WithSummary("The edits made over the import's file, newest first, with who made and undid them; version: the newest change's number (send it as expectedSeq)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapDelete("/{id:guid}/edits/{seq:long}", UndoEdit).WithName("UndoImportEdit")
            .WithSummary("Undoes one edit (it stays listed as undone) and brings the review up to date; expectedSeq (optional): the edits' version you saw, 409 naming who changed what when it is older; only before the run")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapPost("/{id:guid}/run", Run).WithName("RunImport").WithJobCap(JobKind.Import).WithSummary("Runs the import (202); follow it with GET /api/imports/{id}")
            .WithDescription("A command-line import may send {\"totalRows\": N} (the file's data rows, shown as its progress); a wizard import takes no body.")
            .Accepts<StartCommandLineImportRequest>(isOptional: true, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}", GetImport).WithName("GetImport").WithSummary("An import's analysis, mapping, status, progress and counts")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/", ListImports).WithName("ListImports").WithSummary("Import history, newest first (before: the createdAt of the last import of the previous page)")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:guid}/errors.csv", ErrorReport).WithName("ImportErrorReport")
            .WithSummary("The rows that were not imported (invalid or skipped), and those imported with warnings, as CSV: row number, outcome, reasons then warnings, and the original row as uploaded")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv")
            // 410: the uploaded file was deleted at the end of the undo window (the report reads the original rows from it).
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status410Gone);
        return app;
    }

    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> Upload(HttpContext http, ImportWorkflow workflow)
    {
        var (upload, unreadable) = await ImportUploadForm.ReadAsync(http.Request);
        if (upload is null)
        {
            return unreadable!;
        }

        var uploaded = await workflow.UploadAsync(CurrentUser.From(http.User), upload, http.RequestAborted);
        return uploaded.Refusal is { } refused ? refused.ToProblem() : TypedResults.Created($"/api/imports/{uploaded.Value!.Id}", uploaded.Value);
    }

    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> Reanalyse(Guid id, AnalysisRequest? body, HttpContext http, ImportWorkflow workflow)
    {
        if (body?.HeaderRow is < 1)
        {
            return ImportUploadForm.BadHeaderRow(body.HeaderRow.Value);
        }

        var (reading, unreadable) = ImportUploadForm.ReadReading(null, body?.Delimiter, body?.ConvertFrom, body?.Sheet);
        if (reading is null)
        {
            return unreadable!;
        }

        var analysed = await workflow.ReanalyseAsync(CurrentUser.From(http.User), id, reading with { HasHeader = body?.HasHeader, HeaderRow = body?.HeaderRow }, http.RequestAborted);
        return analysed.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(analysed.Value);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> Discard(Guid id, HttpContext http, ImportWorkflow workflow) =>
        await workflow.DiscardAsync(CurrentUser.From(http.User), id, http.RequestAborted) is { } refused ? refused.ToProblem() : TypedResults.NoContent();

    public static async Task<Results<Ok<ImportResponse>, ValidationProblem, ProblemHttpResult>> SetMapping(Guid id, MappingRequest? body, HttpContext http, ImportWorkflow workflow)
    {
        var mapped = await workflow.SetMappingAsync(CurrentUser.From(http.User), id, body, http.RequestAborted);
        return mapped.Refusal switch
        {
            null => TypedResults.Ok(mapped.Value),
            { Errors: { } errors } => ApiProblems.Invalid(errors.ToDictionary()),
            var refused => refused.ToProblem(),
        };
    }

    public static async Task<Results<Ok<ColumnValuesResponse>, ProblemHttpResult>> ColumnValues(Guid id, int index, [FromQuery] string? target, HttpContext http, ImportWorkflow workflow)
    {
        var values = await workflow.ColumnValuesAsync(CurrentUser.From(http.User), id, index, target, http.RequestAborted);
        return values.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(values.Value);
    }

    public static async Task<Results<Ok<ReviewResult>, ProblemHttpResult>> Review(Guid id, HttpContext http, ImportWorkflow workflow)
    {
        var reviewed = await workflow.ReviewAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return reviewed.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(reviewed.Value);
    }

    public static async Task<Results<Ok<ReviewRowsResponse>, ProblemHttpResult>> ReviewRows(Guid id, [FromQuery] string? outcome, [FromQuery] string? reason, [FromQuery] string? q,
        [FromQuery] int? after, [FromQuery] int? limit, HttpContext http, ImportWorkflow workflow)
    {
        var filter = new ReviewRowFilter(Blank(outcome), Blank(reason), Blank(q));
        var page = await workflow.ReviewRowsAsync(CurrentUser.From(http.User), id, filter, after, limit, http.RequestAborted);
        return page.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(page.Value);

        static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
    }

    public static async Task<Results<Created<ImportEditResponse>, ProblemHttpResult>> Edit(Guid id, EditImportRequest? body, HttpContext http, ImportEditWorkflow workflow)
    {
        var edited = await workflow.EditAsync(CurrentUser.From(http.User), id, body, http.RequestAborted);
        return edited.Refusal is { } refused ? refused.ToProblem() : TypedResults.Created($"/api/imports/{id}/edits", edited.Value);
    }

    public static async Task<Results<Ok<ImportEditsResponse>, ProblemHttpResult>> ListEdits(Guid id, HttpContext http, ImportEditWorkflow workflow)
    {
        var list = await workflow.ListAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return list.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(list.Value);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> UndoEdit(Guid id, long seq, [FromQuery] long? expectedSeq, HttpContext http, ImportEditWorkflow workflow) =>
        await workflow.UndoAsync(CurrentUser.From(http.User), id, seq, expectedSeq, http.RequestAborted) is { } refused ? refused.ToProblem() : TypedResults.NoContent();

    /// <summary>A command-line import may send {"totalRows": N}; the body is read only for one.</summary>
    public static async Task<Results<Accepted<ImportResponse>, ProblemHttpResult>> Run(Guid id, HttpContext http, ImportWorkflow workflow)
    {
        // Read before the run starts, so an unreadable body is refused even where it is not used (a wizard import takes none).
        var totalRows = await ReadTotalRowsAsync(http.Request);
        if (totalRows.Refusal is { } unreadable)
        {
            return unreadable.ToProblem();
        }

        var run = await workflow.RunAsync(CurrentUser.From(http.User), id, () => Task.FromResult(totalRows), http.RequestAborted);
        return run.Refusal is { } refused ? refused.ToProblem() : TypedResults.Accepted($"/api/imports/{id}", run.Value);
    }

    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetImport(Guid id, HttpContext http, ImportWorkflow workflow)
    {
        var import = await workflow.GetAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return import.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(import.Value);
    }

    public static async Task<Ok<IReadOnlyList<ImportResponse>>> ListImports(HttpContext http, ImportWorkflow workflow, [FromQuery] DateTimeOffset? before) =>
        TypedResults.Ok(await workflow.ListAsync(CurrentUser.From(http.User), before, http.RequestAborted));

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ErrorReport(Guid id, HttpContext http, ImportWorkflow workflow)
    {
        var report = await workflow.ErrorReportAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return report.Refusal is { } refused ? refused.ToProblem()
            : TypedResults.Stream(body => report.Value!.WriteAsync(body, http.RequestAborted), "text/csv; charset=utf-8", report.Value!.FileName);
    }

    private static async Task<Outcome<int?>> ReadTotalRowsAsync(HttpRequest request)
    {
        StartCommandLineImportRequest? body = null;
        if (request.ContentLength > 0)
        {
            try
            {
                body = await request.ReadFromJsonAsync<StartCommandLineImportRequest>(request.HttpContext.RequestAborted);
            }
            catch (System.Text.Json.JsonException e)
            {
                return ImportRefusal.BadRequest("Unreadable body", $"The body is not valid JSON ({e.Message}); send nothing, or {{\"totalRows\": N}} with the file's data rows.");
            }
        }

        return body?.TotalRows is < 0
            ? ImportRefusal.BadRequest("Bad totalRows", "'totalRows' is the number of data rows in the file (0 or more), shown as the import's progress.")
            : new Outcome<int?>(body?.TotalRows, null);
    }
}

/// <summary>A re-analysis: each field null keeps the analysis's choice. HeaderRow: the row (1-based) the header is on; Sheet: a spreadsheet's sheet by name.</summary>
public sealed record AnalysisRequest(bool? HasHeader = null, string? Delimiter = null, string? ConvertFrom = null, int? HeaderRow = null, string? Sheet = null);
