using Npgsql;

namespace VeloConnect.Data.Contacts;

/// <summary>
/// Writes the contact changes of a bulk request (all its items, or one item at a time) in one transaction
/// (<see cref="ContactBatchWriter"/>); for a request sent with an Idempotency-Key, the items' outcomes are recorded in
/// that same transaction (<see cref="BulkRequestStore.RecordItemsAsync"/>), so an item is applied exactly when its outcome is.
/// </summary>
public sealed class BulkContactStore(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Returns false (and changes nothing) when a contact or identifier of the request changed since it was read.
    /// With a <paramref name="lease"/>, records <paramref name="outcomes"/> too, and throws
    /// <see cref="BulkLeaseLostException"/> (nothing written) when a retry took the request over.
    /// </summary>
    public async Task<bool> WriteAsync(Guid workspaceId, string source, IReadOnlyList<PlannedContact> changes, DateTimeOffset now,
        BulkLease? lease = null, IReadOnlyCollection<OutcomeRow>? outcomes = null, CancellationToken cancellationToken = default)
    {
        if (lease is null)
        {
            return changes.Count == 0
                || await ContactBatchWriter.WriteInTransactionAsync(dataSource, workspaceId, source, changes, now, cancellationToken: cancellationToken);
        }

        return await ContactBatchWriter.WriteInTransactionAsync(dataSource, workspaceId, source, changes, now,
            (connection, transaction) => BulkRequestStore.RecordItemsAsync(connection, transaction, lease, outcomes ?? [], cancellationToken),
            cancellationToken: cancellationToken);
    }
}
