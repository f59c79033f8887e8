using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// Writes one planned batch of an import in one transaction: its contact changes (<see cref="ContactBatchWriter"/>) with
/// their journal entries (<see cref="ImportJournal"/>), every row's result (<see cref="ImportRows"/>, by binary <c>COPY</c>), and the job's progress. Either all of it lands or none: a contact written
/// by someone else since it was read (its version moved) or an identifier claimed meanwhile (the primary key) rolls the
/// batch back, and the job writes those rows one by one through the contact grains instead. Opt-ins are never written here.
/// </summary>
public sealed class ImportBatchStore(NpgsqlDataSource dataSource)
{
    /// <summary>Returns false (and changes nothing) when a contact or identifier of the batch changed since it was read.</summary>
    public async Task<bool> WriteAsync(ImportRecord import, string source, IReadOnlyList<PlannedContact> changes, IReadOnlyList<ImportRowResult> rows,
        ImportCounts progress, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await ContactBatchWriter.WriteInTransactionAsync(dataSource, import.WorkspaceId, source, changes, now, async (connection, transaction) =>
        {
            // The progress first: its row lock on the import is the one the rows' check (migration 0012) then holds already.
            await using (var progressUpdate = new NpgsqlCommand("""
                update imports set added = @added, updated = @updated, skipped = @skipped, invalid = @invalid,
                    rows_done = @added + @updated + @skipped + @invalid, heartbeat_at = now()
                where id = @import
                """, connection, transaction))
            {
                progressUpdate.Parameters.AddWithValue("import", import.Id);
                progressUpdate.AddCounts(progress);
                await progressUpdate.ExecuteNonQueryAsync(cancellationToken);
            }

            await ImportRows.CopyAsync(connection, import.Id, rows, cancellationToken);
        }, import.Id, cancellationToken);
}
