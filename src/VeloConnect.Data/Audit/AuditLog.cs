using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace VeloConnect.Data.Audit;

public sealed record AuditEntry(long Id, DateTimeOffset At, Guid? UserId, string Action, string? EntityType, string? EntityId, JsonElement Details);

public sealed record AuditQuery(string? Action = null, Guid? UserId = null, string? EntityId = null, DateTimeOffset? From = null, DateTimeOffset? To = null, long? Before = null, int Limit = 50);

/// <summary>The append-only record of who did what. Nothing updates or deletes a row.</summary>
public sealed class AuditLog(NpgsqlDataSource dataSource)
{
    public async Task WriteAsync(Guid workspaceId, Guid? userId, string action, string? entityType, string? entityId, IReadOnlyDictionary<string, object?> details, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await WriteAsync(connection, null, workspaceId, userId, action, entityType, entityId, details, cancellationToken);
    }

    /// <summary>Writes within a caller's transaction, so the change and its audit row commit together.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid workspaceId, Guid? userId, string action, string? entityType, string? entityId, IReadOnlyDictionary<string, object?> details, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("""
            insert into audit_log (workspace_id, user_id, action, entity_type, entity_id, details)
            values (@ws, @user, @action, @type, @entity, @details::jsonb)
            """, connection, transaction);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.Add(new NpgsqlParameter("user", NpgsqlDbType.Uuid) { Value = (object?)userId ?? DBNull.Value });
        command.Parameters.AddWithValue("action", action);
        command.Parameters.Add(new NpgsqlParameter("type", NpgsqlDbType.Text) { Value = (object?)entityType ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("entity", NpgsqlDbType.Text) { Value = (object?)entityId ?? DBNull.Value });
        command.Parameters.AddWithValue("details", JsonSerializer.Serialize(details));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Newest first; <see cref="AuditQuery.Before"/> is the id of the last entry of the previous page.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ListAsync(Guid workspaceId, AuditQuery query, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand();
        var where = "workspace_id = @ws";
        command.Parameters.AddWithValue("ws", workspaceId);
        if (query.Action is not null)
        {
            // "import" matches "import.started" and "import.finished"; a full name matches itself.
            where += " and (action = @action or action like @action_prefix)";
            command.Parameters.AddWithValue("action", query.Action);
            command.Parameters.AddWithValue("action_prefix", query.Action + ".%");
        }

        if (query.UserId is { } user)
        {
            where += " and user_id = @user";
            command.Parameters.AddWithValue("user", user);
        }

        if (query.EntityId is not null)
        {
            where += " and entity_id = @entity";
            command.Parameters.AddWithValue("entity", query.EntityId);
        }

        if (query.From is { } from)
        {
            where += " and at >= @from";
            command.Parameters.AddWithValue("from", from);
        }

        if (query.To is { } to)
        {
            where += " and at < @to";
            command.Parameters.AddWithValue("to", to);
        }

        if (query.Before is { } before)
        {
            where += " and id < @before";
            command.Parameters.AddWithValue("before", before);
        }

        command.CommandText = $"select id, at, user_id, action, entity_type, entity_id, details::text from audit_log where {where} order by id desc limit @limit";
        command.Parameters.AddWithValue("limit", query.Limit);
        var entries = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            using var details = JsonDocument.Parse(reader.GetString(6));
            entries.Add(new AuditEntry(reader.GetInt64(0), reader.GetFieldValue<DateTimeOffset>(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), details.RootElement.Clone()));
        }

        return entries;
    }
}
