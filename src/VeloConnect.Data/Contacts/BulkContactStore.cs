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

        return await ContactBatchWriter.WriteInTransactionAsync(dataSource, workspaceId, source, changes, now, cancellationToken: cancellationToken);
    }
}
