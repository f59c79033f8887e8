using Npgsql;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// Writes one bulk request of a command-line import in one transaction: its contact changes (journaled under the import,
/// so it can be reverted), every row's result and the import's progress (added to, since several requests of one import may be in flight). A row is recorded once
/// (the primary key of <c>import_rows</c>): a request that meets rows another one recorded meanwhile is refused whole,
/// like one that meets a contact changed since it was read, and nothing of it lands.
/// </summary>
public sealed class CommandLineBatchStore(NpgsqlDataSource dataSource)
{
    /// <summary>Returns false (and changes nothing) when a contact, identifier or row of the request changed since it was read.</summary>
    public async Task<bool> WriteAsync(ImportRecord import, string source, IReadOnlyList<PlannedContact> changes, IReadOnlyList<ImportRowResult> rows,
        DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ContactBatchWriter.WriteInTransactionAsync(dataSource, import.WorkspaceId, source, changes, now, async (connection, transaction) =>
        {
            await ImportBatchStore.InsertRowsAsync(connection, import.Id, rows, cancellationToken);
            var counts = rows.Aggregate(ImportCounts.Zero, (total, row) => total.Add(row.Outcome, 1));
            await using var progress = new NpgsqlCommand("""
                update imports set added = added + @added, updated = updated + @updated, skipped = skipped + @skipped, invalid = invalid + @invalid,
                    rows_done = rows_done + @added + @updated + @skipped + @invalid, heartbeat_at = now()
                where id = @import
                """, connection, transaction);
            progress.Parameters.AddWithValue("import", import.Id);
            progress.AddCounts(counts);
            await progress.ExecuteNonQueryAsync(cancellationToken);
        }, journalImportId: import.Id, cancellationToken);
}
