using Npgsql;

namespace VeloConnect.Data.Contacts;

/// <summary>Writes the contact changes of one bulk request in one transaction (<see cref="ContactBatchWriter"/>).</summary>
public sealed class BulkContactStore(NpgsqlDataSource dataSource)
{
    /// <summary>Returns false (and changes nothing) when a contact or identifier of the request changed since it was read.</summary>
    public async Task<bool> WriteAsync(Guid workspaceId, string source, IReadOnlyList<PlannedContact> changes, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        if (changes.Count == 0)
        {
            return true;
        }

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            if (!await ContactBatchWriter.WriteAsync(connection, transaction, workspaceId, source, changes, now, cancellationToken))
            {
                await transaction.RollbackAsync(cancellationToken);
                return false;
            }

            await transaction.CommitAsync(cancellationToken);
            return true;
        }
        catch (PostgresException e) when (ContactBatchWriter.IsContention(e))
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }
    }
}
