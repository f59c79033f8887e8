using System.Net;
using System.Net.Http.Json;
using Xunit;

namespace VeloConnect.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AuditApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Audit_log_filters_by_action_time_with_offsets_and_pages()
    {
        var ws = await fixture.NewWorkspaceAsync();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await ws.Http.PostAsJsonAsync("/api/fields", new { key = $"f{i}", label = $"F{i}", type = "text" })).StatusCode);
        }

        Assert.Equal(HttpStatusCode.OK, (await ws.Http.DeleteAsync("/api/fields/f0")).StatusCode);

        var created = await (await ws.Http.GetAsync("/api/audit?action=field.created")).ReadObjectAsync();
        Assert.Equal(["f2", "f1", "f0"], created["items"]!.AsArray().Select(i => i!["entityId"]!.GetValue<string>()));
        var fields = await (await ws.Http.GetAsync("/api/audit?action=field")).ReadObjectAsync();
        Assert.Equal(4, fields["items"]!.AsArray().Count);

        // A time with an offset is an instant like any other.
        var since = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(-1).ToOffset(TimeSpan.FromHours(2)).ToString("O"));
        var recent = await (await ws.Http.GetAsync($"/api/audit?from={since}")).ReadObjectAsync();
        Assert.Equal(4, recent["items"]!.AsArray().Count);
        var future = Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToOffset(TimeSpan.FromHours(-5)).ToString("O"));
        Assert.Empty((await (await ws.Http.GetAsync($"/api/audit?from={future}")).ReadObjectAsync())["items"]!.AsArray());

        var page1 = await (await ws.Http.GetAsync("/api/audit?limit=3")).ReadObjectAsync();
        Assert.Equal(3, page1["items"]!.AsArray().Count);
        var before = page1["nextBefore"]!.GetValue<long>();
        var page2 = await (await ws.Http.GetAsync($"/api/audit?limit=3&before={before}")).ReadObjectAsync();
        Assert.Single(page2["items"]!.AsArray());

        var problem = await (await ws.Http.GetAsync("/api/audit?limit=ten")).AssertProblemAsync(HttpStatusCode.BadRequest, "fix the fields");
        Assert.Contains("whole number between 1 and 500", problem["errors"]!["limit"]![0]!.GetValue<string>());
    }
}
