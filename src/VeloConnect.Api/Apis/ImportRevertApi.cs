using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Imports;
using VeloConnect.Api.Limits;
using VeloConnect.Api.OpenApi;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Apis;

/// <summary>Undo an import: for 30 days after it finished, revert what it did (issue 5).</summary>
public static class ImportRevertApi
{
    public static IEndpointRouteBuilder MapImportRevertApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/imports").WithTags("Imports");
        api.MapPost("/{id:guid}/revert", Revert).WithName("RevertImport").Requires(Permission.RevertImports).WithJobCap(JobKind.Revert)
            .WithSummary("Reverts a finished import (up to 30 days after it finished): deletes the contacts it created and restores what it changed on others, "
                + "except contacts changed since, which are kept and listed. Opt-ins are never touched. 202 with the revert's state; asking again returns the same revert.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status410Gone);
        api.MapGet("/{id:guid}/revert", GetRevert).WithName("GetImportRevert").Requires(Permission.Imports)
            .WithSummary("The revert of an import: status, progress, counts and the contacts kept with the reasons")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Results<Accepted<ImportRevertResponse>, ProblemHttpResult>> Revert(Guid id, HttpContext http, ImportRevertWorkflow workflow)
    {
        var revert = await workflow.RevertAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return revert.Refusal is { } refused ? refused.ToProblem() : TypedResults.Accepted($"/api/imports/{id}/revert", revert.Value);
    }

    public static async Task<Results<Ok<ImportRevertResponse>, ProblemHttpResult>> GetRevert(Guid id, HttpContext http, ImportRevertWorkflow workflow)
    {
        var revert = await workflow.GetAsync(CurrentUser.From(http.User), id, http.RequestAborted);
        return revert.Refusal is { } refused ? refused.ToProblem() : TypedResults.Ok(revert.Value);
    }
}
