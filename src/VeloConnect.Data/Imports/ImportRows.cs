using Npgsql;
using NpgsqlTypes;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// The rows' results of imports (<c>import_rows</c>): every statement that writes or reads the table is here, and the
/// stores call it with their own connection and transaction, so a row's result commits with the change it caused. A row
/// is recorded once (the primary key); migration 0012 refuses rows of an import that is no longer running.
/// </summary>
public static class ImportRows
{
    /// <summary>
    /// The insert of one row's result (parameters: import, row, outcome, id (the contact), warnings; see
    /// <see cref="AddParameters"/>), to run alone or in a command of several statements.
    /// </summary>
    internal const string InsertOneSql = """
        insert into import_rows (import_id, row_number, outcome, contact_id, warnings) values (@import, @row, @outcome, @id, @warnings)
        on conflict (import_id, row_number) do nothing
        """;

    /// <summary>Counts the recorded rows of import <c>@id</c> by outcome, as a <c>counts</c> CTE (added, updated, skipped, invalid).</summary>
    internal const string CountsSql = """
        with counts as (
            select count(*) filter (where outcome = 'added') as added, count(*) filter (where outcome = 'updated') as updated,
                   count(*) filter (where outcome = 'skipped') as skipped, count(*) filter (where outcome = 'invalid') as invalid
            from import_rows where import_id = @id)
        """;

    /// <summary><see cref="InsertOneSql"/>'s parameters but the contact's (<c>id</c>, which the command may share).</summary>
    internal static void AddParameters(NpgsqlCommand command, ImportRowKey row, string outcome, IReadOnlyList<string>? warnings)
    {
        command.Parameters.AddWithValue("import", row.ImportId);
        command.Parameters.AddWithValue("row", row.RowNumber);
        command.Parameters.AddWithValue("outcome", outcome);
        command.Parameters.AddWithValue("warnings", (warnings ?? []).ToArray());
    }

    /// <summary>An import row's result, committed with the contact change it caused (exactly once, by the primary key).</summary>
    internal static async Task InsertOneAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ImportRowKey row, string outcome, Guid contactId,
        IReadOnlyList<string>? warnings, CancellationToken cancellationToken)
    {
        await using var insert = new NpgsqlCommand(InsertOneSql, connection, transaction);
        insert.Parameters.AddWithValue("id", contactId);
        AddParameters(insert, row, outcome, warnings);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A batch's rows by binary <c>COPY</c> in the caller's transaction (a row recorded already fails the batch).</summary>
    internal static async Task CopyAsync(NpgsqlConnection connection, Guid importId, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await OutcomeRows.CopyAsync(connection, "import_rows (import_id, row_number, outcome, contact_id, duplicate_of, reasons, warnings)", importId,
            rows.Select(r => new OutcomeRow(r.RowNumber, r.Outcome, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings)), cancellationToken);
    }

    /// <summary>Records rows that changed no contact (skipped, invalid, unchanged); a row already recorded stays as it was.</summary>
    internal static async Task InsertAsync(NpgsqlDataSource dataSource, Guid importId, IReadOnlyList<ImportRowResult> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("""
            insert into import_rows (import_id, row_number, outcome, contact_id, duplicate_of, reasons, warnings)
            select @id, r.row_number, r.outcome, r.contact_id, r.duplicate_of, coalesce(string_to_array(r.reasons, E'\x1f'), '{}'), coalesce(string_to_array(r.warnings, E'\x1f'), '{}')
            from unnest(@rows, @outcomes, @contacts, @duplicates, @reasons, @warnings) as r(row_number, outcome, contact_id, duplicate_of, reasons, warnings)
            on conflict (import_id, row_number) do nothing
            """);
        command.Parameters.AddWithValue("id", importId);
        command.Parameters.AddWithValue("rows", rows.Select(r => r.RowNumber).ToArray());
        command.Parameters.AddWithValue("outcomes", rows.Select(r => r.Outcome).ToArray());
        command.Parameters.Add(new NpgsqlParameter("contacts", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = rows.Select(r => r.ContactId).ToArray() });
        command.Parameters.Add(new NpgsqlParameter("duplicates", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows.Select(r => r.DuplicateOf).ToArray() });
        // Arrays of arrays do not unnest; join each row's texts with a unit separator that no CSV text contains.
        command.Parameters.AddWithValue("reasons", rows.Select(r => r.Reasons.Count == 0 ? null : string.Join('\x1f', r.Reasons)).ToArray());
        command.Parameters.AddWithValue("warnings", rows.Select(r => r.Warnings.Count == 0 ? null : string.Join('\x1f', r.Warnings)).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The numbers of the rows already recorded (a resumed job skips them).</summary>
    internal static async Task<HashSet<int>> NumbersAsync(NpgsqlDataSource dataSource, Guid importId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("select row_number from import_rows where import_id = @id");
        command.Parameters.AddWithValue("id", importId);
        var rows = new HashSet<int>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(reader.GetInt32(0));
        }

        return rows;
    }

    /// <summary>The recorded rows that match <paramref name="filter"/> (a condition on <c>@filter</c>, bound to <paramref name="values"/>), in file order.</summary>
    internal static async Task<IReadOnlyList<ImportRowResult>> ReadAsync(NpgsqlDataSource dataSource, Guid importId, string filter, Array values, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            select row_number, outcome, contact_id, duplicate_of, reasons, warnings from import_rows
            where import_id = @id and {filter} order by row_number
            """);
        command.Parameters.AddWithValue("id", importId);
        command.Parameters.AddWithValue("filter", values);
        var rows = new List<ImportRowResult>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new ImportRowResult(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2),
                reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5)));
        }

        return rows;
    }
}
