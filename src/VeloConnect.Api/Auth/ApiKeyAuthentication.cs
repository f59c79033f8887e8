using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api.Auth;

/// <summary><c>Authorization: Bearer &lt;api key&gt;</c>: the key names a user of one workspace; keys are stored hashed.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    WorkspaceStore workspaces,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            // Browsers cannot set headers on an EventSource: the live stream may pass the key as ?access_token=.
            header = Request.Path.StartsWithSegments("/api/notifications/stream") && Request.Query["access_token"] is { Count: 1 } token
                ? "Bearer " + token
                : null;
        }

        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");
        }

        var owner = await workspaces.FindKeyOwnerAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (owner is null)
        {
            return AuthenticateResult.Fail("The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(CurrentUser.WorkspaceClaim, owner.WorkspaceId.ToString()),
            new Claim(CurrentUser.UserClaim, owner.UserId.ToString()),
            new Claim(ClaimTypes.Name, owner.UserName),
            new Claim(CurrentUser.RegionClaim, owner.DefaultRegion),
        ], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        var failure = (await HandleAuthenticateOnceSafeAsync()).Failure?.Message;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status401Unauthorized,
                Title = "Authentication required",
                Detail = (failure is null ? "No API key was sent. " : failure + " ")
                    + "Send your workspace's API key as 'Authorization: Bearer <api key>' (in Development the demo key is printed when the API starts).",
            },
        });
    }
}

/// <summary>The caller: a user (agent) of one workspace, from the API key.</summary>
public sealed record CurrentUser(Guid WorkspaceId, Guid UserId, string Name, string DefaultRegion)
{
    public const string WorkspaceClaim = "velo:workspace";
    public const string UserClaim = "velo:user";
    public const string RegionClaim = "velo:region";

    public static CurrentUser From(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(WorkspaceClaim)!),
        Guid.Parse(principal.FindFirstValue(UserClaim)!),
        principal.FindFirstValue(ClaimTypes.Name)!,
        principal.FindFirstValue(RegionClaim)!);

    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CurrentUser?>(From(context.User));
}
