using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Api.Exports;
using VeloConnect.Api.Limits;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Jobs;
using VeloConnect.Data.Workspaces;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed class ExportServices(IClusterClient orleans, ExportStore exports, FieldStore fields, AuditLog audit, ExportLinkSigner signer, IOptions<ExportOptions> options, TimeProvider clock,
    IOptions<JobLivenessOptions> liveness, ApiKeyStore keys)
{
    public ApiKeyStore Keys { get; } = keys;

    public IClusterClient Orleans { get; } = orleans;
    public ExportStore Exports { get; } = exports;
    public FieldStore Fields { get; } = fields;
    public AuditLog Audit { get; } = audit;
    public ExportLinkSigner Signer { get; } = signer;
    public ExportOptions Options { get; } = options.Value;
    public TimeProvider Clock { get; } = clock;
    public JobLivenessOptions Liveness { get; } = liveness.Value;
}

/// <summary>Exports: start one with the contact list's filters (202), follow it, download its file with the API key or a signed link.</summary>
public static class ExportsApi
{
    private const int HistoryLength = 50;

    public static IEndpointRouteBuilder MapExportsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/exports").WithTags("Exports");
        api.MapPost("/", StartExport).WithName("StartExport").Requires(Permission.Exports).WithJobCap(JobKind.Export)
            .WithSummary("Exports the contacts the filter selects as a file built in the background (202); follow it with GET /api/exports/{id}")
            .WithDescription("format=csv|json (default csv), and exactly the contact list's filters: tag (repeatable), source, assignedAgent, createdFrom/createdTo, lastActivityFrom/lastActivityTo, field.<key>=<value>, optIn.<channel>=<status>, q.")
            .WithExportFormatParameter().WithContactFilterParameters().ProducesProblems(StatusCodes.Status403Forbidden);
        api.MapGet("/", ListExports).WithName("ListExports").Requires(Permission.Exports).WithSummary("My exports, newest first: status, rows, size and, once ready, the download links");
        api.MapGet("/{id:guid}", GetExport).WithName("GetExport").Requires(Permission.Exports).WithSummary("One export's status, progress and download links")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapGet("/{id:guid}/download", Download).WithName("DownloadExport").Requires(Permission.Exports)
            .WithSummary("The export's file (audited); 409 while it is being written, 410 once expired")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv", "application/json")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        api.MapGet("/download", DownloadWithLink).WithName("DownloadExportWithLink").AllowAnonymous()
            .WithSummary("The export's file through a signed link (no API key): 403 if the link was altered, 410 once expired, 404 if the export is gone")
            .Produces(StatusCodes.Status200OK, typeof(Stream), "text/csv", "application/json")
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        return app;
    }

    public static Task<Results<Accepted<ExportResponse>, ValidationProblem, ProblemHttpResult>> StartExport(HttpContext http, ExportStarter starter) =>
        starter.StartAsync(CurrentUser.From(http.User), http.Request.Query, http.RequestAborted);

    public static async Task<Ok<IReadOnlyList<ExportResponse>>> ListExports(HttpContext http, [AsParameters] ExportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        var now = services.Clock.GetUtcNow();
        var exports = await services.Exports.ListAsync(user.WorkspaceId, user.UserId, HistoryLength, http.RequestAborted);
        return TypedResults.Ok<IReadOnlyList<ExportResponse>>([.. exports.Select(e => ExportResponse.From(e, services.Signer, now, services.Liveness))]);
    }

    public static async Task<Results<Ok<ExportResponse>, ProblemHttpResult>> GetExport(Guid id, HttpContext http, [AsParameters] ExportRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        return await services.Exports.GetAsync(user.WorkspaceId, id, http.RequestAborted) is { } export && MayRead(user, export)
            ? TypedResults.Ok(ExportResponse.From(export, services.Signer, services.Clock.GetUtcNow(), services.Liveness))
            : ExportNotFound(id);
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> Download(Guid id, HttpContext http, [AsParameters] ExportRequest request)
    {
        var user = CurrentUser.From(http.User);
        return await ServeAsync(request.Services, user.WorkspaceId, id, user, "api", http.RequestAborted);
    }

    public static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> DownloadWithLink(string? token, HttpContext http, [AsParameters] ExportRequest request)
    {
        var services = request.Services;
        switch (services.Signer.Verify(token, out var link))
        {
            case ExportLinkCheck.Forged:
                return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Invalid download link",
                    detail: "This download link is not one VeloConnect issued, or it was altered. Copy the whole link from the notification, or download the export from your export history.");
            case ExportLinkCheck.Expired:
                return Gone(link!.ExportId);
            default:
                // A link lives as long as the key the export was started with: revoking that key (or its expiry) ends its links.
                return !await services.Keys.ExportLinkRevokedAsync(link!.WorkspaceId, link.ExportId, http.RequestAborted)
                    ? await ServeAsync(services, link.WorkspaceId, link.ExportId, null, "link", http.RequestAborted)
                    : TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Download link revoked",
                        detail: "The API key this export was started with has been revoked or has expired, so its download links no longer work. Ask for a new export, or download it from your export history with a live key.");
        }
    }

    private static async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> ServeAsync(
        ExportServices services, Guid workspaceId, Guid id, CurrentUser? user, string via, CancellationToken cancellationToken)
    {
        if (await services.Exports.GetAsync(workspaceId, id, cancellationToken) is not { } export || (user is not null && !MayRead(user, export)))
        {
            return ExportNotFound(id);
        }

        var status = ExportResponse.StatusAt(export, services.Clock.GetUtcNow());
        if (status == ExportStatus.Running)
        {
            var progress = export.TotalRows is { } total ? $"{export.Rows:N0} of {total:N0} contacts written" : "starting";
            return ApiProblems.Conflict("Export not ready yet",
                $"This export is still being written ({progress}). Follow it with GET /api/exports/{id} and download it once its status is 'ready'; you will also get a notification.");
        }

        if (status == ExportStatus.Failed)
        {
            return ApiProblems.Conflict("Export failed", $"This export failed ({export.Error}), so it has no file. Start a new export with POST /api/exports.");
        }

        var path = Path.Combine(services.Options.ResolvedDirectory(), Path.GetFileName(export.FileName ?? ""));
        if (status == ExportStatus.Expired || export.FileName is null || !File.Exists(path))
        {
            return Gone(id);
        }

        await services.Audit.WriteAsync(workspaceId, user?.UserId ?? export.UserId, "export.downloaded", "export", id.ToString(),
            new Dictionary<string, object?> { ["via"] = via, ["format"] = ExportFormats.Name(export.Format), ["rows"] = export.Rows }, cancellationToken);
        return TypedResults.PhysicalFile(path, ExportFormats.ContentType(export.Format), ExportResponse.DownloadName(export));
    }

    /// <summary>An agent reads its own exports; an admin any of the workspace's. Another user's export answers 404 to an agent, as if it did not exist.</summary>
    private static bool MayRead(CurrentUser user, ExportRecord export) => user.IsAdmin || export.UserId == user.UserId;

    private static ProblemHttpResult Gone(Guid id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Export expired",
            detail: $"Export {id} has expired and its file was deleted (exports are kept for a limited time). Start a new export with the same filters.");

    private static ProblemHttpResult ExportNotFound(Guid id) =>
        ApiProblems.NotFound("Export", $"There is no export {id} in your workspace. See your exports with GET /api/exports.");
}

public readonly record struct ExportRequest(ExportServices Services);
