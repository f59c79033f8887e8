using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.Data.Audit;

namespace VeloConnect.Data.Imports;

/// <summary>The kinds of edit over an import's file (issue 14).</summary>
public static class ImportEditKind
{
    public const string Cell = "cell";
    public const string Drop = "drop";
    public const string Restore = "restore";
    public const string Replace = "replace";
    public const string Trim = "trim";
    public const string Prefix = "prefix";
    public const string Set = "set";

    public static readonly IReadOnlyList<string> All = [Cell, Drop, Restore, Replace, Trim, Prefix, Set];

    /// <summary>The kinds that change one column of many rows (those a filter applies to).</summary>
    public static bool IsBulk(string kind) => kind is Replace or Trim or Prefix or Set;
}

/// <summary>What an edit does, as stored (<c>import_edits.spec</c>): the fields its kind uses, the others null.</summary>
/// <param name="Row">cell, drop, restore: the row number.</param>
/// <param name="Column">every kind but drop/restore: the 0-based index of the file's column.</param>
/// <param name="Value">cell and set: the new value.</param>
public sealed record ImportEditSpec(int? Row = null, int? Column = null, string? Value = null, string? Find = null, string? Replace = null, string? Prefix = null);

/// <summary>
/// One stored edit. <paramref name="Rows"/>: the row numbers a bulk edit's filter resolved to when it was made
/// (null: every row; a single-row edit names its row in <see cref="ImportEditSpec.Row"/>).
/// </summary>
public sealed record ImportEdit(long Seq, string Kind, ImportEditSpec Spec, IReadOnlyList<int>? Rows, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? UndoneAt = null, int RowCount = 0)
{
    public bool IsUndone => UndoneAt is not null;
}

public enum ImportEditUndo
{
    Undone,
    NotFound,
    AlreadyUndone,
    ImportRan,
}

/// <summary>
/// The <c>import_edits</c> table (migration 0018): the edits made over an import's uploaded file before its run. An
/// edit or an undo is written only while the import is uploaded (the import's row is locked, so it cannot start
/// meanwhile), clears its review (<see cref="ImportReviewState.ClearAsync"/>) and is audited, in one transaction.
/// </summary>
public sealed class ImportEditStore(NpgsqlDataSource dataSource)
{
    /// <summary>Every edit of the import, undone ones included, in seq order (the order they apply in).</summary>
    public async Task<IReadOnlyList<ImportEdit>> ListAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select seq, kind, spec::text, rows, created_by, created_at, undone_at, row_count from import_edits where import_id = @id order by seq
            """);
        command.Parameters.AddWithValue("id", importId);
        var edits = new List<ImportEdit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            edits.Add(new ImportEdit(reader.GetInt64(0), reader.GetString(1), JsonSerializer.Deserialize<ImportEditSpec>(reader.GetString(2), ImportJson.Options)!,
                reader.IsDBNull(3) ? null : reader.GetFieldValue<int[]>(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
                reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7)));
        }

        return edits;
    }

    /// <summary>The import with its edits loaded, as the readers of its rows need it (<see cref="ImportRecord.Edits"/>).</summary>
    public async Task<ImportRecord> WithEditsAsync(ImportRecord import, CancellationToken cancellationToken = default) =>
        import with { Edits = await ListAsync(import.Id, cancellationToken) };

    /// <summary>Stores an edit; null when the import is no longer uploaded (it has started).</summary>
    public async Task<long?> AddAsync(ImportRecord import, Guid userId, string createdBy, string kind, ImportEditSpec spec, IReadOnlyList<int>? rows, int rowCount,
        CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockUploadedAsync(connection, transaction, import.Id, cancellationToken))
        {
            return null;
        }

        long seq;
        await using (var insert = new NpgsqlCommand("""
            insert into import_edits (import_id, kind, spec, rows, row_count, created_by) values (@id, @kind, @spec::jsonb, @rows, @count, @by) returning seq
            """, connection, transaction))
        {
            insert.Parameters.AddWithValue("id", import.Id);
            insert.Parameters.AddWithValue("kind", kind);
            insert.Parameters.AddWithValue("spec", JsonSerializer.Serialize(spec, ImportJson.Options));
            insert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows is null ? DBNull.Value : rows.ToArray() });
            insert.Parameters.AddWithValue("by", createdBy);
            insert.Parameters.AddWithValue("count", rowCount);
            seq = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await ImportReviewState.ClearAsync(connection, transaction, import.Id, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, import.WorkspaceId, userId, "import.edit", "import", import.Id.ToString(), new Dictionary<string, object?>
        {
            ["seq"] = seq,
            ["kind"] = kind,
            ["spec"] = spec,
            ["rowCount"] = rowCount,
        }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return seq;
    }

    /// <summary>Undoes one edit (it stays listed, marked undone).</summary>
    public async Task<ImportEditUndo> UndoAsync(ImportRecord import, long seq, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockUploadedAsync(connection, transaction, import.Id, cancellationToken))
        {
            return ImportEditUndo.ImportRan;
        }

        string kind;
        await using (var read = new NpgsqlCommand("select kind, undone_at is not null from import_edits where import_id = @id and seq = @seq for update", connection, transaction))
        {
            read.Parameters.AddWithValue("id", import.Id);
            read.Parameters.AddWithValue("seq", seq);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return ImportEditUndo.NotFound;
            }

            if (reader.GetBoolean(1))
            {
                return ImportEditUndo.AlreadyUndone;
            }

            kind = reader.GetString(0);
        }

        await using (var undo = new NpgsqlCommand("update import_edits set undone_at = now() where import_id = @id and seq = @seq", connection, transaction))
        {
            undo.Parameters.AddWithValue("id", import.Id);
            undo.Parameters.AddWithValue("seq", seq);
            await undo.ExecuteNonQueryAsync(cancellationToken);
        }

        await ImportReviewState.ClearAsync(connection, transaction, import.Id, cancellationToken);
        await AuditLog.WriteAsync(connection, transaction, import.WorkspaceId, userId, "import.edit_undone", "import", import.Id.ToString(),
            new Dictionary<string, object?> { ["seq"] = seq, ["kind"] = kind }, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return ImportEditUndo.Undone;
    }

    /// <summary>Locks the import's row while it is uploaded (a run marks it running only after this transaction ends).</summary>
    private static async Task<bool> LockUploadedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid id, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("select status from imports where id = @id for no key update", connection, transaction);
        command.Parameters.AddWithValue("id", id);
        return await command.ExecuteScalarAsync(cancellationToken) is ImportStatus.Uploaded;
    }
}

/// <summary>
/// The one place an import's review is cleared outside a new mapping or analysis (an edit, an undo): what was reviewed
/// no longer reads as the run will read it. Whatever the review stores with the import is cleared here too.
/// </summary>
public static class ImportReviewState
{
    public static async Task ClearAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid importId, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("update imports set reviewed_at = null where id = @id", connection, transaction);
        command.Parameters.AddWithValue("id", importId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
