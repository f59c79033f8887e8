using Npgsql;

namespace VeloConnect.Data.Contacts;

/// <summary>What a bulk request's Idempotency-Key finds: nothing yet (the caller now holds it), an answer, another body, or a request still running.</summary>
public enum IdempotencyState
{
    Claimed,
    Answered,
    DifferentBody,
    InProgress,
}

/// <summary>
/// Idempotency keys of bulk requests, per workspace, kept 7 days (the API promises at least 24 hours). The first request
/// with a key claims it; a retry with the same body gets the stored answer; another body with the key is refused.
/// </summary>
public sealed class BulkRequestStore(NpgsqlDataSource dataSource)
{
    public static readonly TimeSpan Kept = TimeSpan.FromDays(7);

    public async Task<(IdempotencyState State, string? Response)> ClaimAsync(Guid workspaceId, string key, byte[] bodyHash, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            delete from bulk_requests where workspace_id = @ws and created_at < now() - @kept;
            with claimed as (
                insert into bulk_requests (workspace_id, key, body_hash) values (@ws, @key, @hash)
                on conflict (workspace_id, key) do nothing returning 1)
            select exists (select 1 from claimed),
                   (select body_hash from bulk_requests where workspace_id = @ws and key = @key),
                   (select response from bulk_requests where workspace_id = @ws and key = @key);
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("hash", bodyHash);
        command.Parameters.AddWithValue("kept", Kept);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        if (reader.GetBoolean(0))
        {
            return (IdempotencyState.Claimed, null);
        }

        var storedHash = reader.GetFieldValue<byte[]>(1);
        var response = reader.IsDBNull(2) ? null : reader.GetString(2);
        if (!storedHash.AsSpan().SequenceEqual(bodyHash))
        {
            return (IdempotencyState.DifferentBody, null);
        }

        return response is null ? (IdempotencyState.InProgress, null) : (IdempotencyState.Answered, response);
    }

    public async Task AnswerAsync(Guid workspaceId, string key, string response, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update bulk_requests set response = @response where workspace_id = @ws and key = @key");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("response", response);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Gives a key back when its request failed before answering, so a retry can run it.</summary>
    public async Task ReleaseAsync(Guid workspaceId, string key)
    {
        await using var command = dataSource.CreateCommand("delete from bulk_requests where workspace_id = @ws and key = @key and response is null");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        await command.ExecuteNonQueryAsync();
    }
}
