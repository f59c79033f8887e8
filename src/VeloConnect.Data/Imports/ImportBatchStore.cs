using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>What became of a batch's write (<see cref="ImportBatchStore.WriteInOrderAsync"/>).</summary>
public enum ImportBatchWrite
{
    /// <summary>Committed: its contacts, row results and progress.</summary>
    Written,

    /// <summary>Nothing written: a contact or identifier of the batch changed since it was planned.</summary>
    Contended,

    /// <summary>Nothing written: the batch before it did not commit, and this one was planned on what it would write.</summary>
    Withdrawn,
}

/// <summary>
/// Writes one planned batch of an import in one transaction: its contact changes (<see cref="ContactBatchWriter"/>) with
/// their journal entries (<see cref="ImportJournal"/>), every row's result (<see cref="ImportRows"/>, by binary <c>COPY</c>), and the job's progress. Either all of it lands or none: a contact written
/// by someone else since it was read (its version moved) or an identifier claimed meanwhile (the primary key) rolls the
/// batch back, and the job writes those rows one by one through the contact grains instead. Opt-ins are never written here.
/// Several batches of one import may be written at once (<see cref="WriteInOrderAsync"/>): they commit in file order.
/// </summary>
public sealed class ImportBatchStore(NpgsqlDataSource dataSource)
{
    /// <summary>Returns false (and changes nothing) when a contact or identifier of the batch changed since it was read.</summary>
    public async Task<bool> WriteAsync(ImportRecord import, string source, IReadOnlyList<PlannedContact> changes, IReadOnlyList<ImportRowResult> rows,
        ImportCounts progress, DateTimeOffset now, CancellationToken cancellationToken = default) =>
        await WriteInOrderAsync(import, source, changes, rows, progress, now, null, cancellationToken) == ImportBatchWrite.Written;

    /// <summary>
    /// Writes the batch while the batch before it may still be in flight. Its contacts, identifiers and journal are
    /// written first (the expensive part, in parallel with the batch before); then <paramref name="earlierCommitted"/>
    /// is awaited (the batch before's outcome: true once it committed), and only then are the import's row and its row
    /// results touched, and the transaction committed. So batches commit in file order, and a batch planned on what the
    /// one before would write is withdrawn (rolled back) when that one did not commit. The wait holds no lock the batch
    /// before needs: the two write different contacts and identifiers (a batch that reads what the one before writes is
    /// started only once that one has committed), and the import's row (which every batch's progress updates) is taken
    /// after the wait.
    /// </summary>
    public async Task<ImportBatchWrite> WriteInOrderAsync(ImportRecord import, string source, IReadOnlyList<PlannedContact> changes,
        IReadOnlyList<ImportRowResult> rows, ImportCounts progress, DateTimeOffset now, Func<Task<bool>>? earlierCommitted,
        CancellationToken cancellationToken = default)
    {
        try
        {
            return await ContactBatchWriter.WriteInTransactionAsync(dataSource, import.WorkspaceId, source, changes, now, async (connection, transaction) =>
            {
                if (earlierCommitted is not null && !await earlierCommitted())
                {
                    throw new WithdrawnException();
                }

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
            }, import.Id, cancellationToken) ? ImportBatchWrite.Written : ImportBatchWrite.Contended;
        }
        catch (WithdrawnException)
        {
            // Thrown inside the transaction, which its disposal rolled back.
            return ImportBatchWrite.Withdrawn;
        }
    }

    private sealed class WithdrawnException : Exception;
}
