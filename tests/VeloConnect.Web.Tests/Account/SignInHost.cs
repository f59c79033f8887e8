using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Hosting;

namespace VeloConnect.Web.Tests.Account;

/// <summary>
/// The API's <c>GET /api/me</c>, the one call a sign-in makes, on a loopback port: it knows <see cref="Key"/> and answers
/// 401 for anything else, as the API does.
/// </summary>
public sealed class MeEndpoint : IAsyncDisposable
{
    public const string Key = "vc_signin_test_0123456789abcdef0123456789";

    private readonly WebApplication _app;

    private MeEndpoint(WebApplication app) => _app = app;

    public string Url => _app.Urls.First();

    public static async Task<MeEndpoint> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/api/me", (HttpRequest request) => request.Headers.Authorization == $"Bearer {Key}"
            ? Results.Json(new
            {
                workspaceId = Guid.Parse("6a1d1b1e-0000-4000-8000-000000000001"), workspaceName = "Sign-in tests", defaultRegion = "US",
                userId = Guid.Parse("6a1d1b1e-0000-4000-8000-000000000002"), userName = "Ann Agent", role = "admin",
            })
            : Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unknown key"));
        await app.StartAsync();
        return new MeEndpoint(app);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>The web frontend's real host (its Program), in the given environment, with its keys in the given Redis.</summary>
public sealed partial class SignInHost(string environment, string redis, string apiUrl, string? demoKey = null) : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(environment);
        builder.UseSetting("ConnectionStrings:redis", redis);
        builder.UseSetting("VeloConnect:ApiBaseUrl", apiUrl);
        builder.UseSetting("VeloConnect:DemoApiKey", demoKey);
    }

    /// <summary>A browser-like client over https (Secure cookies are sent), following no redirect.</summary>
    public HttpClient Browser() =>
        CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true, BaseAddress = new Uri("https://localhost") });

    /// <summary>The antiforgery token of the sign-in page's form (for the client's current user).</summary>
    public static async Task<string> FormTokenAsync(HttpClient browser)
    {
        var page = await browser.GetStringAsync("/signin");
        return TokenPattern().Match(page) is { Success: true } match
            ? WebUtility.HtmlDecode(match.Groups[1].Value)
            : throw new Xunit.Sdk.XunitException("The sign-in page has no antiforgery token.");
    }

    /// <summary>Posts the sign-in form as the page does.</summary>
    public static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string apiKey, string? returnUrl)
    {
        var form = new Dictionary<string, string> { ["apiKey"] = apiKey, ["__RequestVerificationToken"] = await FormTokenAsync(browser) };
        if (returnUrl is not null)
        {
            form["returnUrl"] = returnUrl;
        }

        return await browser.PostAsync("/account/signin", new FormUrlEncodedContent(form));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
