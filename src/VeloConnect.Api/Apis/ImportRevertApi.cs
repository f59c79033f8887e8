using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed class ImportRevertServices(IClusterClient orleans, ImportStore imports, ImportRevertStore reverts, TimeProvider clock,
    Microsoft.Extensions.Options.IOptions<JobLivenessOptions> liveness)
{
    public IClusterClient Orleans { get; } = orleans;
    public ImportStore Imports { get; } = imports;
    public ImportRevertStore Reverts { get; } = reverts;
    public TimeProvider Clock { get; } = clock;
    public JobLivenessOptions Liveness { get; } = liveness.Value;
}

public readonly record struct ImportRevertRequest(ImportRevertServices Services);

/// <summary>
/// A revert's state: progress over the import's journal, counts per outcome, and the contacts kept with the reasons. A
/// running revert whose silo is gone stays <c>running</c> with <c>waitingForSilo</c> true and <c>stalledAt</c> the time
/// its job last reported; it continues where it stopped once a silo is back.
/// </summary>
public sealed record ImportRevertResponse(Guid ImportId, string Status, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, RevertProgress Progress,
    RevertCountsResponse Counts, IReadOnlyList<RevertKeptContact> Kept, string? Error, bool WaitingForSilo, DateTimeOffset? StalledAt);

public sealed record RevertProgress(int Done, int Total);

public sealed record RevertCountsResponse(int Deleted, int Restored, int Kept, int Unchanged);

public sealed record RevertKeptContact(Guid ContactId, IReadOnlyList<string> Reasons);

/// <summary>Undo an import: for 30 days after it finished, revert what it did (issue 5).</summary>
public static class ImportRevertApi
{
    public static IEndpointRouteBuilder MapImportRevertApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/imports").WithTags("Imports");
        api.MapPost("/{id:guid}/revert", Revert).WithName("RevertImport")
            .WithSummary("Reverts a finished import (up to 30 days after it finished): deletes the contacts it created and restores what it changed on others, "
                + "except contacts changed since, which are kept and listed. Opt-ins are never touched. 202 with the revert's state; asking again returns the same revert.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        api.MapGet("/{id:guid}/revert", GetRevert).WithName("GetImportRevert")
            .WithSummary("The revert of an import: status, progress, counts and the contacts kept with the reasons")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Accepted<ImportRevertResponse>, ProblemHttpResult>> Revert(Guid id, HttpContext http, [AsParameters] ImportRevertRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id, http.RequestAborted) is not { } import)
        {
            return ImportNotFound(id);
        }

        // Asking again returns the revert already asked for (running or finished), whenever it is asked; one that failed
        // continues where it stopped.
        var asked = await services.Reverts.GetAsync(user.WorkspaceId, id, http.RequestAborted);
        if (asked is { Status: RevertStatus.Failed })
        {
            await services.Orleans.GetGrain<IImportRevertGrain>(id).StartAsync(user.UserId);
        }
        else if (asked is null)
        {
            if (import.Status != ImportStatus.Finished)
            {
                return ApiProblems.Conflict("Import not finished", import.Status switch
                {
                    ImportStatus.Failed => "This import failed; only an import that finished can be reverted.",
                    ImportStatus.Uploaded => "This import has not run yet, so there is nothing to revert.",
                    _ => $"This import is still running; wait until it has finished (GET /api/imports/{id}), then revert it.",
                });
            }

            if (import.FinishedAt is { } finished && services.Clock.GetUtcNow() - finished > ImportRevertStore.Window)
            {
                return TypedResults.Problem(statusCode: StatusCodes.Status410Gone, title: "Too old to revert",
                    detail: $"Imports can be reverted for 30 days after they finish; this one finished on {finished.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}. "
                        + "Change or delete its contacts from the contact list instead.");
            }

            if (import.StartedAt is { } started && await services.Reverts.JournalSinceAsync(http.RequestAborted) is { } since && started < since)
            {
                return ApiProblems.Conflict("No journal", $"This import ran on {started.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, before imports kept the journal "
                    + "a revert needs, so it cannot be reverted. Change or delete its contacts from the contact list instead (e.g. filter by source 'CSV import' and the day they were created).");
            }

            await services.Orleans.GetGrain<IImportRevertGrain>(id).StartAsync(user.UserId);
        }

        // A small revert finishes within the request's patience; a large one carries on in the background.
        var revert = await JobWait.BrieflyAsync(services.Clock, ct => services.Reverts.GetAsync(user.WorkspaceId, id, ct), r => r is { Status: RevertStatus.Running }, http.RequestAborted);

        if (revert is null)
        {
            // The import's state changed between the check and the start (it cannot, once finished; but say so rather than fail).
            return ApiProblems.Conflict("Import not finished", $"Import {id} could not be reverted in its current state; see GET /api/imports/{id}.");
        }

        return TypedResults.Accepted($"/api/imports/{id}/revert", await ResponseAsync(services, revert, http.RequestAborted));
    }

    public static async Task<Results<Ok<ImportRevertResponse>, ProblemHttpResult>> GetRevert(Guid id, HttpContext http, [AsParameters] ImportRevertRequest request)
    {
        var services = request.Services;
        var user = CurrentUser.From(http.User);
        if (await services.Imports.GetAsync(user.WorkspaceId, id, http.RequestAborted) is null)
        {
            return ImportNotFound(id);
        }

        if (await services.Reverts.GetAsync(user.WorkspaceId, id, http.RequestAborted) is not { } revert)
        {
            return ApiProblems.NotFound("Revert", $"Import {id} has not been reverted. To revert it, POST /api/imports/{id}/revert.");
        }

        return TypedResults.Ok(await ResponseAsync(services, revert, http.RequestAborted));
    }

    private static async Task<ImportRevertResponse> ResponseAsync(ImportRevertServices services, ImportRevertRecord revert, CancellationToken cancellationToken)
    {
        var counts = revert.Counts;
        var kept = await services.Reverts.KeptAsync(revert.ImportId, cancellationToken);
        var stalledAt = services.Liveness.StalledAt(revert.Status == RevertStatus.Running, revert.Heartbeat);
        return new ImportRevertResponse(revert.ImportId, revert.Status, revert.RequestedAt, revert.FinishedAt, new RevertProgress(counts.Done, revert.Total),
            new RevertCountsResponse(counts.Deleted, counts.Restored, counts.Kept, counts.Unchanged),
            [.. kept.Select(k => new RevertKeptContact(k.ContactId, k.Reasons))], revert.Error, stalledAt is not null, stalledAt);
    }

    private static ProblemHttpResult ImportNotFound(Guid id) =>
        ApiProblems.NotFound("Import", $"There is no import {id} in your workspace. See your imports with GET /api/imports.");
}
