using System.Buffers;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// The import journal (<c>import_journal</c>): one entry per (import, contact), written in the transaction of each change
/// an import makes, on the batch path (<see cref="ContactBatchWriter"/>) and row by row (<see cref="ContactStore"/>), and read
/// and purged by the reverts (<see cref="ImportRevertStore"/>): every statement over the table is here. A later
/// change by the same import keeps the entry's first "before" (and "created") and replaces its "after".
/// </summary>
public static class ImportJournal
{
    /// <summary>The upsert of one entry (parameters: import, id, ws and the entry's own, prefixed so they join any command's).</summary>
    internal const string UpsertSql = """
        insert into import_journal (import_id, contact_id, workspace_id, created, before, after, first_at, last_at)
        values (@import, @id, @ws, @journal_created, @journal_before::jsonb, @journal_after::jsonb, @journal_at, @journal_at)
        on conflict (import_id, contact_id) do update set after = excluded.after, last_at = excluded.last_at
        """;

    internal static void AddEntryParameters(NpgsqlCommand command, ContactData? before, ContactData after, DateTimeOffset at)
    {
        command.Parameters.AddWithValue("journal_created", before is null);
        command.Parameters.Add(new NpgsqlParameter("journal_before", NpgsqlDbType.Text) { Value = before is null ? DBNull.Value : ToJson(before) });
        command.Parameters.AddWithValue("journal_after", ToJson(after));
        command.Parameters.AddWithValue("journal_at", at);
    }

    /// <summary>One contact's entry (<see cref="UpsertSql"/>) in the caller's transaction: a change made row by row.</summary>
    internal static async Task UpsertAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, Guid workspaceId, Guid contactId,
        ContactData? before, ContactData after, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var journal = new NpgsqlCommand(UpsertSql, connection, transaction);
        journal.Parameters.AddWithValue("import", importId);
        journal.Parameters.AddWithValue("id", contactId);
        journal.Parameters.AddWithValue("ws", workspaceId);
        AddEntryParameters(journal, before, after, at);
        await journal.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The number of entries of import <c>@import</c>, as a scalar subquery (a revert's total).</summary>
    internal const string CountSql = "select count(*) from import_journal where import_id = @import";

    /// <summary>The entries of an import its revert has not decided yet, at most <paramref name="limit"/>, in contact id order.</summary>
    internal static async Task<IReadOnlyList<JournalEntry>> UndecidedAsync(NpgsqlDataSource dataSource, Guid importId, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            select j.contact_id, j.before::text, j.after::text, j.last_at from import_journal j
            where j.import_id = @import
              and not exists (select 1 from import_revert_entries e where e.import_id = j.import_id and e.contact_id = j.contact_id)
            order by j.contact_id limit @limit
            """);
        command.Parameters.AddWithValue("import", importId);
        command.Parameters.AddWithValue("limit", limit);
        var entries = new List<JournalEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            entries.Add(new JournalEntry(reader.GetGuid(0), reader.IsDBNull(1) ? null : FromJson(reader.GetString(1)), FromJson(reader.GetString(2)),
                reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return entries;
    }

    /// <summary>
    /// Deletes the journals of imports that finished more than <paramref name="window"/> ago, except one whose revert is
    /// still running. Returns the entries deleted.
    /// </summary>
    internal static async Task<int> PurgeAsync(NpgsqlDataSource dataSource, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            delete from import_journal j using imports i
            where j.import_id = i.id and i.finished_at < now() - @window
              and not exists (select 1 from import_reverts r where r.import_id = i.id and r.status = 'running')
            """);
        command.Parameters.AddWithValue("window", window);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// A batch's entries: new contacts by <c>COPY</c> straight into the journal (a new contact's id has no entry yet), changed
    /// ones through a <c>COPY</c>-filled staging table and one upsert (the import may have changed them in an earlier batch).
    /// </summary>
    internal static async Task WriteBatchAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, Guid workspaceId,
        IReadOnlyList<PlannedContact> changes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var json = new JsonBuffer();
        var created = changes.Where(c => c.IsNew).ToList();
        if (created.Count > 0)
        {
            await using var copy = await connection.BeginBinaryImportAsync(
                "copy import_journal (import_id, contact_id, workspace_id, created, after, first_at, last_at) from stdin (format binary)", cancellationToken);
            foreach (var change in created)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(importId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(change.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(workspaceId, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(true, NpgsqlDbType.Boolean, cancellationToken);
                await copy.WriteAsync(json.Of(change.Data), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(now, NpgsqlDbType.TimestampTz, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        var updated = changes.Where(c => !c.IsNew).ToList();
        if (updated.Count == 0)
        {
            return;
        }

        await using (var stage = new NpgsqlCommand(
            "create temp table journal_stage (contact_id uuid, before jsonb, after jsonb) on commit drop", connection, transaction))
        {
            await stage.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("copy journal_stage (contact_id, before, after) from stdin (format binary)", cancellationToken))
        {
            foreach (var change in updated)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(change.Id, NpgsqlDbType.Uuid, cancellationToken);
                await copy.WriteAsync(json.Of(change.Stored!.Data), NpgsqlDbType.Jsonb, cancellationToken);
                await copy.WriteAsync(json.Of(change.Data), NpgsqlDbType.Jsonb, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using var upsert = new NpgsqlCommand("""
            insert into import_journal (import_id, contact_id, workspace_id, created, before, after, first_at, last_at)
            select @import, contact_id, @ws, false, before, after, @now, @now from journal_stage
            on conflict (import_id, contact_id) do update set after = excluded.after, last_at = excluded.last_at
            """, connection, transaction);
        upsert.Parameters.AddWithValue("import", importId);
        upsert.Parameters.AddWithValue("ws", workspaceId);
        upsert.Parameters.AddWithValue("now", now);
        await upsert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The mergeable data as one JSON object: name, phones, email, tags, custom (typed values), agent.</summary>
    public static string ToJson(ContactData data)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, data);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void Write(Utf8JsonWriter writer, ContactData data)
    {
        writer.WriteStartObject();
        writer.WriteString("name", data.Name);
        writer.WriteStartArray("phones");
        foreach (var phone in data.Phones)
        {
            writer.WriteStringValue(phone);
        }

        writer.WriteEndArray();
        writer.WriteString("email", data.Email);
        writer.WriteStartArray("tags");
        foreach (var tag in data.Tags)
        {
            writer.WriteStringValue(tag);
        }

        writer.WriteEndArray();
        writer.WritePropertyName("custom");
        writer.WriteRawValue(CustomJson.ToObject(data.Custom));
        if (data.AssignedAgentId is { } agent)
        {
            writer.WriteString("agent", agent);
        }
        else
        {
            writer.WriteNull("agent");
        }

        writer.WriteEndObject();
    }

    /// <summary>
    /// <see cref="ToJson"/>'s JSON as UTF-8, in one buffer reused for every entry of a batch's <c>COPY</c> (which copies each
    /// value into its own buffer as it is written): no string, stream or writer per entry.
    /// </summary>
    private sealed class JsonBuffer : IDisposable
    {
        private readonly ArrayBufferWriter<byte> _buffer = new(1024);
        private readonly Utf8JsonWriter _writer;

        public JsonBuffer() => _writer = new Utf8JsonWriter(_buffer);

        /// <summary>The entry's JSON, valid until the next call.</summary>
        public ReadOnlyMemory<byte> Of(ContactData data)
        {
            _buffer.ResetWrittenCount();
            _writer.Reset(_buffer);
            Write(_writer, data);
            _writer.Flush();
            return _buffer.WrittenMemory;
        }

        public void Dispose() => _writer.Dispose();
    }

    public static ContactData FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ContactData(
            root.GetProperty("name").GetString(),
            [.. root.GetProperty("phones").EnumerateArray().Select(p => p.GetString()!)],
            root.GetProperty("email").GetString(),
            [.. root.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!)],
            CustomJson.FromObject(root.GetProperty("custom").GetRawText()),
            root.GetProperty("agent").ValueKind == JsonValueKind.Null ? null : root.GetProperty("agent").GetGuid());
    }
}
