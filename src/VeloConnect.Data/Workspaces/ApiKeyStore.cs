using Npgsql;

namespace VeloConnect.Data.Workspaces;

/// <summary>What a key may do (see docs/security.md, "Roles and permissions"); stored as text in <c>api_keys.role</c>.</summary>
public enum ApiKeyRole
{
    Agent,
    Admin,
}

public static class ApiKeyRoles
{
    public static string Name(ApiKeyRole role) => role == ApiKeyRole.Admin ? "admin" : "agent";

    public static bool TryParse(string? text, out ApiKeyRole role)
    {
        role = text?.Trim().ToLowerInvariant() switch { "admin" => ApiKeyRole.Admin, "agent" => ApiKeyRole.Agent, _ => (ApiKeyRole)(-1) };
        return Enum.IsDefined(role);
    }
}

/// <summary>One key as the key list shows it: never the secret or its hash.</summary>
public sealed record ApiKeyInfo(
    Guid Id, string Name, string? Prefix, Guid UserId, string UserName, ApiKeyRole Role,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

/// <summary>The outcome of presenting a key: who it speaks for, or why it does not.</summary>
public sealed record ApiKeyLookup(ApiKeyOwner? Owner, bool Expired);

/// <summary>
/// API keys of a workspace: created (the secret returned once, only its SHA-256 hash stored), listed, revoked, and
/// looked up on every request (a revoked or expired key opens nothing from that moment on).
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    /// <summary>How many characters of a key the list shows ("vc_" and 5 more): enough to tell keys apart, useless to an attacker.</summary>
    public const int PrefixLength = 8;

    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>The key's owner when it is live; <see cref="ApiKeyLookup.Expired"/> when it is known but past its expiry.</summary>
    public async Task<ApiKeyLookup> LookupAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select k.id, k.workspace_id, k.user_id, u.name, w.default_region, k.role,
                   k.expires_at is not null and k.expires_at <= now(),
                   k.last_used_at is null or k.last_used_at < now() - @resolution
            from api_keys k join users u on u.id = k.user_id join workspaces w on w.id = k.workspace_id
            where k.key_hash = @hash and k.revoked_at is null
            """);
        command.Parameters.AddWithValue("hash", WorkspaceStore.Hash(apiKey));
        command.Parameters.AddWithValue("resolution", LastUsedResolution);
        Guid keyId;
        ApiKeyOwner owner;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new ApiKeyLookup(null, false);
            }

            if (reader.GetBoolean(6))
            {
                return new ApiKeyLookup(null, true);
            }

            keyId = reader.GetGuid(0);
            ApiKeyRoles.TryParse(reader.GetString(5), out var role);
            owner = new ApiKeyOwner(reader.GetGuid(1), reader.GetGuid(2), reader.GetString(3), reader.GetString(4)) { KeyId = keyId, Role = role };
            if (!reader.GetBoolean(7))
            {
                return new ApiKeyLookup(owner, false);
            }
        }

        await using var touch = dataSource.CreateCommand("update api_keys set last_used_at = now() where id = @id");
        touch.Parameters.AddWithValue("id", keyId);
        await touch.ExecuteNonQueryAsync(cancellationToken);
        return new ApiKeyLookup(owner, false);
    }

    /// <summary>Creates a key for a user of the workspace; returns it with its secret (the only time the secret exists outside the caller).</summary>
    public async Task<(ApiKeyInfo Key, string Secret)?> CreateAsync(Guid workspaceId, Guid userId, string name, ApiKeyRole role, DateTimeOffset? expiresAt, CancellationToken cancellationToken = default)
    {
        var secret = WorkspaceStore.NewKey();
        var id = Guid.NewGuid();
        await using var command = dataSource.CreateCommand("""
            insert into api_keys (id, workspace_id, user_id, key_hash, name, role, prefix, expires_at)
            select @id, @ws, u.id, @hash, @name, @role, @prefix, @expires from users u where u.id = @user and u.workspace_id = @ws
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("hash", WorkspaceStore.Hash(secret));
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("role", ApiKeyRoles.Name(role));
        command.Parameters.AddWithValue("prefix", secret[..PrefixLength]);
        command.Parameters.AddWithValue("expires", (object?)expiresAt ?? DBNull.Value);
        if (await command.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return null;
        }

        return ((await GetAsync(workspaceId, id, cancellationToken))!, secret);
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectKeys + " where k.workspace_id = @ws order by k.created_at, k.id");
        command.Parameters.AddWithValue("ws", workspaceId);
        return await ReadAsync(command, cancellationToken);
    }

    public async Task<ApiKeyInfo?> GetAsync(Guid workspaceId, Guid id, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand(SelectKeys + " where k.workspace_id = @ws and k.id = @id");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("id", id);
        return (await ReadAsync(command, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Revokes a key of the workspace (once: a second revoke changes nothing); false when the workspace has no such key.</summary>
    public async Task<bool> RevokeAsync(Guid workspaceId, Guid id, Guid revokedBy, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            update api_keys set revoked_at = coalesce(revoked_at, now()), revoked_by = coalesce(revoked_by, @by)
            where workspace_id = @ws and id = @id
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("by", revokedBy);
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>Admin keys of the workspace that still open it (not revoked, not expired).</summary>
    public async Task<long> CountLiveAdminKeysAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select count(*) from api_keys
            where workspace_id = @ws and role = 'admin' and revoked_at is null and (expires_at is null or expires_at > now())
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Sets a key's expiry (tests and operators: an expired key answers 401).</summary>
    public async Task ExpireAsync(Guid id, DateTimeOffset expiresAt, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update api_keys set expires_at = @at where id = @id");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("at", expiresAt);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Records the key an export was started with: its signed links work while that key is live.</summary>
    public async Task StampExportAsync(Guid exportId, Guid keyId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("update exports set api_key_id = @key where id = @id");
        command.Parameters.AddWithValue("id", exportId);
        command.Parameters.AddWithValue("key", keyId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Whether signed links to this export were revoked: the export exists and the key it was started with is revoked or
    /// expired (an export from before keys were recorded: its creator has no live key left). A missing export is not
    /// revoked (the download answers 404 for it).
    /// </summary>
    public async Task<bool> ExportLinkRevokedAsync(Guid workspaceId, Guid exportId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select exists (
                select 1 from exports e
                where e.workspace_id = @ws and e.id = @id and not exists (
                    select 1 from api_keys k
                    where k.workspace_id = e.workspace_id and (k.id = e.api_key_id or (e.api_key_id is null and k.user_id = e.user_id))
                        and k.revoked_at is null and (k.expires_at is null or k.expires_at > now())))
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("id", exportId);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private const string SelectKeys = """
        select k.id, k.name, k.prefix, k.user_id, u.name, k.role, k.created_at, k.last_used_at, k.expires_at, k.revoked_at
        from api_keys k join users u on u.id = k.user_id
        """;

    private static async Task<IReadOnlyList<ApiKeyInfo>> ReadAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var keys = new List<ApiKeyInfo>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            ApiKeyRoles.TryParse(reader.GetString(5), out var role);
            keys.Add(new ApiKeyInfo(
                reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetGuid(3), reader.GetString(4), role,
                reader.GetFieldValue<DateTimeOffset>(6), Nullable(reader, 7), Nullable(reader, 8), Nullable(reader, 9)));
        }

        return keys;
    }

    private static DateTimeOffset? Nullable(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetFieldValue<DateTimeOffset>(ordinal);
}
