using Npgsql;

namespace VeloConnect.Data.Contacts;

/// <summary>What a bulk request's Idempotency-Key finds: nothing or an expired lease (the caller now holds it), an answer, another body, or a live lease.</summary>
public enum IdempotencyState
{
    Claimed,
    Answered,
    DifferentBody,
    InProgress,
}

/// <summary>
/// The outcome of a claim: with <see cref="IdempotencyState.Claimed"/> the caller's <see cref="Lease"/> (a takeover
/// when <see cref="Attempt"/> is above 1); with <see cref="IdempotencyState.Answered"/> the kept answer; with
/// <see cref="IdempotencyState.InProgress"/> how long the running attempt's lease has left.
/// </summary>
public sealed record IdempotencyClaim(IdempotencyState State, BulkLease? Lease = null, int Attempt = 0, string? Response = null, TimeSpan LeaseLeft = default);

/// <summary>An attempt's write found its lease taken over by a retry (its owner was presumed dead): nothing of that write landed.</summary>
public sealed class BulkLeaseLostException(Guid requestId)
    : Exception($"Bulk request {requestId} was taken over by a retry; this attempt may no longer write.");

/// <summary>
/// Idempotency keys of bulk requests, per workspace, kept 7 days (the API promises at least 24 hours). A key's claim is
/// a lease: the first request claims it under a token of its own, renews it while it works, and stores the answer; a
/// retry with the same body gets the kept answer, or waits while the lease is alive, or takes the request over when
/// the lease expired (its owner died) and resumes it from the items recorded so far; another body with the key is refused.
/// </summary>
public sealed class BulkRequestStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    public async Task<IdempotencyClaim> ClaimAsync(Guid workspaceId, string key, byte[] bodyHash, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            var token = Guid.NewGuid();
            await using (var claim = dataSource.CreateCommand("""
                delete from bulk_requests where workspace_id = @ws and created_at < now() - @kept and lease_until < now();
                insert into bulk_requests (workspace_id, key, body_hash, lease_owner, lease_token, lease_until)
                values (@ws, @key, @hash, @owner, @token, now() + @lease)
                on conflict (workspace_id, key) do update
                    set lease_owner = excluded.lease_owner, lease_token = excluded.lease_token, lease_until = excluded.lease_until,
                        attempts = bulk_requests.attempts + 1
                    where bulk_requests.response is null and bulk_requests.lease_until <= now() and bulk_requests.body_hash = excluded.body_hash
                returning id, attempts
                """))
            {
                claim.Parameters.AddWithValue("ws", workspaceId);
                claim.Parameters.AddWithValue("key", key);
                claim.Parameters.AddWithValue("hash", bodyHash);
                claim.Parameters.AddWithValue("owner", owner);
                claim.Parameters.AddWithValue("token", token);
                claim.Parameters.AddWithValue("lease", lease);
                claim.Parameters.AddWithValue("kept", Kept);
                await using var claimed = await claim.ExecuteReaderAsync(cancellationToken);
                if (await claimed.ReadAsync(cancellationToken))
                {
                    return new IdempotencyClaim(IdempotencyState.Claimed, new BulkLease(claimed.GetGuid(0), token), claimed.GetInt32(1));
                }
            }

            // Held by someone: answered, another body, or a live lease.
            await using var read = dataSource.CreateCommand("""
                select body_hash, response, greatest(lease_until - now(), interval '0') from bulk_requests where workspace_id = @ws and key = @key
                """);
            read.Parameters.AddWithValue("ws", workspaceId);
            read.Parameters.AddWithValue("key", key);
            await using var reader = await read.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                // Expired and cleaned up in between: claim again.
                if (attempt < 3)
                {
                    continue;
                }

                throw new InvalidOperationException($"The Idempotency-Key '{key}' could neither be claimed nor read.");
            }

            var storedHash = reader.GetFieldValue<byte[]>(0);
            if (!storedHash.AsSpan().SequenceEqual(bodyHash))
            {
                return new IdempotencyClaim(IdempotencyState.DifferentBody);
            }

            return reader.IsDBNull(1)
                ? new IdempotencyClaim(IdempotencyState.InProgress, LeaseLeft: reader.GetTimeSpan(2))
                : new IdempotencyClaim(IdempotencyState.Answered, Response: reader.GetString(1));
        }
    }

    /// <summary>Extends the lease while its attempt works; false when the lease is no longer the attempt's (taken over, or answered).</summary>
    public async Task<bool> RenewAsync(BulkLease lease, TimeSpan length, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "update bulk_requests set lease_until = now() + @lease where id = @id and lease_token = @token and response is null");
        AddLease(command, lease);
        command.Parameters.AddWithValue("lease", length);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    /// <summary>The items of the request recorded so far (by earlier attempts), by index.</summary>
    public async Task<IReadOnlyDictionary<int, OutcomeRow>> ItemsAsync(Guid requestId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(
            "select item_index, status, contact_id, duplicate_of, reasons, warnings from bulk_request_items where request_id = @id");
        command.Parameters.AddWithValue("id", requestId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var items = new Dictionary<int, OutcomeRow>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var index = reader.GetInt32(0);
            items[index] = new OutcomeRow(index, reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetInt32(3),
                reader.GetFieldValue<string[]>(4), reader.GetFieldValue<string[]>(5));
        }

        return items;
    }

    /// <summary>
    /// Records items' outcomes inside the caller's transaction (the one applying them), if the attempt still holds the
    /// lease; otherwise throws <see cref="BulkLeaseLostException"/> and the caller's transaction must not commit. The
    /// check locks the request's row until that transaction ends, so a takeover waits for it and then sees its items.
    /// </summary>
    public static async Task RecordItemsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, BulkLease lease, IReadOnlyCollection<OutcomeRow> items, CancellationToken cancellationToken = default)
    {
        await using (var hold = new NpgsqlCommand("select 1 from bulk_requests where id = @id and lease_token = @token and response is null for share", connection, transaction))
        {
            AddLease(hold, lease);
            if (await hold.ExecuteScalarAsync(cancellationToken) is null)
            {
                throw new BulkLeaseLostException(lease.RequestId);
            }
        }

        if (items.Count == 0)
        {
            return;
        }

        await OutcomeRows.CopyAsync(connection, "bulk_request_items (request_id, item_index, status, contact_id, duplicate_of, reasons, warnings)", lease.RequestId, items, cancellationToken);
    }

    /// <summary>
    /// Keeps the answer (and whatever <paramref name="alsoWrite"/> adds: the request's audit row) in one transaction, if
    /// the attempt still holds the lease; false, with nothing written, when a retry took the request over.
    /// </summary>
    public async Task<bool> AnswerAsync(BulkLease lease, string response, Func<NpgsqlConnection, NpgsqlTransaction, Task>? alsoWrite = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(
            "update bulk_requests set response = @response, lease_until = now() where id = @id and lease_token = @token and response is null", connection, transaction))
        {
            AddLease(command, lease);
            command.Parameters.AddWithValue("response", response);
            if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        if (alsoWrite is not null)
        {
            await alsoWrite(connection, transaction);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends an attempt that cannot answer (it failed, or nothing could be applied): its lease expires now, so a retry
    /// takes the request over at once and resumes it from the items recorded so far (none: it runs it whole).
    /// </summary>
    public async Task ReleaseAsync(BulkLease lease)
    {
        await using var command = dataSource.CreateCommand(
            "update bulk_requests set lease_until = now() where id = @id and lease_token = @token and response is null");
        AddLease(command, lease);
        await command.ExecuteNonQueryAsync();
    }

    private static void AddLease(NpgsqlCommand command, BulkLease lease)
    {
        command.Parameters.AddWithValue("id", lease.RequestId);
        command.Parameters.AddWithValue("token", lease.Token);
    }
}
