using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Api.Imports;
using VeloConnect.ContactRules.Import;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Imports;

using VeloConnect.Api.OpenApi;

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
        app.MapPost("/api/imports/{id:guid}/rows", Rows).WithTags("Imports").WithName("AddCommandLineImportRows")
            .WithSummary($"Command-line imports: up to {BulkContactsApi.MaxItems:N0} of the file's rows, each read through the import's mapping as the wizard reads a row, written and recorded in the import")
            .WithDescription("Each item is one row of the file: {\"row\": <its number in the file, as the wizard numbers rows>, \"cells\": [<the row's cells as text>], "
                + "\"duplicateOf\": <an earlier row with the same phone or email, or leave it out>}. Rows are matched and merged exactly as the wizard's rows are; a row already "
                + "recorded is answered from its record. Answered per row as POST /api/contacts/bulk answers items, each result carrying \"row\". Send an Idempotency-Key "
                + "(velo sends <import id>:<first row>) to make retries safe, with the same semantics as the bulk endpoint. The body may be NDJSON (Content-Type: application/x-ndjson). "
                + "This is what the command-line importer (velo import) sends between run and finish.")
            .Accepts<ImportRowDoc[]>("application/json", "application/x-ndjson")
            .Produces<BulkResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable);
        app.MapPost("/api/imports/{id:guid}/finish", Finish).WithTags("Imports").WithName("FinishCommandLineImport")
            .WithSummary("Command-line imports: ends the import once every row of the file is recorded (body {\"totalRows\": N}); counts, notification and audit as for a wizard import")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    /// <summary>The upload's command-line fields: <c>commandLine=true</c> and <c>fileSize</c> (the whole file's bytes; the upload is its head).</summary>
    public static bool ReadUpload(IFormCollection form, long uploaded, out long fileSize, out ProblemHttpResult? problem)
    {
        fileSize = uploaded;
        problem = null;
        if (!form.TryGetValue("commandLine", out var flag) || string.IsNullOrWhiteSpace(flag))
        {
            return false;
        }

        if (!bool.TryParse(flag, out var commandLine))
        {
            problem = ApiProblems.BadRequest("Bad commandLine", "'commandLine' is true (the command-line importer uploads the head of its file) or false.");
            return false;
        }

        if (commandLine && form.TryGetValue("fileSize", out var sizeText) && !string.IsNullOrWhiteSpace(sizeText))
        {
            if (!long.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < uploaded)
            {
                problem = ApiProblems.BadRequest("Bad fileSize", $"'fileSize' is the whole file's size in bytes, at least the {uploaded:N0} bytes uploaded.");
                return false;
            }

            fileSize = size;
        }

        return commandLine;
    }

    /// <summary>Run for a command-line import: marks it running (again: the importer resuming it gets the same answer).</summary>
    public static async Task<Results<Accepted<ImportResponse>, ProblemHttpResult>> StartAsync(ImportServices services, ImportRecord import, HttpContext http)
    {
        StartCommandLineImportRequest? body = null;
        if (http.Request.ContentLength > 0)
        {
            try
            {
                body = await http.Request.ReadFromJsonAsync<StartCommandLineImportRequest>(http.RequestAborted);
            }
            catch (JsonException e)
            {
                return ApiProblems.BadRequest("Unreadable body", $"The body is not valid JSON ({e.Message}); send nothing, or {{\"totalRows\": N}} with the file's data rows.");
            }
        }

        if (body?.TotalRows is < 0)
        {
            return ApiProblems.BadRequest("Bad totalRows", "'totalRows' is the number of data rows in the file (0 or more), shown as the import's progress.");
        }

        if (import.Status is not (ImportStatus.Uploaded or ImportStatus.Running) || (import.Status == ImportStatus.Uploaded && !await services.Imports.MarkRunningAsync(import.Id, http.RequestAborted)))
        {
            return ApiProblems.Conflict("Import already run", $"This import is {import.Status}. To import the file again, run the importer on it again: it starts a new import.");
        }

        if (body?.TotalRows is { } total)
        {
            await services.Imports.SetTotalRowsAsync(import.Id, total, http.RequestAborted);
        }

        var current = (await services.Imports.GetAsync(import.WorkspaceId, import.Id, http.RequestAborted))!;
        var fields = await services.Fields.ListAsync(import.WorkspaceId);
        return TypedResults.Accepted($"/api/imports/{import.Id}", ImportResponse.From(current, new MappingResponse(current.Mapping!.Columns, current.Mapping.HasHeader, current.Mapping.Region, "confirmed"), fields));
    }

    /// <summary>
    /// Reads a bulk request of a command-line import's rows: what to apply, or why the request is refused (the import
    /// is not a running command-line import; an item is not a row). Nothing is applied here.
    /// </summary>
    private static async Task<(Func<Task<string?>>? Apply, ProblemHttpResult? Problem)> PrepareRowsAsync(Guid importId, ImportStore imports, ContactServices services, CurrentUser user,
        JsonArray items, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        if (await imports.GetAsync(user.WorkspaceId, importId, cancellationToken) is not { } import)
        {
            return (null, ApiProblems.NotFound("Import", $"There is no import {importId} in your workspace. See your imports with GET /api/imports."));
        }

        if (!import.IsCommandLine)
        {
            return (null, ApiProblems.Conflict("Not a command-line import", $"Import {importId} was uploaded for the wizard: its rows come from its file. Run it with POST /api/imports/{importId}/run."));
        }

        if (import.Status != ImportStatus.Running)
        {
            return (null, ApiProblems.Conflict($"Import {import.Status}", import.Status == ImportStatus.Uploaded
                ? $"Start the import first: confirm its mapping (PUT /api/imports/{importId}/mapping), then POST /api/imports/{importId}/run."
                : $"Import {importId} is {import.Status}; no more rows can be added to it. Run the importer again to start a new import."));
        }

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var reader = new RowReader(import.Mapping!.ToMapping(), [.. import.Analysis.Columns.Select(c => c.Header)], fields);
        var rows = new List<ImportRowItem>(items.Count);
        var seen = new HashSet<int>();
        for (var index = 0; index < items.Count; index++)
        {
            if (ReadRow(items[index], seen) is not { } row)
            {
                return (null, ApiProblems.BadRequest("Not an import row", $"Item {index} is not a row of the file: each item is {{\"row\": <its number in the file, as the wizard numbers rows>, "
                    + "\"cells\": [<the row's cells as text>], \"duplicateOf\": <an earlier row with the same phone or email, or leave it out>}, each row once."));
            }

            var read = reader.Read(row.Cells);
            var contact = read.Contact is { } c ? new ContactWrite(c.Name, c.PrimaryPhone, c.AdditionalPhones, c.Email, c.Tags, c.Custom, null) : null;
            rows.Add(new ImportRowItem(row.Number, contact, read.Errors, row.DuplicateOf));
        }

        return (async () =>
        {
            var written = await services.Orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteImportRowsAsync(importId, rows);
            if (written is null)
            {
                return null;
            }

            // The grain answers each row by its number; the response keeps the request's order and indexes.
            var byRow = written.ToDictionary(r => r.Index);
            var answer = rows.Select((row, index) => byRow[row.Row] with { Index = index })
                .Select((r, index) => new BulkResultResponse(r.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings, rows[index].Row)).ToList();
            return JsonSerializer.Serialize(new BulkResponse(BulkContactsApi.Count(answer), answer), options);
        }, null);
    }

    /// <summary>
    /// <c>POST /api/imports/{id}/rows</c>: the rows, read as they stream in (the item past the limit ends the request with
    /// 413), checked against the import, then written and answered once per Idempotency-Key as bulk requests are.
    /// </summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Rows(Guid id, [AsParameters] RequestContext request, ImportStore imports, KeyedRequests keyed,
        IOptions<JsonOptions> json)
    {
        var (http, services) = (request.Http, request.Services);
        var user = CurrentUser.From(http.User);
        var (body, unreadable) = await BulkBodyReader.ReadAsync(http.Request, BulkContactsApi.MaxItems, BulkContactsApi.MaxBodyBytes);
        if (body is null)
        {
            return unreadable!;
        }

        var (rows, refused) = await PrepareRowsAsync(id, imports, services, user, body.Items, json.Value.SerializerOptions, http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        // An import's rows are recorded (and answered when sent again) by the import itself; it has no contacts.bulk audit row.
        return await keyed.AnswerAsync(http, user, body.Hash, async (_, _) => await rows!() is { } answer ? new BulkAnswer(answer, null) : null);
    }

    private sealed record RowItem(int Number, IReadOnlyList<string> Cells, int? DuplicateOf);

    private static RowItem? ReadRow(JsonNode? item, HashSet<int> seen)
    {
        if (item is not JsonObject body || !TryInt(body["row"], out var number) || number < 1 || !seen.Add(number) || body["cells"] is not JsonArray cellNodes)
        {
            return null;
        }

        var cells = new List<string>(cellNodes.Count);
        foreach (var cell in cellNodes)
        {
            switch (cell)
            {
                case null:
                    cells.Add("");
                    break;
                case JsonValue value when value.TryGetValue<string>(out var text):
                    cells.Add(text);
                    break;
                default:
                    return null;
            }
        }

        int? duplicateOf = null;
        if (body["duplicateOf"] is { } duplicateNode)
        {
            if (!TryInt(duplicateNode, out var earlier) || earlier < 1 || earlier >= number)
            {
                return null;
            }

            duplicateOf = earlier;
        }

        return new RowItem(number, cells, duplicateOf);
    }

    private static bool TryInt(JsonNode? node, out int value)
    {
        value = 0;
        return node is JsonValue json && json.TryGetValue(out value);
    }

    /// <summary>
    /// Finish: one transaction counts the recorded rows, marks the import finished, audits and notifies (see
    /// <see cref="ImportStore.FinishCommandLineAsync"/>); sent again, it answers the same and announces nothing more.
    /// </summary>
    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> Finish(Guid id, FinishCommandLineImportRequest? body, HttpContext http,
        [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id, http.RequestAborted) is not { } import)
        {
            return ApiProblems.NotFound("Import", $"There is no import {id} in your workspace. See your imports with GET /api/imports.");
        }

        if (!import.IsCommandLine)
        {
            return ApiProblems.Conflict("Not a command-line import", $"Import {id} is a wizard import: it finishes by itself. Follow it with GET /api/imports/{id}.");
        }

        if (body?.TotalRows is not { } total || total < 0)
        {
            return ApiProblems.BadRequest("Bad totalRows", "Send {\"totalRows\": N} with the number of data rows in the file: the import finishes once all N are recorded.");
        }

        var finish = await services.Imports.FinishCommandLineAsync(id, total, http.RequestAborted);
        var current = (await services.Imports.GetAsync(user.WorkspaceId, id, http.RequestAborted))!;
        return finish.Outcome switch
        {
            // Finishing again (an importer that stopped after finishing and was started again) answers the same.
            CommandLineFinishOutcome.Finished or CommandLineFinishOutcome.AlreadyFinished => TypedResults.Ok(Response(current, await services.Fields.ListAsync(user.WorkspaceId))),
            CommandLineFinishOutcome.RowsMissing => ApiProblems.Conflict("Rows missing", string.Create(CultureInfo.InvariantCulture,
                $"{finish.Counts.Total:N0} of the file's {total:N0} rows are recorded. Send the others (POST /api/imports/{id}/rows; rows already recorded are answered from their record), then finish again. The command-line importer does this when run again on the same file.")),
            _ => ApiProblems.Conflict($"Import {current.Status}",
                $"Import {id} is {current.Status}{(current.Status == ImportStatus.Finished ? $" with {current.TotalRows:N0} rows" : "")}; it cannot finish with {total:N0}."),
        };
    }

    private static ImportResponse Response(ImportRecord import, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields) =>
        ImportResponse.From(import, import.Mapping is { } m ? new MappingResponse(m.Columns, m.HasHeader, m.Region, "confirmed") : null, fields);
}
