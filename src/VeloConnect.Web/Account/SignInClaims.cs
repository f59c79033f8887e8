namespace VeloConnect.Web.Account;

/// <summary>What the sign-in cookie holds: the API key (the cookie is encrypted) and who it speaks for, from <c>GET /api/me</c>.</summary>
public static class SignInClaims
{
    public const string ApiKey = "velo:api_key";
    public const string Workspace = "velo:workspace";
}
