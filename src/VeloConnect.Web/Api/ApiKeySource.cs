using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using VeloConnect.Web.Account;

namespace VeloConnect.Web.Api;

/// <summary>
/// The signed-in user's API key, kept in their (encrypted) sign-in cookie. Interactive components read it from the
/// circuit's user; plain endpoints (downloads) hand over their request's user with <see cref="Use"/>.
/// </summary>
public sealed class ApiKeySource(AuthenticationStateProvider authentication)
{
    private ClaimsPrincipal? _user;

    public void Use(ClaimsPrincipal user) => _user = user;

    public async Task<string> GetAsync()
    {
        var user = _user ?? (await authentication.GetAuthenticationStateAsync()).User;
        return user.FindFirstValue(SignInClaims.ApiKey)
            ?? throw new ApiProblemException(
                System.Net.HttpStatusCode.Unauthorized,
                "Not signed in",
                "Sign in again with your workspace's API key.",
                new Dictionary<string, string[]>());
    }
}
