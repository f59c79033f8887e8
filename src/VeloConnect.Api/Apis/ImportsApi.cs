using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Imports;
using VeloConnect.ContactRules.Import;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Data.Telemetry;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed class ImportServices(IClusterClient orleans, ImportStore imports, ImportReview review, FieldStore fields, MappingMemory memory,
    IOptions<JobLivenessOptions> liveness)
{
    public IClusterClient Orleans { get; } = orleans;
    public ImportStore Imports { get; } = imports;
    public ImportReview Review { get; } = review;
    public FieldStore Fields { get; } = fields;
    public MappingMemory Memory { get; } = memory;
    public JobLivenessOptions Liveness { get; } = liveness.Value;
}

/// <summary>The import wizard: upload (analysis and suggested mapping), map, review (dry run), run, status, history, error report.</summary>
public static class ImportsApi
{
    private const long MaxUploadBytes = 256L * 1024 * 1024;

    public static IEndpointRouteBuilder MapImportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/imports").WithTags("Imports");
        api.MapPost("/", Upload).WithName("UploadImport").DisableAntiforgery()
            // 50,000 rows of a wide export can pass Kestrel's default 30 MB; the row limit is what bounds a file.
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes), new RequestFormLimitsAttribute { MultipartBodyLengthLimit = MaxUploadBytes })
            .WithSummary("Step 1: upload a CSV (multipart field 'file'; optional 'hasHeader' true/false, 'delimiter' comma|semicolon|tab to override the detected one, and 'convertFrom' to confirm converting a non-UTF-8 file). Answers the analysis and a suggested mapping.")
            .Accepts<UploadImportFormDoc>("multipart/form-data")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status422UnprocessableEntity);
        api.MapPut("/{id:guid}/mapping", SetMapping).WithName("SetImportMapping")
            .WithSummary("Step 2: a target per column (name, phone, phone_additional, email, tags, field:<key>, ignore), header on/off and the default phone region. Remembered for files with the same headers.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status422UnprocessableEntity);
        api.MapPost("/{id:guid}/review", Review).WithName("ReviewImport")
            .WithSummary("Step 3: a dry run against the current contacts: counts added/updated/skipped/invalid, warnings and the first rows of each kind. Changes nothing.")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        api.MapPost("/{id:guid}/run", Run).WithName("RunImport").WithSummary("Runs the import (202); follow it with GET /api/imports/{id}")
            .WithDescription("A command-line import may send {\"totalRows\": N} (the file's data rows, shown as its progress); a wizard import takes no body.")
            .Accepts<StartCommandLineImportRequest>(isOptional: true, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}", GetImport).WithName("GetImport").WithSummary("An import's analysis, mapping, status, progress and counts")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/", ListImports).WithName("ListImports").WithSummary("Import history, newest first (before: the createdAt of the last import of the previous page)")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/{id:guid}/errors.csv", ErrorReport).WithName("ImportErrorReport")
            .WithSummary("The rows that were not imported (invalid or skipped) as CSV: row number, outcome, reasons, and the original row as uploaded")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Created<ImportResponse>, ProblemHttpResult>> Upload(HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (!http.Request.HasFormContentType)
        {
            return ApiProblems.BadRequest("No file", "Send the CSV as multipart/form-data in a field named 'file'.");
        }

        var form = await http.Request.ReadFormAsync(http.RequestAborted);
        if (form.Files.GetFile("file") is not { } file)
        {
            return ApiProblems.BadRequest("No file", "Send the CSV as multipart/form-data in a field named 'file'.");
        }

        bool? hasHeader = null;
        if (form.TryGetValue("hasHeader", out var headerText) && headerText.Count > 0)
        {
            if (!bool.TryParse(headerText, out var parsed))
            {
                return ApiProblems.BadRequest("Bad hasHeader", "'hasHeader' is true or false (or leave it out to let the file be analysed).");
            }

            hasHeader = parsed;
        }

        char? delimiter = null;
        if (form.TryGetValue("delimiter", out var delimiterText) && !string.IsNullOrWhiteSpace(delimiterText))
        {
            if (!SniffOptions.TryParseDelimiter(delimiterText, out var chosen))
            {
                return ApiProblems.BadRequest("Bad delimiter", $"'{delimiterText}' is not a delimiter: use comma, semicolon or tab (or leave it out to let the file be analysed).");
            }

            delimiter = chosen;
        }

        var convertFrom = form.TryGetValue("convertFrom", out var convert) && !string.IsNullOrWhiteSpace(convert) ? convert.ToString().Trim() : null;
        var commandLine = CommandLineImportsApi.ReadUpload(form, file.Length, out var fileSize, out var commandLineProblem);
        if (commandLineProblem is not null)
        {
            return commandLineProblem;
        }

        SniffResult analysis;
        using (ImportTelemetry.Source.StartActivity("import.sniff"))
        await using (var stream = file.OpenReadStream())
        {
            // The command-line importer uploads its file's head and sends the rows through the bulk endpoint: no row limit.
            analysis = CsvSniffer.Sniff(stream, new SniffOptions(hasHeader, convertFrom, MaxDataRows: commandLine ? int.MaxValue : SniffOptions.WizardMaxDataRows, Delimiter: delimiter));
        }

        if (!analysis.CanImport)
        {
            return UploadRefused(analysis);
        }

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var import = new ImportRecord(Guid.NewGuid(), user.WorkspaceId, user.UserId, FileNames.Clean(file.FileName), fileSize, ImportStatus.Uploaded,
            DateTimeOffset.UtcNow, analysis, convertFrom, analysis.HasHeader, null, commandLine ? 0 : analysis.DataRowCount, 0, ImportCounts.Zero, null, null, null,
            commandLine ? ImportKind.CommandLine : ImportKind.Wizard);
        await using (var stream = file.OpenReadStream())
        {
            await services.Imports.CreateAsync(import, stream, http.RequestAborted);
        }

        var mapping = await ProposeMappingAsync(services, import, fields, user);
        return TypedResults.Created($"/api/imports/{import.Id}", ImportResponse.From(import, mapping, fields, services.Liveness));
    }

    public static async Task<Results<Ok<ImportResponse>, ValidationProblem, ProblemHttpResult>> SetMapping(Guid id, MappingRequest? body, HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id) is not { } import)
        {
            return ImportNotFound(id);
        }

        if (import.Status != ImportStatus.Uploaded)
        {
            return ApiProblems.Conflict("Import already run", $"This import is {import.Status}; its mapping can no longer change. Upload the file again to import it with another mapping.");
        }

        var analysis = import.Analysis;
        var hasHeader = body?.HasHeader ?? import.HasHeader;
        if (hasHeader != analysis.HasHeader)
        {
            // The header choice changes the columns' names and the row count: analyse the stored file again, streamed from the
            // database. The delimiter stays as the upload read it (detected or chosen); a conversion only applies to a file the
            // upload found not to be UTF-8 (the stream cannot be read twice to find a stale one out again).
            await using var stream = await services.Imports.OpenFileAsync(id, http.RequestAborted);
            var convertFrom = analysis.Encoding.Verdict == EncodingVerdict.NotUtf8 ? import.ConvertFrom : null;
            analysis = CsvSniffer.Sniff(stream, new SniffOptions(hasHeader, convertFrom, MaxDataRows: import.IsCommandLine ? int.MaxValue : SniffOptions.WizardMaxDataRows, Delimiter: analysis.Delimiter));
            if (!analysis.CanImport)
            {
                return UploadRefused(analysis);
            }
        }

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

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var mapping = new ImportMapping(targets, hasHeader, (body?.Region ?? user.DefaultRegion).Trim().ToUpperInvariant());
        if (errors.Count == 0)
        {
            foreach (var (key, messages) in MappingRules.Validate(mapping, analysis.Columns.Count, fields))
            {
                errors[key] = messages;
            }
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var stored = StoredMapping.From(mapping);
        if (!await services.Imports.SetMappingAsync(user.WorkspaceId, id, stored, analysis, http.RequestAborted))
        {
            return ApiProblems.Conflict("Import already run", "This import has started; its mapping can no longer change.");
        }

        if (hasHeader)
        {
            await services.Memory.RememberAsync(user.WorkspaceId, MappingRules.HeaderSetKey([.. analysis.Columns.Select(c => c.Header)]), stored);
        }

        var updated = (await services.Imports.GetAsync(user.WorkspaceId, id))!;
        return TypedResults.Ok(ImportResponse.From(updated, Confirmed(stored), fields, services.Liveness));
    }

    public static async Task<Results<Ok<ReviewResult>, ProblemHttpResult>> Review(Guid id, HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id) is not { } import)
        {
            return ImportNotFound(id);
        }

        if (import.Mapping is null)
        {
            return ApiProblems.BadRequest("No mapping yet", $"Confirm the mapping first: PUT /api/imports/{id}/mapping with a target per column.");
        }

        using var activity = ImportTelemetry.Start("import.review", id);
        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        await using var file = await services.Imports.OpenFileAsync(id, http.RequestAborted);
        return TypedResults.Ok(await services.Review.ReviewAsync(import, file, import.Mapping.ToMapping(), fields, http.RequestAborted));
    }

    public static async Task<Results<Accepted<ImportResponse>, ProblemHttpResult>> Run(Guid id, HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id) is not { } import)
        {
            return ImportNotFound(id);
        }

        if (import.Mapping is null)
        {
            return ApiProblems.BadRequest("No mapping yet", $"Confirm the mapping first: PUT /api/imports/{id}/mapping, then review and run.");
        }

        if (import.IsCommandLine)
        {
            return await CommandLineImportsApi.StartAsync(services, import, http);
        }

        if (!await services.Orleans.GetGrain<IImportJobGrain>(id).StartAsync())
        {
            return ApiProblems.Conflict("Import already run", $"This import is {import.Status}. Follow it with GET /api/imports/{id}; to import the file again, upload it again.");
        }

        // A small import finishes within the request's patience; a large one carries on in the background.
        var current = await JobWait.BrieflyAsync(TimeProvider.System, async _ => (await services.Imports.GetAsync(user.WorkspaceId, id))!, c => c.Status is not (ImportStatus.Finished or ImportStatus.Failed), http.RequestAborted);

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        return TypedResults.Accepted($"/api/imports/{id}", ImportResponse.From(current, Confirmed(current.Mapping!), fields, services.Liveness));
    }

    public static async Task<Results<Ok<ImportResponse>, ProblemHttpResult>> GetImport(Guid id, HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id) is not { } import)
        {
            return ImportNotFound(id);
        }

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        return TypedResults.Ok(ImportResponse.From(import, await ProposeMappingAsync(services, import, fields, user), fields, services.Liveness));
    }

    public static async Task<Ok<IReadOnlyList<ImportResponse>>> ListImports(HttpContext http, [AsParameters] ImportRequest request, [FromQuery] DateTimeOffset? before)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var imports = await services.Imports.ListAsync(user.WorkspaceId, 50, before?.ToUniversalTime(), http.RequestAborted);
        return TypedResults.Ok<IReadOnlyList<ImportResponse>>([.. imports.Select(i => ImportResponse.From(i, i.Mapping is null ? null : Confirmed(i.Mapping), fields, services.Liveness))]);
    }

    public static async Task<Results<PushStreamHttpResult, ProblemHttpResult>> ErrorReport(Guid id, HttpContext http, [AsParameters] ImportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id) is not { } import)
        {
            return ImportNotFound(id);
        }

        var rows = (await services.Imports.RowsAsync(id, [ImportOutcome.Invalid, ImportOutcome.Skipped], http.RequestAborted)).ToDictionary(r => r.RowNumber);
        var encoding = CsvSniffer.ReadingEncoding(import.Analysis, import.ConvertFrom);

        // Written as the stored file streams past: neither the file nor the report is ever held whole.
        return TypedResults.Stream(async body =>
        {
            await using var file = await services.Imports.OpenFileAsync(id, http.RequestAborted);
            await using var output = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024);
            var record = new StringBuilder("\uFEFF");
            CsvText.AppendRecord(record, ["Row", "Outcome", "Reasons", "Original row"]);
            foreach (var row in CsvRows.Read(file, encoding, import.Analysis.Delimiter, import.HasHeader))
            {
                if (rows.TryGetValue(row.RowNumber, out var result))
                {
                    CsvText.AppendRecord(record, [row.RowNumber.ToString(CultureInfo.InvariantCulture), result.Outcome, string.Join(" | ", result.Reasons), row.Raw]);
                    if (record.Length >= 32 * 1024)
                    {
                        await output.WriteAsync(record, http.RequestAborted);
                        record.Clear();
                    }
                }
            }

            await output.WriteAsync(record, http.RequestAborted);
        }, "text/csv; charset=utf-8", FileNames.WithEnding(import.FileName, "-errors.csv"));
    }

    /// <summary>The confirmed mapping; else the one remembered for these headers; else a suggestion from headers and samples.</summary>
    private static async Task<MappingResponse> ProposeMappingAsync(ImportServices services, ImportRecord import, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields, CurrentUser user)
    {
        if (import.Mapping is { } confirmed)
        {
            return Confirmed(confirmed);
        }

        var headers = import.Analysis.Columns.Select(c => c.Header).ToList();
        if (import.HasHeader && await services.Memory.RecallAsync(user.WorkspaceId, MappingRules.HeaderSetKey(headers)) is { } remembered
            && remembered.Columns.Count == headers.Count
            && MappingRules.Validate(remembered.ToMapping() with { HasHeader = import.HasHeader }, headers.Count, fields).Count == 0)
        {
            return new MappingResponse(remembered.Columns, import.HasHeader, remembered.Region, "remembered");
        }

        var suggested = MappingRules.Suggest(headers, [.. import.Analysis.Columns.Select(c => c.Samples)], import.HasHeader, fields);
        return new MappingResponse([.. suggested.Select(t => t.ToString())], import.HasHeader, user.DefaultRegion, "suggested");
    }

    private static MappingResponse Confirmed(StoredMapping mapping) => new(mapping.Columns, mapping.HasHeader, mapping.Region, "confirmed");

    private static ProblemHttpResult UploadRefused(SniffResult analysis)
    {
        var first = analysis.Errors[0];
        return TypedResults.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "The file cannot be imported",
            detail: first.Message,
            extensions: new Dictionary<string, object?>
            {
                ["code"] = first.Code,
                ["errors"] = analysis.Errors.Select(ImportResponse.Problem).ToList(),
                ["encoding"] = ImportResponse.EncodingOf(analysis.Encoding),
            });
    }

    private static ProblemHttpResult ImportNotFound(Guid id) =>
        ApiProblems.NotFound("Import", $"There is no import {id} in your workspace. See your imports with GET /api/imports.");
}

public readonly record struct ImportRequest(ImportServices Services);
