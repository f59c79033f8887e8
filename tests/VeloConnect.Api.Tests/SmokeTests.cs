using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SmokeTests(ApiFixture fixture)
{
    [Fact]
    public async Task Created_contact_is_listed_with_normalised_phone()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var created = await ws.Http.PostAsJsonAsync("/api/contacts", new { name = "Ann", phones = new[] { "(415) 555-0100" }, email = " Ann@Example.com ", tags = new[] { "vip" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var list = await ws.Http.GetFromJsonAsync<JsonObject>("/api/contacts");
        var item = Assert.Single(list!["items"]!.AsArray());
        Assert.Equal("+14155550100", item!["phones"]![0]!.GetValue<string>());
        Assert.Equal("Ann@Example.com", item["email"]!.GetValue<string>());
        Assert.Equal("API", item["source"]!.GetValue<string>());
    }

    [Fact]
    public async Task Development_serves_the_openapi_document_and_its_browsable_ui_without_a_key()
    {
        var anonymous = fixture.Client(null);
        var document = await anonymous.GetFromJsonAsync<JsonObject>("/openapi/v1.json");
        var paths = document!["paths"]!.AsObject();
        foreach (var path in new[] { "/api/contacts", "/api/contacts/{id}", "/api/contacts/{id}/opt-ins/{channel}", "/api/fields", "/api/audit", "/api/notifications", "/api/notifications/stream" })
        {
            Assert.True(paths.ContainsKey(path), $"The OpenAPI document lacks {path}");
        }

        var ui = await anonymous.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, ui.StatusCode);
        Assert.Contains("text/html", ui.Content.Headers.ContentType!.ToString());
    }
}
