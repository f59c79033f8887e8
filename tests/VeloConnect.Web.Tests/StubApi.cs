using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Account;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Tests;

/// <summary>A request the stand-in API received: method and path, body as text, the key sent, the query (unescaped).</summary>
internal sealed record Sent(string Key, string Body, string? Authorization, string Query = "");

/// <summary>A stand-in for the API: answers by method and path; keeps every request with its body as text.</summary>
internal sealed class StubApi : HttpMessageHandler
{
    private readonly Dictionary<string, Func<Sent, HttpResponseMessage>> _routes = [];
    private readonly List<Sent> _requests = [];

    public IReadOnlyList<Sent> Requests
    {
        get
        {
            lock (_requests)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>
    /// Makes <paramref name="context"/> a signed-in <paramref name="user"/>'s page on this API (loose JS, Fluent UI, the key
    /// claim, <see cref="VeloApi"/> over this handler).
    /// </summary>
    public void ServeAs(BunitContext context, string user)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddFluentUIComponents();
        context.AddAuthorization().SetAuthorized(user).SetClaims(new Claim(SignInClaims.ApiKey, "vc_test_key"));
        context.Services.AddScoped<ApiKeySource>();
        context.Services.AddScoped(_ => new VeloApi(new HttpClient(this) { BaseAddress = new Uri("http://api.test") }, context.Services.GetRequiredService<ApiKeySource>()));
    }

    /// <summary>Answers <paramref name="key"/> ("METHOD /path") from the request's body.</summary>
    public void On(string key, Func<string, HttpResponseMessage> answer) => _routes[key] = sent => answer(sent.Body);

    /// <summary>Answers <paramref name="key"/> from the whole request (its query too).</summary>
    public void OnRequest(string key, Func<Sent, HttpResponseMessage> answer) => _routes[key] = answer;

    public static HttpResponseMessage Json(HttpStatusCode status, object body) =>
        new(status) { Content = new StringContent(JsonSerializer.Serialize(body, VeloApiClient.Json), Encoding.UTF8, "application/json") };

    public static HttpResponseMessage Problem(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, "application/problem+json") };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = $"{request.Method} {request.RequestUri!.AbsolutePath}";
        var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
        var sent = new Sent(key, body, request.Headers.Authorization?.ToString(), Uri.UnescapeDataString(request.RequestUri.Query));
        lock (_requests)
        {
            _requests.Add(sent);
        }

        return _routes.TryGetValue(key, out var answer)
            ? answer(sent)
            : Problem(HttpStatusCode.NotFound, $$"""{"title":"No stub for {{key}}","status":404}""");
    }
}
