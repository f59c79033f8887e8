using Npgsql;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>
/// Writes one bulk request of a command-line import in one transaction: its contact changes (journaled under the import,
/// so it can be reverted), every row's result and the import's progress (added to, since several requests of one import may be in flight). A row is recorded once
/// (the primary key of <c>import_rows</c>): a request that meets rows another one recorded meanwhile is refused whole,
/// like one that meets a contact changed since it was read, and nothing of it lands. So is a request that meets the
/// import's finish: the status is checked inside the transaction, on the import's locked row.
/// </summary>
public sealed class CommandLineBatchStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// <see cref="CommandLineBatchWrite.Contended"/> (nothing changed) when a contact, identifier or row of the request
    /// changed since it was read; <see cref="CommandLineBatchWrite.ImportEnded"/> (nothing changed) when the import
    /// finished (or failed) meanwhile.
    /// </summary>
    public async Task<CommandLineBatchWrite> WriteAsync(ImportRecord import, string source, IReadOnlyList<PlannedContact> changes, IReadOnlyList<ImportRowResult> rows,
        DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        try
        {
            return await ContactBatchWriter.WriteInTransactionAsync(dataSource, import.WorkspaceId, source, changes, now, async (connection, transaction) =>
            {
                // The progress first: it locks the import's row (a finish waits for this transaction, or this one waits for
                // the finish and then finds the import no longer running) before the rows are recorded.
                var counts = rows.Aggregate(ImportCounts.Zero, (total, row) => total.Add(row.Outcome, 1));
                await using (var progress = new NpgsqlCommand("""
                    update imports set added = added + @added, updated = updated + @updated, skipped = skipped + @skipped, invalid = invalid + @invalid,
                        rows_done = rows_done + @added + @updated + @skipped + @invalid, heartbeat_at = now()
                    where id = @import and status = 'running'
                    """, connection, transaction))
                {
                    progress.Parameters.AddWithValue("import", import.Id);
                    progress.AddCounts(counts);
                    if (await progress.ExecuteNonQueryAsync(cancellationToken) == 0)
                    {
                        throw new ImportEndedException();
                    }
                }

                await ImportRows.CopyAsync(connection, import.Id, rows, cancellationToken);
            }, journalImportId: import.Id, cancellationToken)
                ? CommandLineBatchWrite.Written
                : CommandLineBatchWrite.Contended;
        }
        catch (ImportEndedException)
        {
            // Thrown inside the transaction, which rolled back: nothing of the request landed.
            return CommandLineBatchWrite.ImportEnded;
        }
    }

    private sealed class ImportEndedException : Exception;
}

public enum CommandLineBatchWrite
{
    Written,
    Contended,
    ImportEnded,
}
