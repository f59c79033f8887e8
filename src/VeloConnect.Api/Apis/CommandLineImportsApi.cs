using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Api.Imports;
using VeloConnect.Api.OpenApi;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Apis;

public sealed record StartCommandLineImportRequest(int? TotalRows = null);

public sealed record FinishCommandLineImportRequest(int? TotalRows);

/// <summary>For the OpenAPI document: one row of a command-line import's file.</summary>
/// <param name="Row">Its number in the file, as the wizard numbers rows.</param>
/// <param name="Cells">The row's cells as text.</param>
/// <param name="DuplicateOf">An earlier row with the same phone or email (the row is then skipped, naming it).</param>
public sealed record ImportRowDoc(int Row, IReadOnlyList<string> Cells, int? DuplicateOf = null);

/// <summary>
/// The server side of the command-line importer (<c>velo import</c>). It goes through the wizard's steps with the head
/// of its file: upload (<c>commandLine=true</c>: the same analysis and suggested or remembered mapping, no row limit),
/// mapping (the wizard's, remembered), run (marks the import running: no job reads a file, the rows come from the
/// importer), then the rows through <c>POST /api/imports/{id}/rows</c> as <c>{"row", "cells", "duplicateOf"}</c>,
/// each read through the import's mapping by the wizard's <see cref="RowReader"/> and written and recorded as the
/// import job writes a batch; finally <c>POST /api/imports/{id}/finish</c> with the file's row count.
/// </summary>
public static class CommandLineImportsApi
{
    public static IEndpointRouteBuilder MapCommandLineImportsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/imports/{id:guid}/rows", Rows).WithTags("Imports").WithName("AddCommandLineImportRows").Requires(Permission.Imports).WithIdempotencyKeyHeader()
            .WithSummary($"Command-line imports: up to {BulkBodyReader.MaxItems:N0} of the file's rows, each read through the import's mapping as the wizard reads a row, written and recorded in the import")
            .WithDescription("Each item is one row of the file: {\"row\": <its number in the file, as the wizard numbers rows>, \"cells\": [<the row's cells as text>], "
                + "\"duplicateOf\": <an earlier row with the same phone or email, or leave it out>}. Rows are matched and merged exactly as the wizard's rows are; a row already "
                + "recorded is answered from its record. Answered per row as POST /api/contacts/bulk answers items, each result carrying \"row\". Send an Idempotency-Key "
                + "(velo sends <import id>:<first row>) to make retries safe, with the same semantics as the bulk endpoint. The body may be NDJSON (Content-Type: application/x-ndjson). "
                + "This is what the command-line importer (velo import) sends between run and finish.")
            .Accepts<ImportRowDoc[]>("application/json", "application/x-ndjson")
            .Produces<BulkResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/imports/{id:guid}/finish", Finish).WithTags("Imports").WithName("FinishCommandLineImport").Requires(Permission.Imports)
            .WithSummary("Command-line imports: ends the import once every row of the file is recorded (body {\"totalRows\": N}); counts, notification and audit as for a wizard import")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>
    /// <c>POST /api/imports/{id}/rows</c>: the rows, read as they stream in (the item past the limit ends the request with
    /// 413), checked against the import, then written and answered once per Idempotency-Key as bulk requests are.
    /// </summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Rows(Guid id, HttpContext http, CommandLineImportWorkflow workflow, KeyedRequests keyed,
        IOptions<JsonOptions> json)
    {
        var user = CurrentUser.From(http.User);
        var (body, unreadable) = await BulkBodyReader.ReadAsync(http.Request);
        if (body is null)
        {
            return unreadable!;
        }

        Outcome<Func<Task<string?>>> rows;
        using (body)
        {
            rows = await workflow.PrepareRowsAsync(user, id, body.Items, json.Value.SerializerOptions, http.RequestAborted);
        }

        if (rows.Refusal is { } refused)
        {
            return refused.ToProblem();
        }

        // An import's rows are recorded (and answered when sent again) by the import itself; it has no contacts.bulk audit row.
        return await keyed.AnswerAsync(http, user, body.Hash, async (_, _) => await rows.Value!() is { } answer ? new BulkAnswer(answer, null) : null);
    }

    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> Finish(Guid id, FinishCommandLineImportRequest? body, HttpContext http,
        CommandLineImportWorkflow workflow)
    {
        var finished = await workflow.FinishAsync(CurrentUser.From(http.User), id, body?.TotalRows, http.RequestAborted);
        return finished.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(finished.Value);
    }
}
