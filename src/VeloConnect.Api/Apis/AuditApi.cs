using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Api.Auth;
using VeloConnect.Data.Audit;

namespace VeloConnect.Api.Apis;

public sealed record AuditListResponse(IReadOnlyList<AuditEntry> Items, long? NextBefore);

public static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/audit").WithTags("Audit log")
            .MapGet("/", ListAudit).WithName("ListAudit")
            .WithSummary("Lists the audit log, newest first. Filters: action (e.g. contacts.deleted, or a prefix such as import), userId, entityId, from, to; paging: limit and before (the nextBefore of the previous page).");
        return app;
    }

    public static async Task<Results<Ok<AuditListResponse>, ValidationProblem>> ListAudit(
        HttpContext http, AuditLog audit,
        [FromQuery] string? action, [FromQuery] Guid? userId, [FromQuery] string? entityId,
        [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to, [FromQuery] long? before, [FromQuery] int? limit)
    {
        var user = CurrentUser.From(http.User);
        if (limit is < 1 or > 500)
        {
            return ApiProblems.Invalid(new() { ["limit"] = ["'limit' must be between 1 and 500."] });
        }

        var size = limit ?? 50;
        var entries = await audit.ListAsync(user.WorkspaceId, new AuditQuery(action, userId, entityId, from, to, before, size), http.RequestAborted);
        return TypedResults.Ok(new AuditListResponse(entries, entries.Count == size ? entries[^1].Id : null));
    }
}
