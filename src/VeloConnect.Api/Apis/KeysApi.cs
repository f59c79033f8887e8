using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Api.OpenApi;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api.Apis;

/// <summary>A key as the list shows it: how to recognise it (prefix, name, owner), what it may do, when it was used. Never the secret or its hash.</summary>
public sealed record ApiKeyResponse(
    Guid Id, string Name, string? Prefix, Guid UserId, string UserName, string Role,
    DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
{
    public static ApiKeyResponse From(ApiKeyInfo key) => new(
        key.Id, key.Name, key.Prefix, key.UserId, key.UserName, ApiKeyRoles.Name(key.Role), key.CreatedAt, key.LastUsedAt, key.ExpiresAt, key.RevokedAt);
}

/// <summary>A new key: <see cref="Secret"/> is shown here once and never again (only its hash is stored).</summary>
public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Secret);

/// <summary>role: admin or agent; userId: the key's owner (default: the caller); expiresAt: optional, in the future.</summary>
public sealed record CreateApiKeyRequest(string? Name = null, string? Role = null, Guid? UserId = null, DateTimeOffset? ExpiresAt = null);

/// <summary>API keys of the workspace (admin keys only): list, create (the secret shown once), revoke. Creation and revocation are audited.</summary>
public static class KeysApi
{
    private const int MaxNameLength = 100;

    public static IEndpointRouteBuilder MapKeysApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/keys").WithTags("API keys");
        api.MapGet("/", ListKeys).WithName("ListApiKeys").Requires(Permission.ManageKeys)
            .WithSummary("The workspace's API keys, revoked ones included: prefix, owner, role, created, last used, expiry (never the secret)");
        api.MapPost("/", CreateKey).WithName("CreateApiKey").Requires(Permission.ManageKeys)
            .WithSummary("Creates a key for a user of the workspace with a role (admin or agent) and an optional expiry; the answer holds the secret, shown only this once (audited)");
        api.MapDelete("/{id:guid}", RevokeKey).WithName("RevokeApiKey").Requires(Permission.ManageKeys)
            .WithSummary("Revokes a key: it answers 401 from now on, and download links of exports started with it stop working (audited)")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<ApiKeyResponse>>> ListKeys(HttpContext http, ApiKeyStore keys)
    {
        var user = CurrentUser.From(http.User);
        return TypedResults.Ok<IReadOnlyList<ApiKeyResponse>>([.. (await keys.ListAsync(user.WorkspaceId, http.RequestAborted)).Select(ApiKeyResponse.From)]);
    }

    public static async Task<Results<Created<CreatedApiKeyResponse>, ValidationProblem>> CreateKey(
        CreateApiKeyRequest? body, HttpContext http, ApiKeyStore keys, AuditLog audit, TimeProvider clock)
    {
        var user = CurrentUser.From(http.User);
        var errors = new Dictionary<string, string[]>();
        if (!ApiKeyRoles.TryParse(body?.Role, out var role))
        {
            errors["role"] = ["Give the key's role: admin (everything, including key management) or agent (contacts, own imports and exports)."];
        }

        var name = string.IsNullOrWhiteSpace(body?.Name) ? "api" : body.Name.Trim();
        if (name.Length > MaxNameLength)
        {
            errors["name"] = [$"A key's name is at most {MaxNameLength} characters."];
        }

        if (body?.ExpiresAt is { } expiresAt && expiresAt <= clock.GetUtcNow())
        {
            errors["expiresAt"] = ["The expiry must be in the future (ISO 8601, e.g. 2030-01-31T00:00:00Z); leave it out for a key that does not expire."];
        }

        if (errors.Count == 0
            && await keys.CreateAsync(user.WorkspaceId, body?.UserId ?? user.UserId, name, role, body?.ExpiresAt, http.RequestAborted) is { } created)
        {
            await audit.WriteAsync(user.WorkspaceId, user.UserId, "key.created", "api_key", created.Key.Id.ToString(), new Dictionary<string, object?>
            {
                ["prefix"] = created.Key.Prefix, ["owner"] = created.Key.UserId, ["role"] = ApiKeyRoles.Name(role), ["expiresAt"] = created.Key.ExpiresAt,
            }, http.RequestAborted);
            return TypedResults.Created($"/api/keys/{created.Key.Id}", new CreatedApiKeyResponse(ApiKeyResponse.From(created.Key), created.Secret));
        }

        if (errors.Count == 0)
        {
            errors["userId"] = [$"There is no user {body?.UserId} in your workspace; see the users with GET /api/users, or leave userId out for a key of your own."];
        }

        return ApiProblems.Invalid(errors);
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(Guid id, HttpContext http, ApiKeyStore keys, AuditLog audit)
    {
        var user = CurrentUser.From(http.User);
        if (await keys.GetAsync(user.WorkspaceId, id, http.RequestAborted) is not { } key)
        {
            return ApiProblems.NotFound("API key", $"There is no API key {id} in your workspace. See the keys with GET /api/keys.");
        }

        if (key.RevokedAt is null && key.Role == ApiKeyRole.Admin && await keys.CountLiveAdminKeysAsync(user.WorkspaceId, http.RequestAborted) <= 1)
        {
            return ApiProblems.Conflict("Last admin key",
                "This is the workspace's only live admin key: revoking it would leave nobody able to manage keys. Create another admin key first (POST /api/keys), then revoke this one.");
        }

        if (await keys.RevokeAsync(user.WorkspaceId, id, user.UserId, http.RequestAborted) && key.RevokedAt is null)
        {
            await audit.WriteAsync(user.WorkspaceId, user.UserId, "key.revoked", "api_key", id.ToString(), new Dictionary<string, object?>
            {
                ["prefix"] = key.Prefix, ["owner"] = key.UserId, ["role"] = ApiKeyRoles.Name(key.Role),
            }, http.RequestAborted);
        }

        return TypedResults.NoContent();
    }
}
