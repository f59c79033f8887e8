using Microsoft.Extensions.Options;
using Npgsql;
using VeloConnect.Api.Auth;

namespace VeloConnect.Api.Limits;

/// <summary>The background jobs a workspace may run at once, one cap per kind (<see cref="LimitOptions"/>).</summary>
public enum JobKind
{
    Import,
    Export,
    Revert,
}

/// <summary>
/// Caps the jobs a workspace runs at once, counted where they are: the rows in status 'running'. The count and the
/// start are taken under a transaction-scoped advisory lock per workspace and kind, held until the endpoint has answered;
/// every start marks its row running before it answers, so two starts (on any API replica) cannot both see room for one.
/// A job whose silo is gone stays running (it resumes) and keeps its place.
/// </summary>
public sealed class JobCaps(NpgsqlDataSource dataSource, IOptions<LimitOptions> options)
{
    /// <summary>What a refused start is told to wait: jobs run for seconds to minutes.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(30);

    private const int LockClass = 0x6c696d74; // "limt": the first key of the lock; the second is the workspace and kind's hash

    // Each counts the workspace's running jobs of its kind other than the one the request names (@id; asking again for a
    // running job answers that job). A command-line import has no server job (its rows are requests, under the request
    // limit) and one its importer abandoned stays running: neither it nor the start of one counts.
    private static readonly Dictionary<JobKind, string> RunningSql = new()
    {
        [JobKind.Import] = """
            select count(*) from imports
            where workspace_id = @workspace and status = 'running' and kind = 'wizard' and id <> @id
              and exists (select 1 from imports where id = @id and workspace_id = @workspace and kind = 'wizard')
            """,
        [JobKind.Export] = "select count(*) from exports where workspace_id = @workspace and status = 'running'",
        [JobKind.Revert] = "select count(*) from import_reverts where workspace_id = @workspace and status = 'running' and import_id <> @id",
    };

    public int CapOf(JobKind kind) => kind switch
    {
        JobKind.Import => options.Value.RunningImports,
        JobKind.Export => options.Value.RunningExports,
        _ => options.Value.RunningReverts,
    };

    /// <summary>Runs the endpoint (which starts a job) when the workspace runs fewer than its cap of that kind; a 429 otherwise.</summary>
    public async ValueTask<object?> StartAsync(JobKind kind, EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var user = CurrentUser.From(http.User);
        var id = Guid.TryParse(http.Request.RouteValues["id"]?.ToString(), out var named) ? named : Guid.Empty;
        await using var connection = await dataSource.OpenConnectionAsync(http.RequestAborted);
        await using var transaction = await connection.BeginTransactionAsync(http.RequestAborted);
        await using (var turn = new NpgsqlCommand("select pg_advisory_xact_lock(@lock_class, hashtext(@workspace::text || @kind))", connection, transaction))
        {
            turn.Parameters.AddWithValue("lock_class", LockClass);
            turn.Parameters.AddWithValue("workspace", user.WorkspaceId);
            turn.Parameters.AddWithValue("kind", kind.ToString());
            await turn.ExecuteNonQueryAsync(http.RequestAborted);
        }

        await using var count = new NpgsqlCommand(RunningSql[kind], connection, transaction);
        count.Parameters.AddWithValue("workspace", user.WorkspaceId);
        count.Parameters.AddWithValue("id", id);
        var running = (long)(await count.ExecuteScalarAsync(http.RequestAborted))!;
        var cap = CapOf(kind);
        if (running >= cap)
        {
            return Refusal(kind, cap);
        }

        var answer = await next(context);
        await transaction.CommitAsync(http.RequestAborted);
        return answer;
    }

    private static TooManyRequests Refusal(JobKind kind, int cap)
    {
        var (what, follow, setting) = kind switch
        {
            JobKind.Import => ("imports", "GET /api/imports", nameof(LimitOptions.RunningImports)),
            JobKind.Export => ("exports", "GET /api/exports", nameof(LimitOptions.RunningExports)),
            _ => ("import reverts", "GET /api/imports/{id}/revert", nameof(LimitOptions.RunningReverts)),
        };
        return new TooManyRequests(RetryAfter, $"Too many {what} running",
            $"Your workspace already has {cap} {what} running, the most it may run at once ({LimitOptions.Section}:{setting}). "
            + $"Wait for one to finish (follow them with {follow}) and start this one again.");
    }
}

public static class JobCapEndpoints
{
    /// <summary>The endpoint starts a job of <paramref name="kind"/>: it answers 429 while the workspace runs its cap of them.</summary>
    public static RouteHandlerBuilder WithJobCap(this RouteHandlerBuilder builder, JobKind kind) =>
        builder.AddEndpointFilter((context, next) => context.HttpContext.RequestServices.GetRequiredService<JobCaps>().StartAsync(kind, context, next))
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
