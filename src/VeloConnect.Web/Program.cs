using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Web.Account;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components;
using VeloConnect.Web.Files;
using VeloConnect.Web.Notifications;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();

builder.Services.AddRazorComponents().AddInteractiveServerComponents();
builder.Services.AddFluentUIComponents();

// The API through service discovery (the AppHost's WithReference(api)); VeloConnect:ApiBaseUrl points elsewhere.
var apiBaseUrl = new Uri(builder.Configuration["VeloConnect:ApiBaseUrl"] ?? "https+http://api");
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers: the only way to replace the defaults' handler per client.
builder.Services.AddHttpClient<VeloApi>(nameof(VeloApi), client => client.BaseAddress = apiBaseUrl)
    // Uploads and reviews of large files take longer than the default 10 s attempt, and a refused POST must
    // never be sent twice.
    .RemoveAllResilienceHandlers()
    .AddStandardResilienceHandler(options =>
    {
        options.Retry.DisableForUnsafeHttpMethods();
        options.AttemptTimeout.Timeout = TimeSpan.FromMinutes(2);
        options.TotalRequestTimeout.Timeout = TimeSpan.FromMinutes(5);
        options.CircuitBreaker.SamplingDuration = TimeSpan.FromMinutes(5);
    });
// Server-sent events stay open for as long as the page: no timeout, no retry handler in the way.
builder.Services.AddHttpClient(NotificationFeed.ClientName, client =>
    {
        client.BaseAddress = apiBaseUrl;
        client.Timeout = Timeout.InfiniteTimeSpan;
    })
    .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
builder.Services.AddScoped<ApiKeySource>();
builder.AddSignInProtection();

builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
    .AddCookie(options =>
    {
        options.Cookie.Name = "velo.session";
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Lax;
        // Sent over HTTPS only, outside Development (behind a TLS-terminating proxy too: the cookie is marked Secure either way).
        options.Cookie.SecurePolicy = builder.Environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        options.LoginPath = AccountEndpoints.SignInPath;
        options.Events.OnValidatePrincipal = AccountEndpoints.AddMissingRoleAsync;
        options.Events.OnRedirectToLogin = context =>
        {
            // In Development the demo workspace is signed in directly; elsewhere the key is asked for.
            var services = context.HttpContext.RequestServices;
            var target = AccountEndpoints.DemoKey(services.GetRequiredService<IConfiguration>(), services.GetRequiredService<IHostEnvironment>()) is null
                ? context.RedirectUri
                : $"{AccountEndpoints.DemoPath}?returnUrl={Uri.EscapeDataString(context.Request.PathBase + context.Request.Path + context.Request.QueryString)}";
            context.Response.Redirect(target);
            return Task.CompletedTask;
        };
    });
builder.Services.AddAuthorization();
builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<NotificationFeed>();

var app = builder.Build();
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/error", createScopeForErrors: true);
}

app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseAuthentication();
app.UseAuthorization();
app.UseAntiforgery();

app.MapStaticAssets().AllowAnonymous();
app.MapDefaultEndpoints();
app.MapAccountEndpoints();
app.MapDownloadEndpoints();
app.MapRazorComponents<App>()
    .AddInteractiveServerRenderMode();

app.Run();
