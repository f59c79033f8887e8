using Npgsql;
using NpgsqlTypes;

namespace VeloConnect.Bench.Support;

/// <summary>One contact as the benchmarks put it straight into VeloConnect's tables: one phone (E.164), one email.</summary>
public sealed record ContactCopyRow(
    Guid Id, string Name, string Phone, string Email, string[] Tags, string CustomJson, string Source, Guid? AssignedAgentId,
    DateTimeOffset CreatedAt, DateTimeOffset LastActivityAt);

/// <summary>
/// Binary <c>COPY</c> of contacts and their identifiers into VeloConnect's real tables (every index in place), on the
/// caller's connection and transaction. Synchronous writes into the COPY buffer (Npgsql sends it as it fills): the
/// least client overhead per value, since what is timed around it is meant to be the database's own cost.
/// </summary>
public static class ContactsCopy
{
    /// <summary>The tables a contact's write goes to, for the benches' <c>vacuum analyze</c> and <c>truncate</c> statements.</summary>
    public const string Tables = "contacts, contact_search, contact_identifiers";

    /// <summary>
    /// The contacts: tags as written (tag keys the same, the bench's tags being lower case), version 1, updated at their last
    /// activity; then their rows of the text search (<c>contact_search</c>), search text as the product builds it.
    /// </summary>
    public static async Task CopyContactsAsync(NpgsqlConnection connection, Guid workspaceId, IReadOnlyList<ContactCopyRow> rows)
    {
        await CopyContactRowsAsync(connection, workspaceId, rows);
        await using var copy = await connection.BeginBinaryImportAsync(
            "copy contact_search (contact_id, workspace_id, search_text) from stdin (format binary)");
        foreach (var row in rows)
        {
            copy.StartRow();
            copy.Write(row.Id, NpgsqlDbType.Uuid);
            copy.Write(workspaceId, NpgsqlDbType.Uuid);
            copy.Write($"{row.Name} {row.Email} {row.Phone}".ToLowerInvariant(), NpgsqlDbType.Text);
        }

        await copy.CompleteAsync();
    }

    private static async Task CopyContactRowsAsync(NpgsqlConnection connection, Guid workspaceId, IReadOnlyList<ContactCopyRow> rows)
    {
        await using var copy = await connection.BeginBinaryImportAsync("""
            copy contacts (id, workspace_id, name, phones, email, tags, tag_keys, custom, source, assigned_agent_id,
                           created_at, last_activity_at, updated_at, version) from stdin (format binary)
            """);
        foreach (var row in rows)
        {
            copy.StartRow();
            copy.Write(row.Id, NpgsqlDbType.Uuid);
            copy.Write(workspaceId, NpgsqlDbType.Uuid);
            copy.Write(row.Name, NpgsqlDbType.Text);
            copy.Write(new[] { row.Phone }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(row.Email, NpgsqlDbType.Text);
            copy.Write(row.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(row.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
            copy.Write(row.CustomJson, NpgsqlDbType.Jsonb);
            copy.Write(row.Source, NpgsqlDbType.Text);
            if (row.AssignedAgentId is { } agent)
            {
                copy.Write(agent, NpgsqlDbType.Uuid);
            }
            else
            {
                copy.WriteNull();
            }

            copy.Write(row.CreatedAt, NpgsqlDbType.TimestampTz);
            copy.Write(row.LastActivityAt, NpgsqlDbType.TimestampTz);
            copy.Write(row.LastActivityAt, NpgsqlDbType.TimestampTz);
            copy.Write(1, NpgsqlDbType.Integer);
        }

        await copy.CompleteAsync();
    }

    /// <summary>Each contact's phone ('p') and lower-cased email ('e') in <c>contact_identifiers</c>.</summary>
    public static async Task CopyIdentifiersAsync(NpgsqlConnection connection, Guid workspaceId, IEnumerable<ContactCopyRow> rows)
    {
        await using var copy = await connection.BeginBinaryImportAsync("copy contact_identifiers (workspace_id, kind, value, contact_id) from stdin (format binary)");
        foreach (var row in rows)
        {
            foreach (var (kind, value) in new[] { ("p", row.Phone), ("e", row.Email.ToLowerInvariant()) })
            {
                copy.StartRow();
                copy.Write(workspaceId, NpgsqlDbType.Uuid);
                copy.Write(kind, NpgsqlDbType.Char);
                copy.Write(value, NpgsqlDbType.Text);
                copy.Write(row.Id, NpgsqlDbType.Uuid);
            }
        }

        await copy.CompleteAsync();
    }
}
