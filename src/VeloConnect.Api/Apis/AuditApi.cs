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
        app.MapGroup("/api/audit").WithTags("Audit log").Requires(Permission.ReadAudit)
            .MapGet("/", ListAudit).WithName("ListAudit")
            .WithSummary("Lists the audit log, newest first. Filters: action (e.g. contacts.deleted, or a prefix such as import), userId, entityId, from, to; paging: limit and before (the nextBefore of the previous page).");
        return app;
    }

    public static async Task<Results<Ok<AuditListResponse>, ValidationProblem>> ListAudit(
        HttpContext http, AuditLog audit,
        [FromQuery] string? action, [FromQuery] Guid? userId, [FromQuery] string? entityId,
        [FromQuery] DateTimeOffset? from, [FromQuery] DateTimeOffset? to, [FromQuery] long? before, [FromQuery] string? limit)
    {
        var user = CurrentUser.From(http.User);
        var errors = new Dictionary<string, string[]>();
        var size = QueryValues.ReadLimit(limit, 50, 500, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // PostgreSQL's timestamptz parameters take UTC instants.
        var query = new AuditQuery(action, userId, entityId, from?.ToUniversalTime(), to?.ToUniversalTime(), before, size);
        var entries = await audit.ListAsync(user.WorkspaceId, query, http.RequestAborted);
        return TypedResults.Ok(new AuditListResponse(entries, entries.Count == size ? entries[^1].Id : null));
    }
}
