using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Data.Imports;

public static class RevertStatus
{
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

public static class RevertOutcome
{
    public const string Deleted = "deleted";
    public const string Restored = "restored";
    public const string Kept = "kept";
    public const string Unchanged = "unchanged";
}

/// <summary>How far a revert got: every journal entry decided ends in exactly one of these.</summary>
public sealed record RevertCounts(int Deleted, int Restored, int Kept, int Unchanged)
{
    public int Done => Deleted + Restored + Kept + Unchanged;
}

/// <summary>The revert of one import: who asked, when, how many journal entries it decides, how far it got.</summary>
public sealed record ImportRevertRecord(Guid ImportId, Guid WorkspaceId, Guid UserId, string Status, int Total, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, RevertCounts Counts,
    string? Error = null, Jobs.JobHeartbeat? Heartbeat = null);

/// <summary>One journal entry decided: the contact, the outcome and, for a kept one, why.</summary>
public sealed record RevertEntryResult(Guid ContactId, string Outcome, IReadOnlyList<string> Reasons);

/// <summary>A contact the revert deletes, as it was read: deleted only if still at that version with no opt-in set since.</summary>
public sealed record RevertDeletion(Guid ContactId, int Version, DateTimeOffset ImportedAt);

/// <summary>
/// The reverts of imports (<c>import_reverts</c>) and their decided entries (<c>import_revert_entries</c>). Each decision
/// is recorded in the transaction that carries it out (a delete, a restore), so a resumed revert skips exactly what is
/// done. Never writes opt-ins.
/// </summary>
public sealed class ImportRevertStore(NpgsqlDataSource dataSource)
{
    /// <summary>How long after it finished an import can be reverted; its journal is purged after that.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromDays(30);

    /// <summary>Creates the revert of a finished import (its total: the journal's entries); false when one exists already.</summary>
    public async Task<bool> CreateAsync(ImportRecord import, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            insert into import_reverts (import_id, workspace_id, user_id, status, total, heartbeat_at)
            values (@import, @ws, @user, 'running', ({ImportJournal.CountSql}), now())
            on conflict (import_id) do nothing
            """);
        command.Parameters.AddWithValue("import", import.Id);
        command.Parameters.AddWithValue("ws", import.WorkspaceId);
        command.Parameters.AddWithValue("user", userId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<ImportRevertRecord?> GetAsync(Guid workspaceId, Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand($"""
            select r.user_id, r.status, r.total, r.requested_at, r.finished_at,
                   count(*) filter (where e.outcome = 'deleted'), count(*) filter (where e.outcome = 'restored'),
                   count(*) filter (where e.outcome = 'kept'), count(*) filter (where e.outcome = 'unchanged'), r.error, {Jobs.JobHeartbeat.Columns}
            from import_reverts r left join import_revert_entries e on e.import_id = r.import_id
            where r.import_id = @import and r.workspace_id = @ws
            group by r.import_id
            """);
        command.Parameters.AddWithValue("import", importId);
        command.Parameters.AddWithValue("ws", workspaceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new ImportRevertRecord(importId, workspaceId, reader.GetGuid(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            new RevertCounts((int)reader.GetInt64(5), (int)reader.GetInt64(6), (int)reader.GetInt64(7), (int)reader.GetInt64(8)),
            reader.IsDBNull(9) ? null : reader.GetString(9), Jobs.JobHeartbeat.Read(reader, 10));
    }

    /// <summary>The contacts the revert left as they are because something changed them since, with the reasons.</summary>
    public async Task<IReadOnlyList<RevertEntryResult>> KeptAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select contact_id, reasons from import_revert_entries where import_id = @import and outcome = 'kept' order by contact_id");
        command.Parameters.AddWithValue("import", importId);
        return await ReadAllAsync(command, r => new RevertEntryResult(r.GetGuid(0), RevertOutcome.Kept, r.GetFieldValue<string[]>(1)), cancellationToken);
    }

    /// <summary>Journal entries not decided yet, at most <paramref name="limit"/>, in contact id order.</summary>
    public Task<IReadOnlyList<JournalEntry>> PendingAsync(Guid importId, int limit, CancellationToken cancellationToken = default) =>
        ImportJournal.UndecidedAsync(dataSource, importId, limit, cancellationToken);

    /// <summary>
    /// When an opt-in or opt-out of each contact was last set: its own, or one an address it holds carries (contacts with
    /// none are absent).
    /// </summary>
    public async Task<Dictionary<Guid, DateTimeOffset>> LastOptInChangesAsync(Guid workspaceId, IReadOnlyList<Guid> contactIds, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select contact_id, max(set_at) from (
                select contact_id, set_at from contact_opt_ins where workspace_id = @ws and contact_id = any(@ids)
                union all
                select i.contact_id, a.set_at
                from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
                where i.workspace_id = @ws and i.contact_id = any(@ids)) s
            group by contact_id
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", contactIds.ToArray());
        return (await ReadAllAsync(command, r => (Id: r.GetGuid(0), At: r.GetFieldValue<DateTimeOffset>(1)), cancellationToken)).ToDictionary(c => c.Id, c => c.At);
    }

    /// <summary>Records decisions that write nothing to the contact (kept, unchanged), and that the revert is alive.</summary>
    public async Task RecordAsync(Guid importId, IReadOnlyList<RevertEntryResult> results, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await RecordAsync(connection, transaction, importId, results, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Deletes contacts the import created (their addresses keep their opt-outs), each only if it is still at the version
    /// the decision read and no opt-in or opt-out was set on it (or on an address it holds) since the import; records them deleted in the same
    /// transaction. Returns the ids deleted (the others moved meanwhile: the caller decides them again).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DeleteAsync(Guid workspaceId, Guid importId, IReadOnlyList<RevertDeletion> deletions, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        List<Guid> locked;
        await using (var lockRows = new NpgsqlCommand("""
            select c.id from contacts c join unnest(@ids, @versions, @ats) as d(id, version, at) on c.id = d.id and c.version = d.version
            where c.workspace_id = @ws
              and not exists (select 1 from contact_opt_ins o where o.contact_id = c.id and o.set_at > d.at)
              and not exists (select 1 from contact_identifiers i join address_opt_outs a on a.workspace_id = i.workspace_id and a.kind = i.kind and a.value = i.value
                              where i.contact_id = c.id and a.set_at > d.at)
            for update of c
            """, connection, transaction))
        {
            lockRows.Parameters.AddWithValue("ws", workspaceId);
            lockRows.Parameters.AddWithValue("ids", deletions.Select(d => d.ContactId).ToArray());
            lockRows.Parameters.AddWithValue("versions", deletions.Select(d => d.Version).ToArray());
            lockRows.Parameters.AddWithValue("ats", deletions.Select(d => d.ImportedAt).ToArray());
            locked = await ReadAllAsync(lockRows, r => r.GetGuid(0), cancellationToken);
        }

        if (locked.Count > 0)
        {
            await ContactStore.DeleteAsync(connection, transaction, workspaceId, locked, cancellationToken);
            await RecordAsync(connection, transaction, importId, [.. locked.Select(id => new RevertEntryResult(id, RevertOutcome.Deleted, []))], cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return locked;
    }

    /// <summary>
    /// Writes restored contacts (each version-checked against the contact the decision read) and records them restored,
    /// in one transaction; false, with nothing written, when one of them moved or an identifier was claimed meanwhile.
    /// </summary>
    public Task<bool> RestoreAsync(Guid workspaceId, Guid importId, IReadOnlyList<PlannedContact> restores, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        ContactBatchWriter.WriteInTransactionAsync(dataSource, workspaceId, "Import revert", restores, now,
            (connection, transaction) => RecordAsync(connection, transaction, importId,
                [.. restores.Select(r => new RevertEntryResult(r.Id, RevertOutcome.Restored, []))], cancellationToken),
            cancellationToken: cancellationToken);

    /// <summary>
    /// Ends a running revert, finished (<paramref name="error"/> null) or failed with the error that stopped it, with
    /// its audit row and its user's notification (<paramref name="announcement"/>, worded by the workflow) in the same
    /// transaction. False (and nothing written) when it was not running: a revert is announced once. What a failed
    /// revert decided so far stays done.
    /// </summary>
    public async Task<bool> EndAsync(ImportRevertRecord revert, string? error, Announcement announcement, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await EndAsync(connection, transaction, revert.ImportId, error is null ? RevertStatus.Finished : RevertStatus.Failed, error, cancellationToken))
        {
            return false;
        }

        await AuditLog.WriteAsync(connection, transaction, revert.WorkspaceId, revert.UserId, announcement.AuditAction, "import", revert.ImportId.ToString(),
            announcement.AuditDetails, cancellationToken);
        var notification = announcement.Notification;
        await NotificationStore.TryAddAsync(connection, transaction, revert.WorkspaceId, revert.UserId, notification.Kind, notification.Title,
            notification.Message, notification.Link, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Ends a running revert (finished, or failed with its error); false when it was not running.</summary>
    private static async Task<bool> EndAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, string status, string? error, CancellationToken cancellationToken)
    {
        await using var end = new NpgsqlCommand("""
            update import_reverts set status = @status, error = @error, heartbeat_at = now(),
                finished_at = case when @status = 'finished' then now() else finished_at end
            where import_id = @import and status = 'running'
            """, connection, transaction);
        end.Parameters.AddWithValue("import", importId);
        end.Parameters.AddWithValue("status", status);
        end.Parameters.Add(new NpgsqlParameter("error", NpgsqlTypes.NpgsqlDbType.Text) { Value = (object?)error ?? DBNull.Value });
        return await end.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>Sets a failed revert running again (it continues with the entries not decided yet); false when it had not failed.</summary>
    public async Task<bool> RetryAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "update import_reverts set status = 'running', error = null, heartbeat_at = now() where import_id = @import and status = 'failed'");
        command.Parameters.AddWithValue("import", importId);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>A running revert's heartbeat, whatever its progress (a silent running revert has lost its silo).</summary>
    public async Task HeartbeatAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update import_reverts set heartbeat_at = now() where import_id = @import and status = 'running'");
        command.Parameters.AddWithValue("import", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>When imports began to keep a journal (migration 7 was applied): an import started before has none to revert.</summary>
    public async Task<DateTimeOffset?> JournalSinceAsync(CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select applied_at from schema_migrations where version = 7");
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    /// <summary>
    /// Deletes the journals of imports that finished more than <paramref name="window"/> ago (they can no longer be
    /// reverted), except one whose revert is still running. Returns the entries deleted.
    /// </summary>
    public Task<int> PurgeJournalsAsync(TimeSpan window, CancellationToken cancellationToken = default) =>
        ImportJournal.PurgeAsync(dataSource, window, cancellationToken);

    /// <summary>Running reverts whose job has been silent for <paramref name="silence"/> (its silo died).</summary>
    public async Task<IReadOnlyList<Guid>> StalledAsync(TimeSpan silence, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select import_id from import_reverts where status = 'running' and heartbeat_at < now() - @silence");
        command.Parameters.AddWithValue("silence", silence);
        return await ReadAllAsync(command, r => r.GetGuid(0), cancellationToken);
    }

    private static async Task<List<T>> ReadAllAsync<T>(NpgsqlCommand command, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        var result = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(read(reader));
        }

        return result;
    }

    private static async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, IReadOnlyList<RevertEntryResult> results, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand("""
            insert into import_revert_entries (import_id, contact_id, outcome, reasons)
            select @import, contact_id, outcome, array(select jsonb_array_elements_text(reasons))
            from unnest(@ids, @outcomes, @reasons::jsonb[]) as r(contact_id, outcome, reasons)
            on conflict (import_id, contact_id) do nothing;
            update import_reverts set heartbeat_at = now() where import_id = @import
            """, connection, transaction);
        insert.Parameters.AddWithValue("import", importId);
        insert.Parameters.AddWithValue("ids", results.Select(r => r.ContactId).ToArray());
        insert.Parameters.AddWithValue("outcomes", results.Select(r => r.Outcome).ToArray());
        insert.Parameters.Add(new NpgsqlParameter("reasons", NpgsqlDbType.Array | NpgsqlDbType.Text)
        {
            Value = results.Select(r => System.Text.Json.JsonSerializer.Serialize(r.Reasons)).ToArray(),
        });
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }
}
