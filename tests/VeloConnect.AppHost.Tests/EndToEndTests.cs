using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Xunit;

namespace VeloConnect.AppHost.Tests;

/// <summary>The whole system as the AppHost runs it: PostgreSQL, Redis, the mail server, the Orleans silo and the API.</summary>
[Collection(AppHostCollection.Name)]
public sealed class EndToEndTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Every_resource_becomes_healthy()
    {
        await fixture.WaitUntilHealthyAsync();

        foreach (var name in AppHostFixture.ResourceNames)
        {
            Assert.True(
                fixture.App.ResourceNotifications.TryGetCurrentState(name, out var resourceEvent)
                    && resourceEvent.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                $"{name} is not healthy.");
        }
    }

    [Fact]
    public async Task A_contact_created_through_the_api_is_listed()
    {
        await fixture.WaitUntilHealthyAsync();
        using var client = fixture.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.DemoApiKeyAsync());

        using var created = await client.PostAsJsonAsync("/api/contacts", new
        {
            name = "Ann",
            phones = new[] { "+14155550100" },
            email = "ann@example.com",
            tags = new[] { "vip" },
        });
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /api/contacts answered {(int)created.StatusCode}: {createdBody}");

        using var contact = JsonDocument.Parse(createdBody);
        var id = contact.RootElement.GetProperty("id");
        Assert.Equal("Ann", contact.RootElement.GetProperty("name").GetString());
        Assert.Equal("ann@example.com", contact.RootElement.GetProperty("email").GetString());
        // Phones and tags may come back as strings or richer objects: only their values matter here.
        Assert.Contains("+14155550100", contact.RootElement.GetProperty("phones").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"vip\"", contact.RootElement.GetProperty("tags").GetRawText(), StringComparison.Ordinal);

        using var listed = await client.GetAsync("/api/contacts");
        var listedBody = await listed.Content.ReadAsStringAsync();
        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"GET /api/contacts answered {(int)listed.StatusCode}: {listedBody}");

        using var page = JsonDocument.Parse(listedBody);
        Assert.True(page.RootElement.TryGetProperty("nextCursor", out _), $"The page has no nextCursor: {listedBody}");
        Assert.Contains(
            page.RootElement.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("id").GetRawText() == id.GetRawText() && item.GetProperty("name").GetString() == "Ann");
    }

    [Fact]
    public async Task The_mail_servers_web_inbox_answers()
    {
        await fixture.WaitUntilHealthyAsync();
        using var inbox = fixture.App.CreateHttpClient("mail", "http");

        using var page = await inbox.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
