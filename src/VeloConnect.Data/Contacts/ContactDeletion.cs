using Npgsql;
using VeloConnect.Data.Audit;

namespace VeloConnect.Data.Contacts;

/// <summary>
/// A delete of many contacts: the ids it may take and, for a delete by filter, the filter each of them must still match
/// when its chunk runs (<paramref name="Filter"/>) with its description for the audit rows (<paramref name="FilterDescription"/>).
/// </summary>
public sealed record ContactDeleteRequest(Guid WorkspaceId, Guid? UserId, IReadOnlyList<Guid> Ids, ContactFilter? Filter = null, object? FilterDescription = null);

/// <summary>How far a delete went: the contacts deleted (all audited), and what stopped it early, if anything did.</summary>
public sealed record ContactDeleteResult(int Deleted, int Chunks, Exception? StoppedBy);

/// <summary>
/// Deletes contacts in chunks of <see cref="ChunkSize"/>, each chunk one transaction that locks its contacts (those of
/// the workspace that still exist and, for a delete by filter, still match it), deletes them through
/// <see cref="ContactStore"/>'s deletion (which keeps their opt-outs) and writes its <c>contacts.deleted</c> audit row
/// (count, ids, chunk number, the delete's id, the filter). The callers count the deleted contacts in their telemetry. Whatever stops a delete midway (a fault, a shutdown), every
/// contact that is gone is named by an audit row, and every audit row names only contacts that are gone.
/// </summary>
public sealed class ContactDeletion(NpgsqlDataSource dataSource)
{
    public const int ChunkSize = 1_000;
    public const string AuditAction = "contacts.deleted";

    /// <summary>
    /// Deletes the request's contacts chunk by chunk. A failing chunk is rolled back whole and ends the delete (the chunks
    /// before it stay committed and audited): the result says how many were deleted and what stopped it. Cancellation is
    /// honoured between chunks and inside one (rolling it back), never between a chunk's delete and its audit row.
    /// </summary>
    public async Task<ContactDeleteResult> DeleteAsync(ContactDeleteRequest request, CancellationToken cancellationToken)
    {
        var deletion = Guid.NewGuid();
        var (deleted, chunks) = (0, 0);
        foreach (var ids in request.Ids.Distinct().Chunk(ChunkSize))
        {
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                var locked = await DeleteChunkAsync(request, ids, null, chunks + 1, deletion, cancellationToken);
                if (locked > 0)
                {
                    (deleted, chunks) = (deleted + locked, chunks + 1);
                }
            }
            catch (Exception e) when (e is NpgsqlException or OperationCanceledException or TimeoutException)
            {
                return new ContactDeleteResult(deleted, chunks, e);
            }
        }

        return new ContactDeleteResult(deleted, chunks, null);
    }

    /// <summary>Deletes one contact with its audit row (entity: the contact) in one transaction; false if it did not exist.</summary>
    public async Task<bool> DeleteOneAsync(Guid workspaceId, Guid contactId, Guid? userId, CancellationToken cancellationToken = default) =>
        await DeleteChunkAsync(new ContactDeleteRequest(workspaceId, userId, [contactId]), [contactId], contactId.ToString(), null, null, cancellationToken) > 0;

    private async Task<int> DeleteChunkAsync(ContactDeleteRequest request, Guid[] ids, string? entityId, int? chunk, Guid? deletion, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var locked = new List<Guid>(ids.Length);
        await using (var lockRows = new NpgsqlCommand { Connection = connection, Transaction = transaction })
        {
            var where = request.Filter is { } filter ? ContactQuery.Where(lockRows, request.WorkspaceId, filter).ToString() : "c.workspace_id = @ws";
            if (request.Filter is null)
            {
                lockRows.Parameters.AddWithValue("ws", request.WorkspaceId);
            }

            lockRows.CommandText = $"select c.id from contacts c where {where} and c.id = any(@delete_ids) order by c.id for update of c";
            lockRows.Parameters.AddWithValue("delete_ids", ids);
            await using var reader = await lockRows.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                locked.Add(reader.GetGuid(0));
            }
        }

        if (locked.Count == 0)
        {
            return 0;
        }

        await ContactStore.DeleteAsync(connection, transaction, request.WorkspaceId, locked, cancellationToken);
        var details = new Dictionary<string, object?> { ["count"] = locked.Count, ["ids"] = locked };
        if (chunk is not null)
        {
            details["chunk"] = chunk;
            details["deletion"] = deletion;
        }

        if (request.FilterDescription is not null)
        {
            details["filter"] = request.FilterDescription;
        }

        await AuditLog.WriteAsync(connection, transaction, request.WorkspaceId, request.UserId, AuditAction, "contact", entityId, details, cancellationToken);
        // Once the commit is under way it completes: a token cancelled now must not leave its outcome unknown.
        await transaction.CommitAsync(CancellationToken.None);
        return locked.Count;
    }
}
