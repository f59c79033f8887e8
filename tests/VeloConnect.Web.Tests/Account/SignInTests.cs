using System.Net;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using VeloConnect.TestSupport;
using VeloConnect.Web.Account;
using Xunit;

namespace VeloConnect.Web.Tests.Account;

/// <summary>
/// The sign-in cookie through the web app's real host (antiforgery, cookies, redirects and data protection as they run),
/// against a throwaway redis-server and a loopback <c>GET /api/me</c>.
/// </summary>
public sealed class SignInTests
{
    private static async Task<(MeEndpoint Api, string Redis)> ServersAsync() =>
        (await MeEndpoint.StartAsync(), (await TestRedis.InstanceAsync()).ConnectionString);

    private static string SessionCookie(HttpResponseMessage response) =>
        response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.FirstOrDefault(c => c.StartsWith("velo.session=", StringComparison.Ordinal)) is { } cookie
            ? cookie
            : throw new Xunit.Sdk.XunitException($"No session cookie was set ({(int)response.StatusCode} {response.Headers.Location}).");

    [Fact]
    public async Task A_sign_in_survives_a_restart_of_the_web_process_and_its_cookie_is_secure()
    {
        var (api, redis) = await ServersAsync();
        await using var _ = api;
        string cookie;
        await using (var first = new SignInHost("Production", redis, api.Url))
        {
            var signedIn = await SignInHost.SignInAsync(first.Browser(), MeEndpoint.Key, "/contacts");
            Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
            Assert.Equal("/contacts", signedIn.Headers.Location?.OriginalString);
            var header = SessionCookie(signedIn);
            Assert.Contains("; secure", header, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("; httponly", header, StringComparison.OrdinalIgnoreCase);
            cookie = Uri.UnescapeDataString(header["velo.session=".Length..header.IndexOf(';', StringComparison.Ordinal)]);
        }

        // The keys are in Redis, where every process and replica of the web reads them.
        using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            Assert.True(await connection.GetDatabase().ListLengthAsync(SignInProtection.KeysKey) > 0, "No data-protection key was stored in Redis.");
        }

        await using var second = new SignInHost("Production", redis, api.Url);
        var options = second.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var ticket = options.TicketDataFormat.Unprotect(cookie);
        Assert.NotNull(ticket);
        Assert.Equal("Ann Agent", ticket.Principal.Identity?.Name);
    }

    [Fact]
    public async Task Sign_out_needs_the_pages_antiforgery_token()
    {
        var (api, redis) = await ServersAsync();
        await using var _ = api;
        await using var host = new SignInHost("Production", redis, api.Url);
        var browser = host.Browser();
        SessionCookie(await SignInHost.SignInAsync(browser, MeEndpoint.Key, "/"));

        // A form posted from another site carries the cookie but not the token: nothing happens.
        var forged = await browser.PostAsync("/account/signout", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.False(forged.Headers.TryGetValues("Set-Cookie", out var cleared) && cleared.Any(c => c.StartsWith("velo.session=;", StringComparison.Ordinal)));

        var token = await SignInHost.FormTokenAsync(browser);
        var signedOut = await browser.PostAsync("/account/signout", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(AccountEndpoints.SignInPath, signedOut.Headers.Location?.OriginalString);
        Assert.StartsWith("velo.session=;", SessionCookie(signedOut), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    [InlineData("https://evil.example/phish")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/contacts\r\nSet-Cookie: x=y")]
    [InlineData("contacts")]
    [InlineData("")]
    public async Task A_malformed_or_foreign_return_url_sends_the_signed_in_user_home(string returnUrl)
    {
        var (api, redis) = await ServersAsync();
        await using var _ = api;
        await using var host = new SignInHost("Production", redis, api.Url);
        var signedIn = await SignInHost.SignInAsync(host.Browser(), MeEndpoint.Key, returnUrl);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/", signedIn.Headers.Location?.OriginalString);

        // The demo sign-in (Development) takes a returnUrl in its query: the same rule.
        await using var development = new SignInHost("Development", redis, api.Url, demoKey: MeEndpoint.Key);
        var demo = await development.Browser().GetAsync($"/account/demo?returnUrl={Uri.EscapeDataString(returnUrl)}");
        Assert.Equal(HttpStatusCode.Redirect, demo.StatusCode);
        Assert.Equal("/", demo.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task A_local_return_url_is_kept()
    {
        var (api, redis) = await ServersAsync();
        await using var _ = api;
        await using var host = new SignInHost("Production", redis, api.Url);
        var signedIn = await SignInHost.SignInAsync(host.Browser(), MeEndpoint.Key, "/contacts?q=ann");
        Assert.Equal("/contacts?q=ann", signedIn.Headers.Location?.OriginalString);
    }
}
