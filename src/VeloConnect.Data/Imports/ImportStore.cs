using System.Data;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Jobs;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Data.Imports;

/// <summary>The imports tables: uploads, their files, the jobs' progress, and the per-row results.</summary>
public sealed class ImportStore(NpgsqlDataSource dataSource)
{
    private const string Columns = $"""
        id, workspace_id, user_id, file_name, file_size, status, created_at, analysis::text, convert_from, mapping::text,
        total_rows, rows_done, added, updated, skipped, invalid, started_at, finished_at, error, kind, reviewed_at, {JobHeartbeat.Columns}
        """;

    /// <summary>Stores an upload and its file (streamed from <paramref name="file"/>).</summary>
    public async Task CreateAsync(ImportRecord import, Stream file, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var insert = new NpgsqlCommand("""
            insert into imports (id, workspace_id, user_id, file_name, file_size, status, created_at, analysis, convert_from, has_header, mapping, total_rows, kind)
            values (@id, @ws, @user, @name, @size, @status, @created, @analysis::jsonb, @convert, @header, @mapping::jsonb, @total, @kind)
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", import.Id);
            insert.Parameters.AddWithValue("ws", import.WorkspaceId);
            insert.Parameters.AddWithValue("user", import.UserId);
            insert.Parameters.AddWithValue("name", import.FileName);
            insert.Parameters.AddWithValue("size", import.FileSize);
            insert.Parameters.AddWithValue("status", import.Status);
            insert.Parameters.AddWithValue("created", import.CreatedAt);
            insert.Parameters.AddWithValue("analysis", JsonSerializer.Serialize(import.Analysis, ImportJson.Options));
            insert.Parameters.Add(new NpgsqlParameter("convert", NpgsqlDbType.Text) { Value = (object?)import.ConvertFrom ?? DBNull.Value });
            insert.Parameters.AddWithValue("header", import.Analysis.HasHeader);
            insert.Parameters.Add(new NpgsqlParameter("mapping", NpgsqlDbType.Text) { Value = import.Mapping is null ? DBNull.Value : JsonSerializer.Serialize(import.Mapping, ImportJson.Options) });
            insert.Parameters.AddWithValue("total", import.TotalRows);
            insert.Parameters.AddWithValue("kind", import.Kind);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var content = new NpgsqlCommand("insert into import_files (import_id, content) values (@id, @content)", connection, transaction))
        {
            content.Parameters.AddWithValue("id", import.Id);
            content.Parameters.Add(new NpgsqlParameter("content", NpgsqlDbType.Bytea) { Value = file });
            await content.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public Task<ImportRecord?> GetAsync(Guid workspaceId, Guid id, CancellationToken cancellationToken = default) =>
        FindAsync(id, workspaceId, cancellationToken);

    /// <summary>The workspace's imports, newest first; with <paramref name="userId"/>, only those that user created.</summary>
    public async Task<IReadOnlyList<ImportRecord>> ListAsync(Guid workspaceId, int limit, DateTimeOffset? before, Guid? userId = null, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select {Columns} from imports where workspace_id = @ws {(before is null ? "" : "and created_at < @before")} {(userId is null ? "" : "and user_id = @user")}
            order by created_at desc, id desc limit @limit
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("limit", limit);
        if (userId is { } u)
        {
            command.Parameters.AddWithValue("user", u);
        }

        if (before is { } b)
        {
            command.Parameters.AddWithValue("before", b);
        }

        var result = new List<ImportRecord>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    /// <summary>
    /// The stored file as a stream that reads it from the database as it is consumed (sequential access: never the whole file
    /// in memory). Dispose it to end the query and give its connection back.
    /// </summary>
    public async Task<Stream> OpenFileAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        NpgsqlCommand? command = null;
        NpgsqlDataReader? reader = null;
        try
        {
            command = new NpgsqlCommand("select content from import_files where import_id = @id", connection);
            command.Parameters.AddWithValue("id", id);
            reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess | CommandBehavior.SingleRow, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new InvalidOperationException($"Import {id} has no file.");
            }

            return new StoredFileStream(await reader.GetStreamAsync(0, cancellationToken), reader, command, connection);
        }
        catch
        {
            if (reader is not null)
            {
                await reader.DisposeAsync();
            }

            if (command is not null)
            {
                await command.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>The whole file in memory: for the import job, which reads it for the length of the run. Requests use <see cref="OpenFileAsync"/>.</summary>
    public async Task<byte[]> ReadFileAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select content from import_files where import_id = @id");
        command.Parameters.AddWithValue("id", id);
        return (byte[])(await command.ExecuteScalarAsync(cancellationToken) ?? throw new InvalidOperationException($"Import {id} has no file."));
    }

    /// <summary>
    /// Saves the confirmed mapping (and, when the header choice changed, the new analysis); only before the run. The mapping is
    /// stored as its JSON; the header flag is the analysis's (<c>has_header</c> is written in step for SQL readers).
    /// </summary>
    public async Task<bool> SetMappingAsync(Guid workspaceId, Guid id, ImportMapping mapping, SniffResult analysis, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update imports set mapping = @mapping::jsonb, has_header = @header, analysis = @analysis::jsonb, reviewed_at = null,
                total_rows = case when kind = 'command_line' then total_rows else @total end
            where id = @id and workspace_id = @ws and status = 'uploaded'
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("mapping", JsonSerializer.Serialize(mapping, ImportJson.Options));
        command.Parameters.AddWithValue("header", analysis.HasHeader);
        command.Parameters.AddWithValue("analysis", JsonSerializer.Serialize(analysis, ImportJson.Options));
        command.Parameters.AddWithValue("total", analysis.DataRowCount);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// Saves a new analysis of the same stored file (other delimiter, header row or conversion) and drops the mapping
    /// confirmed for the old one; only before the run.
    /// </summary>
    public async Task<bool> ReanalyseAsync(Guid workspaceId, Guid id, SniffResult analysis, string? convertFrom, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update imports set mapping = null, reviewed_at = null, has_header = @header, analysis = @analysis::jsonb, convert_from = @convert,
                total_rows = case when kind = 'command_line' then total_rows else @total end
            where id = @id and workspace_id = @ws and status = 'uploaded'
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("header", analysis.HasHeader);
        command.Parameters.AddWithValue("analysis", JsonSerializer.Serialize(analysis, ImportJson.Options));
        command.Parameters.Add(new NpgsqlParameter("convert", NpgsqlDbType.Text) { Value = (object?)convertFrom ?? DBNull.Value });
        command.Parameters.AddWithValue("total", analysis.DataRowCount);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>
    /// The condition on an import's row for a review of <c>@mapping</c> to count: not run yet and <c>@mapping</c> is still its
    /// confirmed mapping. A mapping stored before the header flag left it still carries "hasHeader": compared without it.
    /// </summary>
    internal const string ReviewableSql = "status = 'uploaded' and mapping - 'hasHeader' = @mapping::jsonb";

    /// <summary>
    /// Marks the import reviewed: only before the run and only while <paramref name="mapping"/> is still its confirmed
    /// mapping (a review that raced a new mapping reviewed a mapping that is gone). False when it did not apply.
    /// </summary>
    public async Task<bool> MarkReviewedAsync(Guid workspaceId, Guid id, ImportMapping mapping, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"update imports set reviewed_at = now() where id = @id and workspace_id = @ws and {ReviewableSql}");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("mapping", JsonSerializer.Serialize(mapping, ImportJson.Options));
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes an upload that has not run, with its stored file; false when it has started (or is not there).</summary>
    public async Task<bool> DiscardAsync(Guid workspaceId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("delete from imports where id = @id and workspace_id = @ws and status = 'uploaded'");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", workspaceId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Deletes the uploads never run within <paramref name="age"/> of their upload, with their stored files; answers how many.</summary>
    public async Task<int> DiscardExpiredAsync(TimeSpan age, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("delete from imports where status = 'uploaded' and created_at < now() - @age");
        command.Parameters.AddWithValue("age", age);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes the uploaded bytes of imports that ended before <paramref name="endedBefore"/> (past the undo window: nothing
    /// reads them again but the error report, which then answers 410); the import's record, its rows and its journal stay.
    /// Never while a revert of the import runs. Returns the files deleted.
    /// </summary>
    public async Task<int> PurgeFilesAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            delete from import_files f using imports i
            where f.import_id = i.id and i.status in ('finished', 'failed') and i.finished_at < @ended
              and not exists (select 1 from import_reverts r where r.import_id = i.id and r.status = 'running')
            """);
        command.Parameters.AddWithValue("ended", endedBefore);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Whether the import's uploaded file is still stored (it is purged after the undo window).</summary>
    public async Task<bool> HasFileAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select exists (select 1 from import_files where import_id = @id)");
        command.Parameters.AddWithValue("id", id);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Moves an uploaded import to running (once); false when it is not in the uploaded state.</summary>
    public async Task<bool> MarkRunningAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update imports set status = 'running', started_at = now(), heartbeat_at = now() where id = @id and status = 'uploaded'
            """);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>For the job, which is keyed by the import alone.</summary>
    public Task<ImportRecord?> GetByIdAsync(Guid id, CancellationToken cancellationToken = default) =>
        FindAsync(id, null, cancellationToken);

    private async Task<ImportRecord?> FindAsync(Guid id, Guid? workspaceId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"select {Columns} from imports where id = @id {(workspaceId is null ? "" : "and workspace_id = @ws")}");
        command.Parameters.AddWithValue("id", id);
        if (workspaceId is { } ws)
        {
            command.Parameters.AddWithValue("ws", ws);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    /// <summary>The rows already recorded (a resumed job skips them).</summary>
    public Task<HashSet<int>> RecordedRowsAsync(Guid id, CancellationToken cancellationToken = default) =>
        ImportRows.NumbersAsync(dataSource, id, cancellationToken);

    /// <summary>Records rows that changed no contact (skipped, invalid, unchanged); a row already recorded stays as it was.</summary>
    public Task RecordRowsAsync(Guid id, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken = default) =>
        ImportRows.InsertAsync(dataSource, id, rows, cancellationToken);

    private const string RecountSql = ImportRows.CountsSql + "\n" + """
        update imports i set added = c.added, updated = c.updated, skipped = c.skipped, invalid = c.invalid,
            rows_done = c.added + c.updated + c.skipped + c.invalid, heartbeat_at = now()
        from counts c where i.id = @id
        returning i.added, i.updated, i.skipped, i.invalid
        """;

    /// <summary>Recounts the recorded rows into the import (progress) and beats the heart; returns the counts.</summary>
    public async Task<ImportCounts> UpdateProgressAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(RecountSql);
        return await RecountAsync(command, id, cancellationToken);
    }

    private static async Task<ImportCounts> RecountAsync(NpgsqlCommand command, Guid id, CancellationToken cancellationToken)
    {
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new ImportCounts(reader.GetInt32(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3));
    }

    /// <summary>Saves a running job's progress (its own tally) and beats the heart, without recounting the rows.</summary>
    public async Task SaveProgressAsync(Guid id, ImportCounts counts, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update imports set added = @added, updated = @updated, skipped = @skipped, invalid = @invalid,
                rows_done = @added + @updated + @skipped + @invalid, heartbeat_at = now()
            where id = @id
            """);
        command.Parameters.AddWithValue("id", id);
        command.AddCounts(counts);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A running job's heartbeat, whatever its progress (a silent running import has lost its silo).</summary>
    public async Task BeatAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update imports set heartbeat_at = now() where id = @id and status = 'running'");
        command.Parameters.AddWithValue("id", id);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Counts one more run of a running import's job (each start and each resumption); returns how many runs that makes,
    /// or null when the import is not running.
    /// </summary>
    public async Task<int?> StartRunAsync(Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update imports set runs = runs + 1, heartbeat_at = now() where id = @id and status = 'running' returning runs");
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is int runs ? runs : null;
    }

    /// <summary>Sets an import's status without announcing it (tests that stage an import).</summary>
    public async Task FinishAsync(Guid id, string status, string? error, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update imports set status = @status, finished_at = now(), error = @error where id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("status", status);
        command.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Running imports whose job has not reported for <paramref name="silence"/>: their silo is gone.</summary>
    public async Task<IReadOnlyList<Guid>> StalledAsync(TimeSpan silence, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select id from imports where status = 'running' and kind = 'wizard' and heartbeat_at < now() - @silence");
        command.Parameters.AddWithValue("silence", silence);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }

    /// <summary>The recorded rows of some outcomes, in file order.</summary>
    public Task<IReadOnlyList<ImportRowResult>> RowsAsync(Guid id, IReadOnlyList<string> outcomes, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(id, "outcome = any(@filter)", outcomes.ToArray(), cancellationToken);

    /// <summary>The rows of the error report: those with one of <paramref name="outcomes"/>, and the others recorded with warnings, in file order.</summary>
    public Task<IReadOnlyList<ImportRowResult>> RowsToReportAsync(Guid id, IReadOnlyList<string> outcomes, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(id, "(outcome = any(@filter) or cardinality(warnings) > 0)", outcomes.ToArray(), cancellationToken);

    /// <summary>The recorded results of some rows (those not recorded yet are absent), in file order.</summary>
    public Task<IReadOnlyList<ImportRowResult>> RowsAsync(Guid id, IReadOnlyList<int> rowNumbers, CancellationToken cancellationToken = default) =>
        ReadRowsAsync(id, "row_number = any(@filter)", rowNumbers.ToArray(), cancellationToken);

    private Task<IReadOnlyList<ImportRowResult>> ReadRowsAsync(Guid id, string filter, Array values, CancellationToken cancellationToken) =>
        ImportRows.ReadAsync(dataSource, id, filter, values, cancellationToken);

    /// <summary>
    /// The one way an import ends, wizard or command line: one transaction locks the import's row, counts its recorded
    /// rows (the truth, whoever wrote them), and, when it is running — and, for <see cref="ImportEnding.ExpectedRows"/>,
    /// once that many rows are recorded — marks it finished (or failed with <see cref="ImportEnding.Error"/>) and writes
    /// its audit row and notification (as <see cref="ImportEnding.Announce"/> words them). A batch in flight has either locked the row
    /// already (the end waits for it and counts its rows) or is refused once the end commits (its progress update checks
    /// the status; migration 0012 refuses its rows): no row lands after the end. Ending an ended import again writes
    /// nothing: it answers <see cref="ImportEndOutcome.AlreadyEnded"/> when it ended the same way (finished with the
    /// same expected rows), else <see cref="ImportEndOutcome.NotRunning"/>.
    /// </summary>
    public async Task<ImportEnd> EndAsync(ImportEnding ending, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        ImportRecord? import;
        await using (var read = new NpgsqlCommand($"select {Columns} from imports where id = @id for no key update", connection, transaction))
        {
            read.Parameters.AddWithValue("id", ending.Id);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            import = await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
        }

        if (import is null)
        {
            return new ImportEnd(ImportEndOutcome.NotRunning, ImportCounts.Zero, null);
        }

        if (import.Status != ImportStatus.Running)
        {
            var same = ending.Error is null && import.Status == ImportStatus.Finished && (ending.ExpectedRows is null || ending.ExpectedRows == import.TotalRows);
            return new ImportEnd(same ? ImportEndOutcome.AlreadyEnded : ImportEndOutcome.NotRunning, import.Counts, import);
        }

        await using var recount = new NpgsqlCommand(RecountSql, connection, transaction);
        var counts = await RecountAsync(recount, ending.Id, cancellationToken);
        if (ending.Error is null && ending.ExpectedRows is { } expected && counts.Total != expected)
        {
            await transaction.CommitAsync(cancellationToken);
            return new ImportEnd(ImportEndOutcome.RowsMissing, counts, import);
        }

        await using (var end = new NpgsqlCommand("""
            update imports set status = @status, finished_at = now(), error = @error, total_rows = coalesce(@total, total_rows) where id = @id
            """, connection, transaction))
        {
            end.Parameters.AddWithValue("id", ending.Id);
            end.Parameters.AddWithValue("status", ending.Error is null ? ImportStatus.Finished : ImportStatus.Failed);
            end.Parameters.Add(new NpgsqlParameter("error", NpgsqlDbType.Text) { Value = (object?)ending.Error ?? DBNull.Value });
            end.Parameters.Add(new NpgsqlParameter("total", NpgsqlDbType.Integer) { Value = (object?)ending.ExpectedRows ?? DBNull.Value });
            await end.ExecuteNonQueryAsync(cancellationToken);
        }

        var announcement = ending.Announce(import, counts, ending.Error);
        var notification = announcement.Notification;
        var notified = await NotificationStore.TryAddAsync(connection, transaction, import.WorkspaceId, import.UserId, notification.Kind, notification.Title,
            notification.Message, notification.Link, cancellationToken) is not null;
        await AuditLog.WriteAsync(connection, transaction, import.WorkspaceId, import.UserId, announcement.AuditAction, "import", import.Id.ToString(),
            new Dictionary<string, object?>(announcement.AuditDetails) { ["notified"] = notified }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportEnd(notified ? ImportEndOutcome.Ended : ImportEndOutcome.EndedWithoutNotification, counts, import);
    }

    /// <summary>Sets the rows a command-line import expects (the importer's count of its file), for its progress.</summary>
    public async Task SetTotalRowsAsync(Guid id, int totalRows, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update imports set total_rows = @total where id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("total", totalRows);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static ImportRecord Read(NpgsqlDataReader reader)
    {
        var analysis = JsonSerializer.Deserialize<SniffResult>(reader.GetString(7), ImportJson.Options)!;
        var mapping = reader.IsDBNull(9) ? null : JsonSerializer.Deserialize<ImportMapping>(reader.GetString(9), ImportJson.Options)! with { HasHeader = analysis.HasHeader };
        return Read(reader, analysis, mapping);
    }

    private static ImportRecord Read(NpgsqlDataReader reader, SniffResult analysis, ImportMapping? mapping) => new(
        reader.GetGuid(0),
        reader.GetGuid(1),
        reader.GetGuid(2),
        reader.GetString(3),
        reader.GetInt64(4),
        reader.GetString(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        analysis,
        reader.IsDBNull(8) ? null : reader.GetString(8),
        mapping,
        reader.GetInt32(10),
        reader.GetInt32(11),
        new ImportCounts(reader.GetInt32(12), reader.GetInt32(13), reader.GetInt32(14), reader.GetInt32(15)),
        reader.IsDBNull(16) ? null : reader.GetFieldValue<DateTimeOffset>(16),
        reader.IsDBNull(17) ? null : reader.GetFieldValue<DateTimeOffset>(17),
        reader.IsDBNull(18) ? null : reader.GetString(18),
        reader.GetString(19),
        JobHeartbeat.Read(reader, 21),
        reader.IsDBNull(20) ? null : reader.GetFieldValue<DateTimeOffset>(20));
}

/// <summary>
/// How to end an import: finished (<paramref name="Error"/> null) or failed. <paramref name="ExpectedRows"/>: the
/// number of data rows the import must have recorded to finish (a command-line import: its file's rows, from the
/// importer; it becomes the import's total); null for an import whose job has written every row of its stored file.
/// <paramref name="Announce"/> words the audit row and notification from the import and its recorded rows' counts.
/// </summary>
public sealed record ImportEnding(Guid Id, int? ExpectedRows, string? Error, Func<ImportRecord, ImportCounts, string?, Announcement> Announce);

/// <summary>How an attempt to end an import went, with the recorded rows' counts.</summary>
public sealed record ImportEnd(ImportEndOutcome Outcome, ImportCounts Counts, ImportRecord? Import);

public enum ImportEndOutcome
{
    /// <summary>Not running (failed, not run yet, or ended another way): nothing was written.</summary>
    NotRunning,

    /// <summary>Ended now, audited and notified.</summary>
    Ended,

    /// <summary>Ended now and audited; the database refused the notification.</summary>
    EndedWithoutNotification,

    /// <summary>Had already ended the same way (finished, with the same expected rows): nothing written again.</summary>
    AlreadyEnded,

    /// <summary>Fewer rows are recorded than expected (the counts say how many are): still running.</summary>
    RowsMissing,
}
