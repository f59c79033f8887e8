using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Data.Contacts;

/// <summary>
/// Writes many planned contact changes inside a caller's transaction (an import batch, a bulk request): new contacts
/// and their identifiers by binary <c>COPY</c>, changed contacts through a <c>COPY</c>-filled staging table and one
/// version-checked <c>UPDATE</c>, freed identifiers in one <c>DELETE</c>. Opt-ins are never written here; the opt-outs of
/// the identifiers gained apply to the contacts that gain them by the database's own rule (migration 10). A contact written by someone else since it was read makes it
/// answer false (the caller rolls back); an identifier claimed meanwhile fails on the primary key.
/// </summary>
public static class ContactBatchWriter
{
    /// <summary>
    /// Errors that mean "someone else got there first" rather than a fault: an identifier claimed meanwhile (primary
    /// key) or a deadlock with another batch updating the same contacts in another order. The caller rolls back and
    /// writes the rows one by one through the contact grains.
    /// </summary>
    private static bool IsContention(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected;

    /// <summary>
    /// Writes the changes, and whatever <paramref name="alsoWrite"/> adds (an import's row results and progress), in one
    /// transaction of its own. Returns false, with nothing written, when a contact or identifier changed since it was read.
    /// With <paramref name="journalImportId"/>, each change is also journaled under that import (see <see cref="ImportJournal"/>).
    /// </summary>
    public static async Task<bool> WriteInTransactionAsync(NpgsqlDataSource dataSource, Guid workspaceId, string source, IReadOnlyList<PlannedContact> changes,
        DateTimeOffset now, Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoWrite = null, Guid? journalImportId = null,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (!await WriteAsync(connection, transaction, workspaceId, source, changes, now, journalImportId, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }

            if (alsoWrite is not null)
            {
                await alsoWrite(connection, transaction);
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (IsContention(e))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
    }

    public static async Task<bool> WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, string source,
        IReadOnlyList<PlannedContact> changes, DateTimeOffset now, Guid? journalImportId = null, CancellationToken cancellationToken = default)
    {
        var updates = changes.Where(c => !c.IsNew).ToList();
        if (updates.Count > 0 && !await UpdateAsync(connection, transaction, workspaceId, updates, now, cancellationToken))
        {
            return false;
        }

        var removed = changes.SelectMany(c => c.Removed.Select(i => (c.Id, Identifier: i))).ToList();
        var gained = changes.SelectMany(c => c.Added.Select(i => (c.Id, Identifier: i))).ToList();
        if (removed.Count > 0)
        {
            await using var delete = new NpgsqlCommand("""
                delete from contact_identifiers i using unnest(@ids, @kinds, @values) as r(contact_id, kind, value)
                where i.workspace_id = @ws and i.kind = r.kind and i.value = r.value and i.contact_id = r.contact_id
                """, connection, transaction);
            AddIdentifierParameters(delete, workspaceId, removed);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        var created = changes.Where(c => c.IsNew).ToList();
        await InsertContactsAsync(connection, workspaceId, source, created, now, cancellationToken);
        await InsertSearchAsync(connection, workspaceId, created, cancellationToken);
        await InsertIdentifiersAsync(connection, workspaceId, gained, cancellationToken);

        if (journalImportId is { } importId && changes.Count > 0)
        {
            await ImportJournal.WriteBatchAsync(connection, transaction, importId, workspaceId, changes, now, cancellationToken);
        }

        return true;
    }

    /// <summary>Writes the changed contacts if each still has the version the plan read; false if any moved.</summary>
    private static async Task<bool> UpdateAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid workspaceId, IReadOnlyList<PlannedContact> updates, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using (var stage = new NpgsqlCommand("""
            create temp table import_stage (id uuid, expected integer, name text, phones text[], email text, tags text[], tag_keys text[],
                                            custom jsonb, agent uuid, version integer, search text) on commit drop
            """, connection, transaction))
        {
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }

        var searchChanged = false;
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy import_stage (id, expected, name, phones, email, tags, tag_keys, custom, agent, version, search) from stdin (format binary)", cancellationToken))
        {
            foreach (var change in updates)
            {
                var data = change.Data;
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(change.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(change.Stored!.Version, NpgsqlDbType.Integer, cancellationToken);
                await WriteDataAsync(copy, data, cancellationToken);
                await copy.WriteAsync(change.Stored.Version + 1, NpgsqlDbType.Integer, cancellationToken);
                // The search text only when the change rewrites it (most merges add tags or custom values, not names).
                if (ContactStore.SameSearchText(change.Stored.Data, data))
                {
                    await copy.WriteNullAsync(cancellationToken);
                }
                else
                {
                    searchChanged = true;
                    await copy.WriteAsync(ContactStore.SearchText(data), NpgsqlDbType.Text, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using var update = new NpgsqlCommand("""
            update contacts c set name = s.name, phones = s.phones, email = s.email, tags = s.tags, tag_keys = s.tag_keys, custom = s.custom,
                assigned_agent_id = s.agent, last_activity_at = @now, updated_at = @now, version = s.version
            from import_stage s
            where c.id = s.id and c.workspace_id = @ws and c.version = s.expected
            """, connection, transaction);
        update.Parameters.AddWithValue("ws", workspaceId);
        update.Parameters.AddWithValue("now", now);
        if (await update.ExecuteNonQueryAsync(cancellationToken) != updates.Count)
        {
            return false;
        }

        if (searchChanged)
        {
            await using var search = new NpgsqlCommand("""
                insert into contact_search (contact_id, workspace_id, search_text)
                select s.id, @ws, s.search from import_stage s where s.search is not null
                """ + ContactStore.SearchRewriteSql, connection, transaction);
            search.Parameters.AddWithValue("ws", workspaceId);
            await search.ExecuteNonQueryAsync(cancellationToken);
        }

        return true;
    }

    private static Task InsertContactsAsync(NpgsqlConnection connection, Guid workspaceId, string source, IReadOnlyList<PlannedContact> created, DateTimeOffset now, CancellationToken cancellationToken) =>
        CopyAsync(connection, """
            copy contacts (id, workspace_id, name, phones, email, tags, tag_keys, custom, assigned_agent_id, source,
                           created_at, last_activity_at, updated_at, version) from stdin (format binary)
            """, created, async (copy, contact) =>
            {
                await copy.WriteAsync(contact.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(workspaceId, NpgsqlDbType.Uuid, cancellationToken);
                await WriteDataAsync(copy, contact.Data, cancellationToken);
                await copy.WriteAsync(source, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(1, NpgsqlDbType.Integer, cancellationToken);
            }, cancellationToken);

    /// <summary>The new contacts' rows of the text search (migration 23).</summary>
    private static Task InsertSearchAsync(NpgsqlConnection connection, Guid workspaceId, IReadOnlyList<PlannedContact> created, CancellationToken cancellationToken) =>
        CopyAsync(connection, "copy contact_search (contact_id, workspace_id, search_text) from stdin (format binary)", created, async (copy, contact) =>
        {
            await copy.WriteAsync(contact.Id, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(workspaceId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(ContactStore.SearchText(contact.Data), NpgsqlDbType.Text, cancellationToken);
        }, cancellationToken);

    private static Task InsertIdentifiersAsync(NpgsqlConnection connection, Guid workspaceId, IReadOnlyList<(Guid Id, Identifier Identifier)> gained, CancellationToken cancellationToken) =>
        CopyAsync(connection, "copy contact_identifiers (workspace_id, kind, value, contact_id) from stdin (format binary)", gained, async (copy, item) =>
        {
            await copy.WriteAsync(workspaceId, NpgsqlDbType.Uuid, cancellationToken);
            await copy.WriteAsync(ContactStore.KindCode(item.Identifier.Kind), NpgsqlDbType.Char, cancellationToken);
            await copy.WriteAsync(item.Identifier.Key, NpgsqlDbType.Text, cancellationToken);
            await copy.WriteAsync(item.Id, NpgsqlDbType.Uuid, cancellationToken);
        }, cancellationToken);

    /// <summary>One binary <c>COPY</c> of <paramref name="rows"/>, a row each (<paramref name="writeRow"/> writes its columns); none for no rows.</summary>
    private static async Task CopyAsync<T>(NpgsqlConnection connection, string copySql, IReadOnlyList<T> rows, Func<NpgsqlBinaryImporter, T, Task> writeRow, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var copy = await connection.BeginBinaryImportAsync(copySql, cancellationToken);
        foreach (var row in rows)
        {
            await copy.StartRowAsync(cancellationToken);
            await writeRow(copy, row);
        }

        await copy.CompleteAsync(cancellationToken);
    }

    /// <summary>The mergeable data, in the column order both COPYs share: name, phones, email, tags, tag keys, custom, agent.</summary>
    private static async Task WriteDataAsync(NpgsqlBinaryImporter copy, ContactData data, CancellationToken cancellationToken)
    {
        await WriteTextAsync(copy, data.Name, cancellationToken);
        await copy.WriteAsync(data.Phones.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await WriteTextAsync(copy, data.Email, cancellationToken);
        await copy.WriteAsync(data.Tags.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(data.Tags.Select(Tags.Key).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(CustomJson.ToObject(data.Custom), NpgsqlDbType.Jsonb, cancellationToken);
        await WriteUuidAsync(copy, data.AssignedAgentId, cancellationToken);
    }

    internal static async Task WriteTextAsync(NpgsqlBinaryImporter copy, string? value, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken);
        }
        else
        {
            await copy.WriteAsync(value, NpgsqlDbType.Text, cancellationToken);
        }
    }

    internal static async Task WriteUuidAsync(NpgsqlBinaryImporter copy, Guid? value, CancellationToken cancellationToken)
    {
        if (value is { } id)
        {
            await copy.WriteAsync(id, NpgsqlDbType.Uuid, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }
    }

    private static void AddIdentifierParameters(NpgsqlCommand command, Guid workspaceId, IReadOnlyList<(Guid Id, Identifier Identifier)> identifiers)
    {
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", identifiers.Select(i => i.Id).ToArray());
        command.Parameters.AddWithValue("kinds", identifiers.Select(i => ContactStore.KindCode(i.Identifier.Kind)).ToArray());
        command.Parameters.AddWithValue("values", identifiers.Select(i => i.Identifier.Key).ToArray());
    }
}
