using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Audit;

namespace VeloConnect.Data.Imports;

/// <summary>The kinds of edit over an import's file (issue 14).</summary>
public static class ImportEditKind
{
    public const string Cell = "cell";
    public const string Drop = "drop";
    public const string Restore = "restore";
    public const string Replace = ColumnFixes.Replace;
    public const string Trim = ColumnFixes.Trim;
    public const string Prefix = ColumnFixes.Prefix;
    public const string Set = ColumnFixes.Set;

    public static readonly IReadOnlyList<string> All = [Cell, Drop, Restore, Replace, Trim, Prefix, Set];

    /// <summary>The kinds that change one column of many rows (those a filter applies to).</summary>
    public static bool IsBulk(string kind) => ColumnFixes.IsColumnFix(kind);
}

/// <summary>What an edit does, as stored (<c>import_edits.spec</c>): the fields its kind uses, the others null.</summary>
/// <param name="Row">cell, drop, restore: the row number.</param>
/// <param name="Column">every kind but drop/restore: the 0-based index of the file's column.</param>
/// <param name="Value">cell and set: the new value.</param>
/// <param name="Filter">a bulk edit's filter as given (its rows are resolved into <see cref="ImportEdit.Rows"/>); kept so a recipe can judge it again on another file.</param>
public sealed record ImportEditSpec(int? Row = null, int? Column = null, string? Value = null, string? Find = null, string? Replace = null, string? Prefix = null,
    RowFilter? Filter = null);

/// <summary>
/// One stored edit. <paramref name="Rows"/>: the row numbers a bulk edit's filter resolved to when it was made
/// (null: every row; a single-row edit names its row in <see cref="ImportEditSpec.Row"/>).
/// </summary>
public sealed record ImportEdit(long Seq, string Kind, ImportEditSpec Spec, IReadOnlyList<int>? Rows, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? UndoneAt = null, int RowCount = 0)
{
    public bool IsUndone => UndoneAt is not null;

    /// <summary>The undo's number in the edits' sequence (null: not undone, or undone before migration 0020).</summary>
    public long? UndoneSeq { get; init; }

    /// <summary>Who undid it (null: not undone, or undone before migration 0020).</summary>
    public string? UndoneBy { get; init; }
}

public enum ImportEditUndo
{
    Undone,
    NotFound,
    AlreadyUndone,
    ImportRan,
}

/// <summary>
/// The newest change of an import's edits: an edit made (<paramref name="Undone"/> false) or undone, its number in the edits'
/// sequence (<paramref name="Version"/>: the seq, or the undo's own number), who and when, and the edit.
/// </summary>
public sealed record ImportEditChange(long Version, ImportEdit Edit, bool Undone, string By, DateTimeOffset At);

/// <summary>
/// The transaction an edit or an undo runs in (<see cref="ImportEditStore.BeginAsync"/>): it holds the import's row
/// (<c>for no key update</c>), so edits, undos, reviews and the run's start of one import happen one at a time, and what it
/// read of the import (uploaded, reviewed, the newest change) stays true until it commits. Disposed without
/// <see cref="CommitAsync"/>, nothing is kept.
/// </summary>
public sealed class ImportEditTransaction : IAsyncDisposable
{
    internal ImportEditTransaction(Guid importId, NpgsqlConnection connection, NpgsqlTransaction transaction) =>
        (ImportId, Connection, Transaction) = (importId, connection, transaction);

    public Guid ImportId { get; }

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    /// <summary>The import is uploaded (not started): edits may be written.</summary>
    public bool IsUploaded { get; internal set; }

    /// <summary>The import has a kept review (<c>reviewed_at</c> set): its rows are the current edits' review.</summary>
    public bool IsReviewed { get; internal set; }

    /// <summary>The newest edit or undo of the import (null: none yet).</summary>
    public ImportEditChange? Latest { get; internal set; }

    public Task CommitAsync(CancellationToken cancellationToken = default) => Transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Transaction.DisposeAsync();
        await Connection.DisposeAsync();
    }
}

/// <summary>
/// The <c>import_edits</c> table (migrations 0018, 0020): the edits made over an import's uploaded file before its run. An
/// edit or an undo is written in an <see cref="ImportEditTransaction"/> only while the import is uploaded (the import's row is
/// locked, so it cannot start meanwhile), is audited, and either keeps the review (re-reviewed in the same transaction) or
/// clears it (<see cref="ImportReviewState.ClearAsync"/>).
/// </summary>
public sealed class ImportEditStore(NpgsqlDataSource dataSource)
{
    private const string SelectEdits = "select seq, kind, spec::text, rows, created_by, created_at, undone_at, row_count, undone_seq, undone_by from import_edits";

    /// <summary>Every edit of the import, undone ones included, in seq order (the order they apply in).</summary>
    public async Task<IReadOnlyList<ImportEdit>> ListAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await ListAsync(connection, null, importId, cancellationToken);
    }

    /// <summary>The edits, as <see cref="ListAsync(Guid, CancellationToken)"/>, read in the transaction that holds the import.</summary>
    public static Task<IReadOnlyList<ImportEdit>> ListAsync(ImportEditTransaction held, CancellationToken cancellationToken = default) =>
        ListAsync(held.Connection, held.Transaction, held.ImportId, cancellationToken);

    private static async Task<IReadOnlyList<ImportEdit>> ListAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid importId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"{SelectEdits} where import_id = @id order by seq", connection, transaction);
        command.Parameters.AddWithValue("id", importId);
        var edits = new List<ImportEdit>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            edits.Add(ReadEdit(reader));
        }

        return edits;
    }

    /// <summary>The number of the newest edit or undo in <paramref name="edits"/> (0: none): what a review of them read.</summary>
    public static long Version(IEnumerable<ImportEdit> edits) => edits.Select(e => Math.Max(e.Seq, e.UndoneSeq ?? 0)).DefaultIfEmpty(0).Max();

    /// <summary>The import with its edits loaded, as the readers of its rows need it (<see cref="ImportRecord.Edits"/>).</summary>
    public async Task<ImportRecord> WithEditsAsync(ImportRecord import, CancellationToken cancellationToken = default) =>
        import with { Edits = await ListAsync(import.Id, cancellationToken) };

    /// <summary>Starts an edit's transaction: locks the import's row and reads whether it is uploaded and reviewed, and its newest change.</summary>
    public async Task<ImportEditTransaction> BeginAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        ImportEditTransaction? held = null;
        try
        {
            held = new ImportEditTransaction(importId, connection, await connection.BeginTransactionAsync(cancellationToken));
            await using var command = new NpgsqlCommand($"""
                select status = '{ImportStatus.Uploaded}', reviewed_at is not null from imports where id = @id for no key update;
                {SelectEdits} where import_id = @id order by greatest(seq, coalesce(undone_seq, 0)) desc limit 1
                """, connection, held.Transaction);
            command.Parameters.AddWithValue("id", importId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                held.IsUploaded = reader.GetBoolean(0);
                held.IsReviewed = reader.GetBoolean(1);
            }

            await reader.NextResultAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                var edit = ReadEdit(reader);
                held.Latest = edit is { UndoneSeq: { } undoneSeq, UndoneAt: { } undoneAt }
                    ? new ImportEditChange(undoneSeq, edit, true, edit.UndoneBy ?? edit.CreatedBy, undoneAt)
                    : new ImportEditChange(edit.Seq, edit, false, edit.CreatedBy, edit.CreatedAt);
            }

            return held;
        }
        catch
        {
            if (held is not null)
            {
                await held.DisposeAsync();
            }
            else
            {
                await connection.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>Stores an edit in the held transaction (the import must be uploaded), with its audit row; answers its seq.</summary>
    public static async Task<long> InsertAsync(ImportEditTransaction held, Guid workspaceId, Guid userId, string createdBy, string kind, ImportEditSpec spec,
        IReadOnlyList<int>? rows, int rowCount, CancellationToken cancellationToken = default)
    {
        long seq;
        await using (var insert = new NpgsqlCommand("""
            insert into import_edits (import_id, kind, spec, rows, row_count, created_by) values (@id, @kind, @spec::jsonb, @rows, @count, @by) returning seq
            """, held.Connection, held.Transaction))
        {
            insert.Parameters.AddWithValue("id", held.ImportId);
            insert.Parameters.AddWithValue("kind", kind);
            insert.Parameters.AddWithValue("spec", JsonSerializer.Serialize(spec, ImportJson.Options));
            insert.Parameters.Add(new NpgsqlParameter("rows", NpgsqlDbType.Array | NpgsqlDbType.Integer) { Value = rows is null ? DBNull.Value : rows.ToArray() });
            insert.Parameters.AddWithValue("by", createdBy);
            insert.Parameters.AddWithValue("count", rowCount);
            seq = (long)(await insert.ExecuteScalarAsync(cancellationToken))!;
        }

        await AuditLog.WriteAsync(held.Connection, held.Transaction, workspaceId, userId, "import.edit", "import", held.ImportId.ToString(), new Dictionary<string, object?>
        {
            ["seq"] = seq,
            ["kind"] = kind,
            ["spec"] = spec,
            ["rowCount"] = rowCount,
        }, cancellationToken);
        return seq;
    }

    /// <summary>Undoes one edit in the held transaction (it stays listed, marked undone, with who undid it), with its audit row.</summary>
    public static async Task<(ImportEditUndo Result, ImportEdit? Edit)> UndoAsync(ImportEditTransaction held, Guid workspaceId, long seq, Guid userId, string undoneBy,
        CancellationToken cancellationToken = default)
    {
        ImportEdit edit;
        await using (var read = new NpgsqlCommand($"{SelectEdits} where import_id = @id and seq = @seq for update", held.Connection, held.Transaction))
        {
            read.Parameters.AddWithValue("id", held.ImportId);
            read.Parameters.AddWithValue("seq", seq);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (ImportEditUndo.NotFound, null);
            }

            edit = ReadEdit(reader);
            if (edit.IsUndone)
            {
                return (ImportEditUndo.AlreadyUndone, edit);
            }
        }

        // The undo's own number comes from the edits' sequence: the newest change of the import is one number.
        await using (var undo = new NpgsqlCommand("""
            update import_edits set undone_at = now(), undone_by = @by, undone_seq = nextval(pg_get_serial_sequence('import_edits', 'seq'))
            where import_id = @id and seq = @seq
            """, held.Connection, held.Transaction))
        {
            undo.Parameters.AddWithValue("id", held.ImportId);
            undo.Parameters.AddWithValue("seq", seq);
            undo.Parameters.AddWithValue("by", undoneBy);
            await undo.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.WriteAsync(held.Connection, held.Transaction, workspaceId, userId, "import.edit_undone", "import", held.ImportId.ToString(),
            new Dictionary<string, object?> { ["seq"] = seq, ["kind"] = edit.Kind }, cancellationToken);
        return (ImportEditUndo.Undone, edit);
    }

    private static ImportEdit ReadEdit(NpgsqlDataReader reader) =>
        new(reader.GetInt64(0), reader.GetString(1), JsonSerializer.Deserialize<ImportEditSpec>(reader.GetString(2), ImportJson.Options)!,
            reader.IsDBNull(3) ? null : reader.GetFieldValue<int[]>(3), reader.GetString(4), reader.GetFieldValue<DateTimeOffset>(5),
            reader.IsDBNull(6) ? null : reader.GetFieldValue<DateTimeOffset>(6), reader.GetInt32(7))
        {
            UndoneSeq = reader.IsDBNull(8) ? null : reader.GetInt64(8),
            UndoneBy = reader.IsDBNull(9) ? null : reader.GetString(9),
        };
}

/// <summary>
/// The one place an import's review is cleared outside a new mapping or analysis (an edit, an undo): what was reviewed
/// no longer reads as the run will read it. Whatever the review stores with the import is cleared here too.
/// </summary>
public static class ImportReviewState
{
    public static async Task ClearAsync(ImportEditTransaction held, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("update imports set reviewed_at = null where id = @id", held.Connection, held.Transaction);
        command.Parameters.AddWithValue("id", held.ImportId);
        await command.ExecuteNonQueryAsync(cancellationToken);
        held.IsReviewed = false;
    }
}
