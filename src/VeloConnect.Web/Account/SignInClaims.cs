using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;

namespace VeloConnect.Web.Account;

/// <summary>What the sign-in cookie holds: the API key (the cookie is encrypted) and who it speaks for, from <c>GET /api/me</c>.</summary>
public static class SignInClaims
{
    public const string ApiKey = "velo:api_key";
    public const string Workspace = "velo:workspace";

    /// <summary>The key's role, as <c>GET /api/me</c> names it, in the standard role claim (so <c>AuthorizeView Roles</c> reads it).</summary>
    public const string Role = ClaimTypes.Role;

    /// <summary>The role that may do the destructive and workspace-wide things (docs/security.md, "Roles and permissions").</summary>
    public const string AdminRole = "admin";

    /// <summary>Whether the signed-in key is an admin key. A sign-in without a role claim counts as an agent: the API decides anyway.</summary>
    public static bool IsAdmin(this ClaimsPrincipal user) => user.IsInRole(AdminRole);

    /// <summary>Whether the circuit's user holds an admin key (false when there is no authentication state).</summary>
    public static async Task<bool> IsAdminAsync(this Task<AuthenticationState>? state) =>
        state is not null && (await state).User.IsAdmin();
}
