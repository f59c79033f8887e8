using Npgsql;

namespace VeloConnect.Data.Jobs;

/// <summary>
/// The trace context of the request that started each job (table <c>job_traces</c>, migration 0013), so that every run
/// of the job, a resumed one on another silo too, links to it (the workflows' <c>JobTelemetry</c> names and links the traces). A job is named by its kind
/// and id (an import and its revert share the import's id).
/// </summary>
public sealed class JobTraceStore(NpgsqlDataSource db)
{
    /// <summary>
    /// Keeps <paramref name="traceParent"/> as what started the job: the first start's only, or the latest
    /// (<paramref name="replace"/>: a revert asked for again is started again by that request).
    /// </summary>
    public async Task RememberAsync(string kind, Guid id, string traceParent, bool replace, CancellationToken cancellationToken = default)
    {
        await using var cmd = db.CreateCommand(
            "insert into job_traces (kind, id, trace_parent) values (@kind, @id, @trace_parent) on conflict (kind, id) do "
            + (replace ? "update set trace_parent = excluded.trace_parent, started_at = now()" : "nothing"));
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.AddWithValue("trace_parent", traceParent);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The traceparent of the request that started the job; null when none was kept.</summary>
    public async Task<string?> StartedByAsync(string kind, Guid id, CancellationToken cancellationToken = default)
    {
        await using var cmd = db.CreateCommand("select trace_parent from job_traces where kind = @kind and id = @id");
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("id", id);
        return await cmd.ExecuteScalarAsync(cancellationToken) as string;
    }

    /// <summary>Forgets the starts older than <paramref name="age"/> (no job runs that long); returns how many.</summary>
    public async Task<int> PurgeAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        await using var cmd = db.CreateCommand("delete from job_traces where started_at < now() - @age");
        cmd.Parameters.AddWithValue("age", age);
        return await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
