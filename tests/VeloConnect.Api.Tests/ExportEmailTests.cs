using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>The email a user gets when an export is ready, received by an SMTP server inside the test process.</summary>
[Collection(ApiCollection.Name)]
public sealed partial class ExportEmailTests(ApiFixture fixture)
{
    /// <summary>A workspace whose user has the given email address (or none), with one contact to export.</summary>
    private async Task<(TestWorkspace Workspace, HttpClient User)> UserWithAddressAsync(string? address)
    {
        var ws = await fixture.NewWorkspaceAsync();
        var (_, key) = await new WorkspaceStore(fixture.DataSource).AddUserAsync(ws.Id, "Erin Example", address);
        var user = fixture.Client(key);
        await user.CreateContactAsync(new { name = "Ann", phones = new[] { "+14155550100" } });
        return (ws, user);
    }

    private static async Task<JsonArray> AuditAsync(HttpClient http, string exportId) =>
        (await ApiTestExtensions.ReadAsync(await http.GetAsync($"/api/audit?entityId={exportId}"), HttpStatusCode.OK))["items"]!.AsArray();

    private static bool Has(JsonArray audit, string action) => audit.Any(e => e!["action"]!.GetValue<string>() == action);

    [Fact]
    public async Task Ready_export_is_emailed_with_a_link_that_downloads_the_file_without_an_api_key()
    {
        var address = $"erin-{Guid.NewGuid():N}@example.com";
        var (_, user) = await UserWithAddressAsync(address);
        var export = await user.ExportToEndAsync("format=csv");
        var id = export["id"]!.GetValue<string>();

        var email = await fixture.Mail.WaitForMessageToAsync(address);

        Assert.Equal(address, Assert.Single(email.To.Mailboxes).Address);
        Assert.Equal("Your VeloConnect export is ready", email.Subject);
        Assert.Contains("1 contact as CSV", email.TextBody);
        var link = Assert.Single(LinkPattern().Matches(email.TextBody ?? "")).Value;
        Assert.StartsWith("http://localhost/api/exports/download?token=", link);
        Assert.Contains(link.Replace("&", "&amp;"), email.HtmlBody);

        var anonymous = fixture.Client(null);
        var response = await anonymous.GetAsync(link);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(await user.DownloadAsync(export), await response.Content.ReadAsByteArrayAsync());

        var emailed = (await AuditAsync(user, id)).Single(e => e!["action"]!.GetValue<string>() == "export.emailed")!;
        Assert.Equal(address, emailed["details"]!["to"]!.GetValue<string>());
    }

    [Fact]
    public async Task Emailed_link_altered_is_403_and_once_the_export_expired_410()
    {
        var address = $"erin-{Guid.NewGuid():N}@example.com";
        var (_, user) = await UserWithAddressAsync(address);
        var id = (await user.ExportToEndAsync("format=json"))["id"]!.GetValue<string>();
        var link = LinkPattern().Match((await fixture.Mail.WaitForMessageToAsync(address)).TextBody ?? "").Value;
        var anonymous = fixture.Client(null);

        // The expiry stretched by a year, the signature kept: the signature no longer matches.
        var token = link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..].Split('.');
        var payload = Base64Url.DecodeFromChars(token[0]);
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(33, 8), BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(33, 8)) + 365 * 86_400);
        var stretched = link.Replace(token[0], Base64Url.EncodeToString(payload), StringComparison.Ordinal);
        await (await anonymous.GetAsync(stretched)).AssertProblemAsync(HttpStatusCode.Forbidden, "altered");
        await (await anonymous.GetAsync(link[..^3])).AssertProblemAsync(HttpStatusCode.Forbidden, "altered");

        await using (var command = fixture.DataSource.CreateCommand("update exports set expires_at = now() - interval '1 second' where id = @id"))
        {
            command.Parameters.AddWithValue("id", Guid.Parse(id));
            await command.ExecuteNonQueryAsync();
        }

        await (await anonymous.GetAsync(link)).AssertProblemAsync(HttpStatusCode.Gone, "expired");
    }

    [Fact]
    public async Task User_without_an_email_address_gets_the_notification_and_no_email()
    {
        var (_, user) = await UserWithAddressAsync(null);
        var id = (await user.ExportToEndAsync("format=csv"))["id"]!.GetValue<string>();

        var notification = await ExportTestSupport.WaitForAsync(async () =>
            (await ApiTestExtensions.ReadAsync(await user.GetAsync("/api/notifications"), HttpStatusCode.OK))["items"]!.AsArray()
                .FirstOrDefault(n => n!["link"]?.GetValue<string>() == $"/api/exports/{id}/download"));

        Assert.Equal("export.ready", notification["kind"]!.GetValue<string>());
        var audit = await AuditAsync(user, id);
        Assert.False(Has(audit, "export.emailed") || Has(audit, "export.email_failed"), audit.ToJsonString());
    }

    [Fact]
    public async Task Failed_send_leaves_the_export_ready_and_audits_the_reason()
    {
        var (_, user) = await UserWithAddressAsync($"erin-{Guid.NewGuid():N}@{TestSmtpServer.RefusedDomain}");
        var export = await user.ExportToEndAsync("format=csv");
        var id = export["id"]!.GetValue<string>();

        var failed = await ExportTestSupport.WaitForAsync(async () =>
            (await AuditAsync(user, id)).FirstOrDefault(e => e!["action"]!.GetValue<string>() == "export.email_failed"));

        Assert.False(string.IsNullOrWhiteSpace(failed["details"]!["reason"]!.GetValue<string>()));
        Assert.False(Has(await AuditAsync(user, id), "export.emailed"));
        var state = await ApiTestExtensions.ReadAsync(await user.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK);
        Assert.Equal("ready", state["status"]!.GetValue<string>());
        Assert.NotEmpty(await user.DownloadAsync(export));
    }

    [GeneratedRegex(@"https?://\S+/api/exports/download\?token=[A-Za-z0-9_.\-]+")]
    private static partial Regex LinkPattern();
}
