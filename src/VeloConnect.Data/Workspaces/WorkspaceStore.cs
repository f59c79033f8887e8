using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace VeloConnect.Data.Workspaces;

public sealed record Workspace(Guid Id, string Name, string DefaultRegion);

/// <summary>Who an API key speaks for: a user (agent) of one workspace.</summary>
public sealed record ApiKeyOwner(Guid WorkspaceId, Guid UserId, string UserName, string DefaultRegion)
{
    /// <summary>The key itself (its row in api_keys): what the key list shows and revokes, and what export links are checked against.</summary>
    public Guid KeyId { get; init; }

    public ApiKeyRole Role { get; init; } = ApiKeyRole.Admin;
}

public sealed record User(Guid Id, Guid WorkspaceId, string Name, string? Email);

/// <summary>Workspaces, their users and API keys. Keys are stored as SHA-256 hashes and shown only when created.</summary>
public sealed class WorkspaceStore(NpgsqlDataSource dataSource)
{
    public static byte[] Hash(string apiKey) => SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));

    /// <summary>A new random key: "vc_" and 32 bytes of randomness, URL-safe.</summary>
    public static string NewKey() =>
        "vc_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task<ApiKeyOwner?> FindKeyOwnerAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("""
            select k.workspace_id, k.user_id, u.name, w.default_region
            from api_keys k join users u on u.id = k.user_id join workspaces w on w.id = k.workspace_id
            where k.key_hash = @hash and k.revoked_at is null
            """);
        command.Parameters.AddWithValue("hash", Hash(apiKey));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ApiKeyOwner(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3))
            : null;
    }

    public async Task<Workspace?> GetAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select id, name, default_region from workspaces where id = @id");
        command.Parameters.AddWithValue("id", workspaceId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? new Workspace(reader.GetGuid(0), reader.GetString(1), reader.GetString(2)) : null;
    }

    public async Task<bool> UserExistsAsync(Guid workspaceId, Guid userId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select 1 from users where id = @id and workspace_id = @ws");
        command.Parameters.AddWithValue("id", userId);
        command.Parameters.AddWithValue("ws", workspaceId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    public async Task<IReadOnlyList<User>> ListUsersAsync(Guid workspaceId, CancellationToken cancellationToken = default)
    {
        await using var command = dataSource.CreateCommand("select id, workspace_id, name, email from users where workspace_id = @ws order by name");
        command.Parameters.AddWithValue("ws", workspaceId);
        var users = new List<User>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(new User(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
        }

        return users;
    }

    /// <summary>Creates a workspace with its first user and an API key for that user; returns the key (shown once).</summary>
    public async Task<(Workspace Workspace, User User, string ApiKey)> CreateWorkspaceAsync(string name, string defaultRegion, string userName, string? userEmail, string? apiKey = null, Guid? workspaceId = null, CancellationToken cancellationToken = default)
    {
        var workspace = new Workspace(workspaceId ?? Guid.NewGuid(), name, defaultRegion);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand("insert into workspaces (id, name, default_region) values (@ws, @name, @region)", connection, transaction))
        {
            command.Parameters.AddWithValue("ws", workspace.Id);
            command.Parameters.AddWithValue("name", name);
            command.Parameters.AddWithValue("region", defaultRegion);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var (user, key) = await InsertUserAsync(connection, transaction, workspace.Id, userName, userEmail, apiKey ?? NewKey(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return (workspace, user, key);
    }

    /// <summary>Adds a user with an API key of <paramref name="role"/> to a workspace; returns the key.</summary>
    public async Task<(User User, string ApiKey)> AddUserAsync(Guid workspaceId, string name, string? email, CancellationToken cancellationToken = default, ApiKeyRole role = ApiKeyRole.Admin)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await InsertUserAsync(connection, null, workspaceId, name, email, NewKey(), cancellationToken, role);
    }

    // A workspace's first user holds an admin key (someone must be able to manage keys).
    private static async Task<(User User, string ApiKey)> InsertUserAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, Guid workspaceId, string name, string? email, string apiKey, CancellationToken cancellationToken, ApiKeyRole role = ApiKeyRole.Admin)
    {
        var user = new User(Guid.NewGuid(), workspaceId, name, email);
        await using var command = new NpgsqlCommand("""
            insert into users (id, workspace_id, name, email) values (@user, @ws, @name, @email);
            insert into api_keys (id, workspace_id, user_id, key_hash, name, role, prefix) values (@key_id, @ws, @user, @hash, 'default', @role, @prefix);
            """, connection, transaction);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", user.Id);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("email", (object?)email ?? DBNull.Value);
        command.Parameters.AddWithValue("key_id", Guid.NewGuid());
        command.Parameters.AddWithValue("hash", Hash(apiKey));
        command.Parameters.AddWithValue("role", ApiKeyRoles.Name(role));
        command.Parameters.AddWithValue("prefix", apiKey[..Math.Min(ApiKeyStore.PrefixLength, apiKey.Length)]);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return (user, apiKey);
    }

    /// <summary>
    /// Development only: makes sure the demo workspace exists and that <paramref name="apiKey"/> opens it. Idempotent, and
    /// safe when several API replicas start together (the workspace id is fixed, conflicts are ignored).
    /// </summary>
    public async Task EnsureDemoWorkspaceAsync(string apiKey, CancellationToken cancellationToken = default)
    {
        if (await FindKeyOwnerAsync(apiKey, cancellationToken) is not null)
        {
            return;
        }

        var workspaceId = new Guid("d3e0d3e0-0000-4000-8000-000000000001");
        var userId = new Guid("d3e0d3e0-0000-4000-8000-000000000002");
        await using var command = dataSource.CreateCommand("""
            insert into workspaces (id, name, default_region) values (@ws, 'Demo workspace', 'US') on conflict do nothing;
            insert into users (id, workspace_id, name, email) values (@user, @ws, 'Demo admin', 'admin@demo.example') on conflict do nothing;
            insert into api_keys (id, workspace_id, user_id, key_hash, name, role) values (gen_random_uuid(), @ws, @user, @hash, 'demo', 'admin')
                on conflict (key_hash) do nothing;
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("user", userId);
        command.Parameters.AddWithValue("hash", Hash(apiKey));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
