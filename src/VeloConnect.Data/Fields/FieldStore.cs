using Npgsql;
using VeloConnect.ContactRules.Fields;

namespace VeloConnect.Data.Fields;

/// <summary>Contact field definitions (Settings → Contact fields), in display order.</summary>
public sealed class FieldStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<FieldDefinition>> ListAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select key, label, type, options from contact_fields where workspace_id = @ws order by position, key");
        command.Parameters.AddWithValue("ws", workspaceId);
        var fields = new List<FieldDefinition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            fields.Add(new FieldDefinition(reader.GetString(0), reader.GetString(1), ParseType(reader.GetString(2)), reader.GetFieldValue<string[]>(3)));
        }

        return fields;
    }

    public async Task<FieldDefinition?> GetAsync(Guid workspaceId, string key, CancellationToken cancellationToken = default) =>
        (await ListAsync(workspaceId, cancellationToken)).FirstOrDefault(f => f.Key == key);

    /// <summary>Adds a field at the end; false when the key is taken.</summary>
    public async Task<bool> CreateAsync(Guid workspaceId, FieldDefinition field, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            insert into contact_fields (workspace_id, key, label, type, options, position)
            values (@ws, @key, @label, @type, @options, coalesce((select max(position) + 1 from contact_fields where workspace_id = @ws), 0))
            on conflict (workspace_id, key) do nothing
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", field.Key);
        command.Parameters.AddWithValue("label", field.Label);
        command.Parameters.AddWithValue("type", TypeName(field.Type));
        command.Parameters.AddWithValue("options", field.Options.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<bool> UpdateAsync(Guid workspaceId, FieldDefinition field, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update contact_fields set label = @label, options = @options, updated_at = now() where workspace_id = @ws and key = @key
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", field.Key);
        command.Parameters.AddWithValue("label", field.Label);
        command.Parameters.AddWithValue("options", field.Options.ToArray());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>How many contacts hold one of <paramref name="options"/> in the select field <paramref name="key"/>.</summary>
    public async Task<long> CountUsingOptionsAsync(Guid workspaceId, string key, IReadOnlyList<string> options, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select count(*) from contacts c
            where c.workspace_id = @ws and c.custom ? @key
              and (case jsonb_typeof(c.custom -> @key)
                     when 'array' then exists (select 1 from jsonb_array_elements_text(c.custom -> @key) v where v = any(@options))
                     else (c.custom ->> @key) = any(@options) end)
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("options", options.ToArray());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>
    /// Deletes a field and removes its values from every contact (bumping their version, so a contact grain holding
    /// an older state reloads before its next write). Returns how many contacts lost a value, or null if no such field.
    /// </summary>
    public async Task<int?> DeleteAsync(Guid workspaceId, string key, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand("delete from contact_fields where workspace_id = @ws and key = @key", connection, transaction))
        {
            delete.Parameters.AddWithValue("ws", workspaceId);
            delete.Parameters.AddWithValue("key", key);
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return null;
            }
        }

        int cleared;
        await using (var clear = new NpgsqlCommand("""
            update contacts set custom = custom - @key, version = version + 1, updated_at = now()
            where workspace_id = @ws and custom ? @key
            """, connection, transaction))
        {
            clear.Parameters.AddWithValue("ws", workspaceId);
            clear.Parameters.AddWithValue("key", key);
            cleared = await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return cleared;
    }

    public static string TypeName(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.Number => "number",
        FieldType.Date => "date",
        FieldType.Boolean => "boolean",
        FieldType.SingleSelect => "single_select",
        FieldType.MultiSelect => "multi_select",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    public static bool TryParseType(string? text, out FieldType type)
    {
        foreach (var candidate in Enum.GetValues<FieldType>())
        {
            if (string.Equals(TypeName(candidate), text, StringComparison.OrdinalIgnoreCase))
            {
                type = candidate;
                return true;
            }
        }

        type = default;
        return false;
    }

    private static FieldType ParseType(string text) => TryParseType(text, out var type) ? type : throw new InvalidOperationException($"Unknown field type '{text}' in the database.");
}
