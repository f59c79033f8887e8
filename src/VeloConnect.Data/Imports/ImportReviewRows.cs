using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// One row of a review as kept: its outcome, reasons and warnings, the contact it updates, the row it duplicates, its cells as read;
/// <paramref name="Identifiers"/> the normalised identifiers it takes part in the duplicates and the matching with
/// (<see cref="ContactRules.Contacts.Identifier.ToString"/>; none for an invalid or dropped row), <paramref name="DroppedBy"/> who dropped it,
/// <paramref name="OriginalCells"/> the row as uploaded when an edit changed its cells (null: <paramref name="Cells"/> are).
/// </summary>
public sealed record ReviewedRow(int RowNumber, string Outcome, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons,
    IReadOnlyList<string> Warnings, IReadOnlyList<string> Cells, bool Edited, IReadOnlyList<string>? Identifiers = null, string? DroppedBy = null,
    IReadOnlyList<string>? OriginalCells = null)
{
    /// <summary>The row as uploaded, before the edits.</summary>
    public IReadOnlyList<string> Uploaded => OriginalCells ?? Cells;
}

/// <summary>How many rows of a review end each way, and how many warnings its added and updated rows carry.</summary>
public sealed record ReviewTally(ImportCounts Counts, int WarningCount);

/// <summary>
/// Which rows of a review to read: <paramref name="Outcome"/> one of <see cref="Outcomes"/> (<see cref="Warning"/>: valid rows
/// with at least one warning), <paramref name="Reason"/> text in a reason or warning, <paramref name="Text"/> text in a cell
/// (both case-insensitive); each null: any.
/// </summary>
public sealed record ReviewRowFilter(string? Outcome = null, string? Reason = null, string? Text = null)
{
    public const string Warning = "warning";

    public static readonly IReadOnlyList<string> Outcomes = [ImportOutcome.Added, ImportOutcome.Updated, ImportOutcome.Skipped, ImportOutcome.Invalid, Warning];
}

/// <summary>A page of a review's rows (row number ascending), the row number to read after for the next page (null: none), and how many rows match.</summary>
public sealed record ReviewRowsPage(IReadOnlyList<ReviewedRow> Rows, int? Next, int Total);

/// <summary>
/// Every row of an import's current review (<c>import_review_rows</c>, migration 0017). A review writes its rows through a
/// <see cref="ReviewRowsWriter"/>: one transaction that holds the import's row, replaces the previous review's rows by one
/// binary <c>COPY</c> streamed as the review goes, and marks the import reviewed when it commits; so the rows there are always
/// the current review's. Whatever clears <c>reviewed_at</c> clears them (the migration's trigger); a discarded or purged
/// import takes them with it.
/// </summary>
public sealed class ImportReviewRows(NpgsqlDataSource dataSource)
{
    private const string Columns = "import_id, row_number, outcome, contact_id, duplicate_of, reasons, warnings, cells, edited, identifiers, dropped_by, original_cells";
    private const string ReadColumns = "row_number, outcome, contact_id, duplicate_of, reasons, warnings, cells, edited, identifiers, dropped_by, original_cells";

    /// <summary>
    /// Starts keeping a review of <paramref name="mapping"/>: null when it cannot count (the import has started or its mapping
    /// changed meanwhile; the review is then an answer only). Until the writer commits or is disposed, the import cannot
    /// change (a new mapping or a run waits for it). <paramref name="editsVersion"/>: the newest edit or undo the review read
    /// (<see cref="ImportEditStore.Version"/>); null too when the edits changed since.
    /// </summary>
    public async Task<ReviewRowsWriter?> BeginAsync(Guid importId, ImportMapping mapping, long editsVersion, CancellationToken cancellationToken = default)
    {
        var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        NpgsqlTransaction? transaction = null;
        try
        {
            transaction = await connection.BeginTransactionAsync(cancellationToken);
            // The row lock serialises the reviews of one import (each replaces the other's rows) and keeps the mapping as reviewed.
            // An edit stored after the review read the edits makes it a review of another file: it is not kept.
            await using (var hold = new NpgsqlCommand($"""
                select 1 from imports where id = @id and {ImportStore.ReviewableSql}
                and (select coalesce(max(greatest(seq, coalesce(undone_seq, 0))), 0) from import_edits where import_id = @id) = @version
                for no key update of imports
                """, connection, transaction))
            {
                hold.Parameters.AddWithValue("id", importId);
                hold.Parameters.AddWithValue("version", editsVersion);
                hold.Parameters.AddWithValue("mapping", JsonSerializer.Serialize(mapping, ImportJson.Options));
                if (await hold.ExecuteScalarAsync(cancellationToken) is null)
                {
                    await transaction.DisposeAsync();
                    await connection.DisposeAsync();
                    return null;
                }
            }

            await using (var clear = new NpgsqlCommand("delete from import_review_rows where import_id = @id", connection, transaction))
            {
                clear.Parameters.AddWithValue("id", importId);
                await clear.ExecuteNonQueryAsync(cancellationToken);
            }

            var copy = await connection.BeginBinaryImportAsync($"copy import_review_rows ({Columns}) from stdin (format binary)", cancellationToken);
            return new ReviewRowsWriter(importId, connection, transaction, copy);
        }
        catch
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A page of the rows matching <paramref name="filter"/> after row <paramref name="after"/> (keyset: by row number), at most
    /// <paramref name="limit"/>, with how many rows match in all; one round trip.
    /// </summary>
    public async Task<ReviewRowsPage> PageAsync(Guid importId, ReviewRowFilter filter, int after, int limit, CancellationToken cancellationToken = default)
    {
        var where = Where(filter);
        await using var batch = dataSource.CreateBatch();
        var page = new NpgsqlBatchCommand($"""
            select {ReadColumns} from import_review_rows
            where import_id = @id and row_number > @after {where} order by row_number limit @limit
            """);
        var count = new NpgsqlBatchCommand($"select count(*)::int from import_review_rows where import_id = @id {where}");
        foreach (var command in new[] { page, count })
        {
            command.Parameters.AddWithValue("id", importId);
            command.Parameters.AddWithValue("after", after);
            command.Parameters.AddWithValue("limit", limit + 1); // one more than asked: is there a next page
            command.Parameters.AddWithValue("outcome", NpgsqlDbType.Text, (object?)filter.Outcome ?? DBNull.Value);
            command.Parameters.AddWithValue("reason", NpgsqlDbType.Text, (object?)filter.Reason ?? DBNull.Value);
            command.Parameters.AddWithValue("q", NpgsqlDbType.Text, (object?)filter.Text ?? DBNull.Value);
            batch.BatchCommands.Add(command);
        }

        var rows = new List<ReviewedRow>(Math.Min(limit + 1, 512));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var total = reader.GetInt32(0);
        if (rows.Count <= limit)
        {
            return new ReviewRowsPage(rows, null, total);
        }

        rows.RemoveAt(limit);
        return new ReviewRowsPage(rows, rows[^1].RowNumber, total);
    }

    /// <summary>
    /// The kept rows numbered <paramref name="numbers"/> and those sharing an identifier with <paramref name="identifiers"/>
    /// (the GIN index), in row order, read in the transaction that holds the import (<see cref="ImportEditTransaction"/>).
    /// </summary>
    public static async Task<IReadOnlyList<ReviewedRow>> ReadAsync(ImportEditTransaction held, IReadOnlyCollection<int> numbers, IReadOnlyCollection<string> identifiers,
        CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand($"""
            select {ReadColumns} from import_review_rows
            where import_id = @id and (row_number = any(@numbers) or identifiers && @identifiers) order by row_number
            """, held.Connection, held.Transaction);
        command.Parameters.AddWithValue("id", held.ImportId);
        command.Parameters.AddWithValue("numbers", numbers.ToArray());
        command.Parameters.AddWithValue("identifiers", NpgsqlDbType.Array | NpgsqlDbType.Text, identifiers.ToArray());
        var rows = new List<ReviewedRow>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(Read(reader));
        }

        return rows;
    }

    /// <summary>The first and last row numbers of the kept review (null when it has no rows).</summary>
    public static async Task<(int First, int Last)?> RangeAsync(ImportEditTransaction held, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("select min(row_number), max(row_number) from import_review_rows where import_id = @id", held.Connection, held.Transaction);
        command.Parameters.AddWithValue("id", held.ImportId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return reader.IsDBNull(0) ? null : (reader.GetInt32(0), reader.GetInt32(1));
    }

    /// <summary>Replaces some kept rows by their new review (one delete, one binary COPY) and answers the review's new tally.</summary>
    public static async Task<ReviewTally> ReplaceAsync(ImportEditTransaction held, IReadOnlyList<ReviewedRow> rows, CancellationToken cancellationToken = default)
    {
        await using (var delete = new NpgsqlCommand("delete from import_review_rows where import_id = @id and row_number = any(@numbers)", held.Connection, held.Transaction))
        {
            delete.Parameters.AddWithValue("id", held.ImportId);
            delete.Parameters.AddWithValue("numbers", rows.Select(r => r.RowNumber).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var copy = await held.Connection.BeginBinaryImportAsync($"copy import_review_rows ({Columns}) from stdin (format binary)", cancellationToken))
        {
            foreach (var row in rows)
            {
                await WriteAsync(copy, held.ImportId, row, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        return await TallyAsync(held.Connection, held.Transaction, held.ImportId, cancellationToken);
    }

    /// <summary>The counts of the kept review (what the review answered: one count per outcome and the warnings of the imported rows).</summary>
    public async Task<ReviewTally> TallyAsync(Guid importId, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await TallyAsync(connection, null, importId, cancellationToken);
    }

    private static async Task<ReviewTally> TallyAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid importId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            select outcome, count(*)::int, coalesce(sum(cardinality(warnings)), 0)::int from import_review_rows where import_id = @id group by outcome
            """, connection, transaction);
        command.Parameters.AddWithValue("id", importId);
        var counts = ImportCounts.Zero;
        var warnings = 0;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var outcome = reader.GetString(0);
            counts = counts.Add(outcome, reader.GetInt32(1));
            warnings += outcome is ImportOutcome.Added or ImportOutcome.Updated ? reader.GetInt32(2) : 0;
        }

        return new ReviewTally(counts, warnings);
    }

    /// <summary>Writes one kept row into a COPY of <see cref="Columns"/>.</summary>
    internal static async Task WriteAsync(NpgsqlBinaryImporter copy, Guid importId, ReviewedRow row, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await OutcomeRows.WriteAsync(copy, importId, new OutcomeRow(row.RowNumber, row.Outcome, row.ContactId, row.DuplicateOf, row.Reasons, row.Warnings), cancellationToken);
        await copy.WriteAsync(row.Cells.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(row.Edited, NpgsqlDbType.Boolean, cancellationToken);
        await copy.WriteAsync((row.Identifiers ?? []).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        if (row.DroppedBy is { } droppedBy)
        {
            await copy.WriteAsync(droppedBy, NpgsqlDbType.Text, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }

        if (row.OriginalCells is { } original)
        {
            await copy.WriteAsync(original.ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Text, cancellationToken);
        }
        else
        {
            await copy.WriteNullAsync(cancellationToken);
        }
    }

    private static ReviewedRow Read(NpgsqlDataReader reader) =>
        new(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
            reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5), reader.GetFieldValue<string[]>(6), reader.GetBoolean(7),
            reader.GetFieldValue<string[]>(8), reader.IsDBNull(9) ? null : reader.GetString(9), reader.IsDBNull(10) ? null : reader.GetFieldValue<string[]>(10));

    /// <summary>The filter's conditions (each bound to its parameter; texts matched case-insensitively, as plain text).</summary>
    private static string Where(ReviewRowFilter filter)
    {
        var where = filter.Outcome switch
        {
            null => "",
            ReviewRowFilter.Warning => $" and outcome in ('{ImportOutcome.Added}', '{ImportOutcome.Updated}') and cardinality(warnings) > 0",
            _ => " and outcome = @outcome",
        };
        // A unit separator between texts (no CSV text holds one), so a match never spans two.
        if (filter.Reason is not null)
        {
            where += " and strpos(lower(array_to_string(reasons || warnings, E'\\x1f')), lower(@reason)) > 0";
        }

        if (filter.Text is not null)
        {
            where += " and strpos(lower(array_to_string(cells, E'\\x1f')), lower(@q)) > 0";
        }

        return where;
    }
}

/// <summary>
/// Writes one review's rows (see <see cref="ImportReviewRows.BeginAsync"/>), one binary COPY streamed as they come, in the
/// transaction that holds the import. <see cref="CommitAsync"/> marks the import reviewed with them; disposed without it, nothing
/// of the review is kept and the previous review's rows stay.
/// </summary>
public sealed class ReviewRowsWriter : IAsyncDisposable
{
    private readonly Guid _importId;
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlTransaction _transaction;
    private NpgsqlBinaryImporter? _copy;

    internal ReviewRowsWriter(Guid importId, NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBinaryImporter copy) =>
        (_importId, _connection, _transaction, _copy) = (importId, connection, transaction, copy);

    public async Task WriteAsync(ReviewedRow row, CancellationToken cancellationToken = default)
    {
        var copy = _copy ?? throw new InvalidOperationException("The review's rows are written already.");
        await ImportReviewRows.WriteAsync(copy, _importId, row, cancellationToken);
    }

    /// <summary>Ends the COPY, marks the import reviewed and commits: the rows are the import's current review.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken = default)
    {
        var copy = _copy ?? throw new InvalidOperationException("The review's rows are written already.");
        await copy.CompleteAsync(cancellationToken);
        await copy.DisposeAsync();
        _copy = null;
        await using (var mark = new NpgsqlCommand("update imports set reviewed_at = now() where id = @id", _connection, _transaction))
        {
            mark.Parameters.AddWithValue("id", _importId);
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await _transaction.CommitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_copy is not null)
        {
            await _copy.DisposeAsync(); // not completed: the COPY is cancelled
        }

        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
