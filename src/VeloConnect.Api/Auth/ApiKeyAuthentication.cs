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
    ApiKeyStore keys,
    IProblemDetailsService problems)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    public const string AccessTokenParameter = "access_token";

    private const string QueryKeyRefused = "API keys are not accepted in the URL (?access_token=): URLs end up in logs.";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        // A key in a URL ends up in logs, proxies and browser history: no endpoint takes one (the web's notification stream
        // is opened server-side with the header). Refused even alongside a header, so a client that sends it learns at once.
        if (Request.Query.ContainsKey(AccessTokenParameter))
        {
            return AuthenticateResult.Fail(QueryKeyRefused);
        }

        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header))
        {
            return AuthenticateResult.NoResult();
        }

        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.Fail("The Authorization header must be 'Bearer <api key>'.");
        }

        var (owner, expired) = await keys.LookupAsync(header["Bearer ".Length..].Trim(), Context.RequestAborted);
        if (owner is null)
        {
            return AuthenticateResult.Fail(expired
                ? "The API key has expired: ask an admin of your workspace for a new one (POST /api/keys)."
                : "The API key is unknown or revoked.");
        }

        var identity = new ClaimsIdentity(
        [
            new Claim(CurrentUser.WorkspaceClaim, owner.WorkspaceId.ToString()),
            new Claim(CurrentUser.UserClaim, owner.UserId.ToString()),
            new Claim(ClaimTypes.Name, owner.UserName),
            new Claim(CurrentUser.RegionClaim, owner.DefaultRegion),
            new Claim(CurrentUser.KeyClaim, owner.KeyId.ToString()),
            new Claim(CurrentUser.RoleClaim, ApiKeyRoles.Name(owner.Role)),
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

    /// <summary>A live key whose role lacks the endpoint's permission: 403, saying which role it needs.</summary>
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        var permission = Context.GetEndpoint()?.Metadata.GetMetadata<PermissionMetadata>()?.Permission;
        var roles = permission is { } p ? string.Join(" or ", Permissions.RolesFor(p).Select(ApiKeyRoles.Name)) : "another";
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails =
            {
                Status = StatusCodes.Status403Forbidden,
                Title = "Not allowed for your role",
                Detail = $"Your API key's role ({Context.User.FindFirstValue(CurrentUser.RoleClaim)}) cannot do this ({permission}): it needs the {roles} role. "
                    + "Ask an admin of your workspace to do it, or for a key with that role.",
            },
        });
    }
}

/// <summary>The caller: a user of one workspace, from the API key (which key, and the key's role).</summary>
public sealed record CurrentUser(Guid WorkspaceId, Guid UserId, string Name, string DefaultRegion)
{
    public const string WorkspaceClaim = "velo:workspace";
    public const string UserClaim = "velo:user";
    public const string RegionClaim = "velo:region";
    public const string KeyClaim = "velo:key";
    public const string RoleClaim = "velo:role";

    public Guid KeyId { get; init; }

    public ApiKeyRole Role { get; init; }

    public bool IsAdmin => Role == ApiKeyRole.Admin;

    public static CurrentUser From(ClaimsPrincipal principal) => new(
        Guid.Parse(principal.FindFirstValue(WorkspaceClaim)!),
        Guid.Parse(principal.FindFirstValue(UserClaim)!),
        principal.FindFirstValue(ClaimTypes.Name)!,
        principal.FindFirstValue(RegionClaim)!)
    {
        KeyId = Guid.Parse(principal.FindFirstValue(KeyClaim)!),
        Role = ApiKeyRoles.TryParse(principal.FindFirstValue(RoleClaim), out var role) ? role : ApiKeyRole.Agent,
    };

    public static ValueTask<CurrentUser?> BindAsync(HttpContext context) =>
        ValueTask.FromResult<CurrentUser?>(From(context.User));
}
