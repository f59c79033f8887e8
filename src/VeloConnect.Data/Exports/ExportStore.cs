using System.Text.Json;
using Npgsql;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Jobs;

namespace VeloConnect.Data.Exports;

public static class ExportStatus
{
    public const string Running = "running";
    public const string Ready = "ready";
    public const string Failed = "failed";
    public const string Expired = "expired";
}

/// <summary>One export: who asked, what for (format, filter), the job's progress and the file once ready, when, and why it failed.</summary>
public sealed record ExportRecord(
    Guid Id, Guid WorkspaceId, Guid UserId,
    ExportFormat Format, ContactFilter Filter, JsonElement FilterQuery,
    string Status, long? TotalRows, long Rows, long? Bytes, string? FileName,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, DateTimeOffset? ExpiresAt,
    string? Error, JobHeartbeat? Heartbeat = null);

/// <summary>
/// The exports table. The job reports progress here; the finish (file name, size, expiry) commits together with its
/// <c>export.finished</c> audit row, so whoever sees an export ready also finds it in the audit log.
/// </summary>
public sealed class ExportStore(NpgsqlDataSource dataSource)
{
    private const string Columns = $"""
        id, workspace_id, user_id, format, filter::text, filter_query::text, status, total_rows, rows, bytes, file_name,
        created_at, finished_at, expires_at, error, {JobHeartbeat.Columns}
        """;

    public async Task CreateAsync(ExportRecord export, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            insert into exports (id, workspace_id, user_id, format, filter, filter_query, status, created_at, heartbeat_at)
            values (@id, @ws, @user, @format, @filter::jsonb, @query::jsonb, @status, @created, now())
            """);
        command.Parameters.AddWithValue("id", export.Id);
        command.Parameters.AddWithValue("ws", export.WorkspaceId);
        command.Parameters.AddWithValue("user", export.UserId);
        command.Parameters.AddWithValue("format", ExportFormats.Name(export.Format));
        command.Parameters.AddWithValue("filter", JsonSerializer.Serialize(export.Filter));
        command.Parameters.AddWithValue("query", export.FilterQuery.GetRawText());
        command.Parameters.AddWithValue("status", export.Status);
        command.Parameters.AddWithValue("created", export.CreatedAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>An export of the workspace; null for another workspace's (it does not exist for this caller).</summary>
    public async Task<ExportRecord?> GetAsync(Guid workspaceId, Guid id, CancellationToken cancellationToken = default) =>
        (await QueryAsync("id = @id and workspace_id = @ws", 1, cancellationToken, ("id", id), ("ws", workspaceId))).FirstOrDefault();

    public async Task<ExportRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        (await QueryAsync("id = @id", 1, cancellationToken, ("id", id))).FirstOrDefault();

    /// <summary>A user's exports, newest first.</summary>
    public Task<IReadOnlyList<ExportRecord>> ListAsync(Guid workspaceId, Guid userId, int limit, CancellationToken cancellationToken = default) =>
        QueryAsync("workspace_id = @ws and user_id = @user", limit, cancellationToken, ("ws", workspaceId), ("user", userId));

    /// <summary>(Re)starts the job's count: the contacts the filter selects now, nothing written yet.</summary>
    public Task StartAsync(Guid id, long totalRows, CancellationToken cancellationToken = default) =>
        ExecuteAsync("update exports set total_rows = @total, rows = 0, heartbeat_at = now() where id = @id and status = 'running'", cancellationToken,
            ("id", id), ("total", totalRows));

    public Task ProgressAsync(Guid id, long rows, CancellationToken cancellationToken = default) =>
        ExecuteAsync("update exports set rows = @rows, heartbeat_at = now() where id = @id and status = 'running'", cancellationToken,
            ("id", id), ("rows", rows));

    /// <summary>A running job's heartbeat, whatever its progress (a silent running export has lost its silo).</summary>
    public Task BeatAsync(Guid id, CancellationToken cancellationToken = default) =>
        ExecuteAsync("update exports set heartbeat_at = now() where id = @id and status = 'running'", cancellationToken, ("id", id));

    /// <summary>
    /// Marks the export ready (its file complete, flushed to disk and in place) with its audit row and its user's
    /// notification, in one transaction; false (nothing written) when it was no longer running.
    /// </summary>
    public Task<bool> FinishAsync(ExportRecord export, long rows, long bytes, string fileName, DateTimeOffset finishedAt, DateTimeOffset expiresAt,
        Notifications.NotificationText notification, CancellationToken cancellationToken = default) =>
        EndAsync(export, """
            update exports set status = 'ready', rows = @rows, bytes = @bytes, file_name = @file, finished_at = @finished, expires_at = @expires, error = null
            where id = @id and status = 'running'
            """,
            [("rows", rows), ("bytes", bytes), ("file", fileName), ("finished", finishedAt), ("expires", expiresAt)],
            "export.finished", new() { ["format"] = ExportFormats.Name(export.Format), ["rows"] = rows, ["bytes"] = bytes, ["filter"] = export.FilterQuery },
            notification, cancellationToken);

    /// <summary>
    /// Marks a running export failed with its audit row and its user's notification, in one transaction; false (nothing
    /// written) when it was no longer running: an export fails, and says so, at most once, and never once it is ready.
    /// </summary>
    public Task<bool> FailAsync(ExportRecord export, string error, Notifications.NotificationText notification, CancellationToken cancellationToken = default) =>
        EndAsync(export, "update exports set status = 'failed', error = @error, finished_at = now() where id = @id and status = 'running'", [("error", error)],
            "export.failed", new() { ["format"] = ExportFormats.Name(export.Format), ["filter"] = export.FilterQuery, ["error"] = error },
            notification, cancellationToken);

    /// <summary>
    /// Ends a running export (the update, guarded by its running status), with its audit row and notification, in one
    /// transaction. A notification the database refuses is left out rather than keeping the export from ending.
    /// </summary>
    private async Task<bool> EndAsync(ExportRecord export, string update, (string Name, object Value)[] parameters, string action, Dictionary<string, object?> details,
        Notifications.NotificationText notification, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(update, connection, transaction))
        {
            command.Parameters.AddWithValue("id", export.Id);
            foreach (var (name, value) in parameters)
            {
                command.Parameters.AddWithValue(name, value);
            }

            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await Audit.AuditLog.WriteAsync(connection, transaction, export.WorkspaceId, export.UserId, action, "export", export.Id.ToString(), details, cancellationToken);
        await Notifications.NotificationStore.TryAddAsync(connection, transaction, export.WorkspaceId, export.UserId, notification.Kind, notification.Title,
            notification.Message, notification.Link, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Running exports whose job has not reported for <paramref name="silence"/> (its silo went away).</summary>
    public async Task<IReadOnlyList<Guid>> StalledAsync(TimeSpan silence, CancellationToken cancellationToken = default) =>
        [.. (await QueryAsync("status = 'running' and heartbeat_at < now() - @silence", 1_000, cancellationToken, ("silence", silence))).Select(e => e.Id)];

    /// <summary>Ready exports past their expiry, whose files are to be deleted (then each marked expired).</summary>
    public async Task<IReadOnlyList<ExportRecord>> ExpiringAsync(DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await QueryAsync("status = 'ready' and expires_at <= @now", 1_000, cancellationToken, ("now", now));

    /// <summary>Marks a ready export expired once its file is deleted; false when another cleanup did it first.</summary>
    public async Task<bool> MarkExpiredAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update exports set status = 'expired' where id = @id and status = 'ready'");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private async Task<IReadOnlyList<ExportRecord>> QueryAsync(string where, int limit, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from exports where {where} order by created_at desc, id desc limit @limit");
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        command.Parameters.AddWithValue("limit", limit);
        var result = new List<ExportRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ExportFormats.TryParse(reader.GetString(3), out var format);
            using var query = JsonDocument.Parse(reader.GetString(5));
            result.Add(new ExportRecord(
                reader.GetGuid(0),
                reader.GetGuid(1),
                reader.GetGuid(2),
                format,
                JsonSerializer.Deserialize<ContactFilter>(reader.GetString(4))!,
                query.RootElement.Clone(),
                reader.GetString(6),
                reader.IsDBNull(7) ? null : reader.GetInt64(7),
                reader.GetInt64(8),
                reader.IsDBNull(9) ? null : reader.GetInt64(9),
                reader.IsDBNull(10) ? null : reader.GetString(10),
                reader.GetFieldValue<DateTimeOffset>(11),
                reader.IsDBNull(12) ? null : reader.GetFieldValue<DateTimeOffset>(12),
                reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
                reader.IsDBNull(14) ? null : reader.GetString(14),
                JobHeartbeat.Read(reader, 15)));
        }

        return result;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = dataSource.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
