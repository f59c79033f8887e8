using System.Security.Claims;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Client;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Account;

/// <summary>
/// Sign-in by API key: the key is checked against <c>GET /api/me</c>, then kept in a session cookie (no expiry date:
/// it ends with the browser session). In Development, with the demo key configured, <c>/account/demo</c> signs in
/// to the demo workspace without asking.
/// </summary>
public static class AccountEndpoints
{
    public const string SignInPath = "/signin";
    public const string DemoPath = "/account/demo";

    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        var account = app.MapGroup("/account").AllowAnonymous();
        account.MapPost("/signin", SignInAsync);
        account.MapGet("/demo", DemoAsync);
        // The page's sign-out button posts a form with the antiforgery token: another site cannot sign a user out.
        account.MapPost("/signout", async (HttpContext http, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(http))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Sign-out not confirmed",
                    detail: "Sign out with the Sign out button of the page (reload the page first if it has been open for long).");
            }

            await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(SignInPath);
        });
        return app;
    }

    /// <summary>The demo key, only in Development (the AppHost passes it as VeloConnect:DemoApiKey).</summary>
    public static string? DemoKey(IConfiguration configuration, IHostEnvironment environment) =>
        environment.IsDevelopment() ? configuration["VeloConnect:DemoApiKey"] : null;

    private static async Task<IResult> SignInAsync(
        HttpContext http, IHttpClientFactory clients, [FromForm] string? apiKey, [FromForm] string? returnUrl)
    {
        if (string.IsNullOrWhiteSpace(apiKey))
        {
            return Refused("Paste your workspace's API key (it starts with vc_).", returnUrl);
        }

        var problem = await TrySignInAsync(http, clients, apiKey.Trim());
        return problem is null ? Results.LocalRedirect(Local(returnUrl)) : Refused(problem, returnUrl);
    }

    private static async Task<IResult> DemoAsync(
        HttpContext http, IHttpClientFactory clients, IConfiguration configuration, IHostEnvironment environment, string? returnUrl)
    {
        var key = DemoKey(configuration, environment);
        if (key is null)
        {
            return Refused("There is no demo workspace here: paste your workspace's API key.", returnUrl);
        }

        var problem = await TrySignInAsync(http, clients, key);
        return problem is null ? Results.LocalRedirect(Local(returnUrl)) : Refused(problem, returnUrl);
    }

    /// <summary>Signs in when the API knows the key; otherwise says why not.</summary>
    private static async Task<string?> TrySignInAsync(HttpContext http, IHttpClientFactory clients, string apiKey)
    {
        using var client = clients.CreateClient(nameof(VeloApi));
        MeResponse me;
        try
        {
            me = await VeloApi.For(client, apiKey).GetMeAsync(http.RequestAborted);
        }
        catch (ApiProblemException problem)
        {
            // Unreachable, or refused: a 401 means the key itself is wrong.
            return problem.Status == System.Net.HttpStatusCode.Unauthorized
                ? "The API does not know this key: check that you pasted the whole key, or ask your workspace's owner for a new one."
                : problem.Message;
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, me.UserId.ToString()),
                new Claim(ClaimTypes.Name, me.UserName),
                new Claim(SignInClaims.Workspace, me.WorkspaceName),
                new Claim(SignInClaims.Role, me.Role),
                new Claim(SignInClaims.ApiKey, apiKey),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(identity),
            new AuthenticationProperties { IsPersistent = false });
        return null;
    }

    /// <summary>
    /// A session signed in before keys had roles has no role claim: its key's role is read once from <c>GET /api/me</c>
    /// and the cookie renewed with it; a key the API no longer knows ends the session.
    /// </summary>
    public static async Task AddMissingRoleAsync(CookieValidatePrincipalContext context)
    {
        if (context.Principal is not { } user || user.HasClaim(c => c.Type == SignInClaims.Role)
            || user.FindFirst(SignInClaims.ApiKey)?.Value is not { } apiKey || user.Identity is not ClaimsIdentity identity)
        {
            return;
        }

        using var client = context.HttpContext.RequestServices.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(VeloApi));
        try
        {
            var me = await VeloApi.For(client, apiKey).GetMeAsync(context.HttpContext.RequestAborted);
            identity.AddClaim(new Claim(SignInClaims.Role, me.Role));
            context.ShouldRenew = true;
        }
        catch (ApiProblemException problem) when (problem.Status == System.Net.HttpStatusCode.Unauthorized)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        }
        catch (ApiProblemException)
        {
            // The API is unreachable for now: the session goes on as an agent's until a later request learns the role.
        }
    }

    private static IResult Refused(string message, string? returnUrl) =>
        Results.LocalRedirect($"{SignInPath}?error={Uri.EscapeDataString(message)}&returnUrl={Uri.EscapeDataString(Local(returnUrl))}");

    private static string Local(string? returnUrl) => SignInProtection.LocalReturnUrl(returnUrl);
}
