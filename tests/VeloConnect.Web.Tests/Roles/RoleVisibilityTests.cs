using System.Net;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Account;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Contacts;
using VeloConnect.Web.Components.Layout;
using VeloConnect.Web.Components.Pages;
using VeloConnect.Web.Notifications;
using Xunit;

namespace VeloConnect.Web.Tests.Roles;

/// <summary>
/// What an agent key does not see (issue 15): each admin-only control, rendered once for an agent (hidden, and on an
/// admin-only page a clear "Only admins can …") and once for an admin (shown). The API is a stand-in answering by path.
/// </summary>
public sealed class RoleVisibilityTests : BunitContext, IAsyncLifetime
{
    private static readonly Guid ImportId = Guid.Parse("0f7c1a52-3c55-4f1e-9d1b-6a1e00000015");
    private readonly PathAnswers _api = new();

    public RoleVisibilityTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
        Services.AddScoped<ApiKeySource>();
        Services.AddScoped(_ => new VeloApi(new HttpClient(_api) { BaseAddress = new Uri("http://api.test") }, Services.GetRequiredService<ApiKeySource>()));
        Services.AddHttpClient(NotificationFeed.ClientName, c => c.BaseAddress = new Uri("http://api.test")).ConfigurePrimaryHttpMessageHandler(() => _api);
        Services.AddScoped<NotificationFeed>();
        _api.Answer("GET /api/users", "[]");
        _api.Answer("GET /api/fields", """[{"key":"plan","label":"Plan","type":"text","options":[]}]""");
    }

    public Task InitializeAsync() => Task.CompletedTask;

    // The layout's notification feed is disposed only asynchronously.
    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    private void SignIn(string role) =>
        AddAuthorization().SetAuthorized("Ann").SetRoles(role).SetClaims(new Claim(SignInClaims.ApiKey, "vc_test_key"));

    [Theory]
    [InlineData("agent", false)]
    [InlineData("admin", true)]
    public void The_audit_log_link_is_for_admins(string role, bool shown)
    {
        SignIn(role);
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page"))));
        Assert.Equal(shown, layout.FindAll("fluent-anchor, a").Any(a => a.GetAttribute("href") == "/audit"));
        Assert.Contains(layout.FindAll("fluent-anchor, a"), a => a.GetAttribute("href") == "/exports");
    }

    [Theory]
    [InlineData("agent", false)]
    [InlineData("admin", true)]
    public void The_audit_log_page_tells_an_agent_only_admins_read_it(string role, bool admin)
    {
        SignIn(role);
        _api.Answer("GET /api/audit", """{"items":[],"nextBefore":null}""");
        var page = Render<AuditLog>();
        page.WaitForAssertion(() => Assert.Equal(admin, page.FindAll("form.audit-filters").Count == 1));
        Assert.Equal(!admin, page.Markup.Contains("Only admins can read the audit log", StringComparison.Ordinal));
        // An agent's page asks the API for nothing (it would answer 403).
        Assert.Equal(admin, _api.Asked.Any(a => a.StartsWith("GET /api/audit", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("agent", false)]
    [InlineData("admin", true)]
    public void Field_create_edit_and_delete_are_for_admins(string role, bool admin)
    {
        SignIn(role);
        var page = Render<ContactFields>();
        page.WaitForAssertion(() => Assert.NotNull(page.Find("#fields-table")));
        Assert.Contains("Plan", page.Find("#fields-table").TextContent, StringComparison.Ordinal);
        Assert.Equal(admin, page.FindAll("form.field-form").Count == 1);
        Assert.Equal(admin, page.FindAll("fluent-button").Any(b => b.GetAttribute("aria-label") == "Edit Plan"));
        Assert.Equal(admin, page.FindAll("fluent-button").Any(b => b.GetAttribute("aria-label") == "Delete Plan"));
        Assert.Equal(!admin, page.Markup.Contains("Only admins can add, change or delete contact fields", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("agent", false)]
    [InlineData("admin", true)]
    public void Undoing_an_import_is_for_admins(string role, bool admin)
    {
        SignIn(role);
        var finished = DateTimeOffset.UtcNow.AddHours(-1);
        var import = Wire.Import(
            ImportId, "people.csv", 120, ImportStatus.Finished, finished, Wire.Encoding("utf-8", "UTF-8", null, "UTF-8"), "comma", true, true,
            [Wire.Column(0, "Name", ["Ann"])], 1, [], Wire.Mapping(["name"], true, "US", "confirmed"), [Wire.Target("name", "Name")],
            Wire.Progress(1, 1), Wire.Counts(1, 0, 0, 0), finished, finished, null, "wizard");
        _api.Answer("GET /api/imports", JsonSerializer.Serialize(new[] { import }, VeloApiClient.Json));
        var page = Render<ImportHistory>();
        page.WaitForAssertion(() => Assert.Contains("people.csv", page.Markup, StringComparison.Ordinal));
        Assert.Equal(admin, page.FindAll("td.undo fluent-button").Any(b => b.TextContent.Trim() == "Undo"));
    }

    [Theory]
    [InlineData("agent", false)]
    [InlineData("admin", true)]
    public void Deleting_all_matching_contacts_is_for_admins(string role, bool admin)
    {
        SignIn(role);
        var page = Render<Contacts>();
        page.WaitForAssertion(() => Assert.Contains(page.FindAll("fluent-button"), b => b.TextContent.Trim() == "Delete selected"));
        Assert.Equal(admin, page.FindAll("fluent-button").Any(b => b.TextContent.Trim() == "Delete all matching"));
    }

    [Theory]
    [InlineData("agent", "", false)]
    [InlineData("agent", "vip", true)]
    [InlineData("admin", "", true)]
    public void Exporting_every_contact_is_for_admins_an_agent_exports_a_filter(string role, string tags, bool offered)
    {
        SignIn(role);
        var export = Render<ContactExport>(p => p.Add(e => e.Filter, new ContactListFilter { Tags = tags }));
        Assert.Equal(offered, export.FindAll("fluent-button").Any(b => b.TextContent.Trim() == "Export CSV"));
        Assert.Equal(!offered, export.FindAll("#export-needs-filter").Count == 1);
    }

    /// <summary>Answers GETs by method and path with fixed JSON (404 ProblemDetails otherwise); remembers what was asked.</summary>
    private sealed class PathAnswers : HttpMessageHandler
    {
        private readonly Dictionary<string, string> _json = [];
        private readonly List<string> _asked = [];

        public IReadOnlyList<string> Asked
        {
            get
            {
                lock (_asked)
                {
                    return [.. _asked];
                }
            }
        }

        public void Answer(string key, string json) => _json[key] = json;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = $"{request.Method} {request.RequestUri!.AbsolutePath}";
            lock (_asked)
            {
                _asked.Add(key);
            }

            return Task.FromResult(_json.TryGetValue(key, out var json)
                ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(json, Encoding.UTF8, "application/json") }
                : new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent($$"""{"title":"Not found: {{key}}","status":404}""", Encoding.UTF8, "application/problem+json") });
        }
    }
}
