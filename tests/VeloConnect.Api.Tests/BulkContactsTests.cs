using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>The bulk endpoint: the import's rules, item by item, in one request.</summary>
[Collection(ApiCollection.Name)]
public sealed class BulkContactsTests(ApiFixture fixture)
{
    [Fact]
    public async Task Mixed_batch_answers_every_item_with_its_outcome()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var byPhone = await ws.Http.CreateContactAsync(new { name = "By phone", phones = new[] { "+14155550201" }, tags = new[] { "vip" } });
        var byEmail = await ws.Http.CreateContactAsync(new { name = "By email", email = "ann@example.com", tags = new[] { "old" } });

        var response = await PostBulkAsync(ws.Http, new object[]
        {
            new { name = "New one", phones = new[] { "+14155550202" }, tags = new[] { "fresh" } },
            new { phones = new[] { "(415) 555-0201" }, tags = new[] { "newsletter" } },
            new { name = "Ann Again", email = "ANN@example.com" },
            new { name = "Twin", phones = new[] { "+14155550202" } },
            new { name = "Bad phone", phones = new[] { "123" } },
            new { name = "Nothing to match" },
            "not an object",
        });

        Assert.Equal((1, 2, 1, 3), BulkCounts(response));
        var results = response["results"]!.AsArray();
        Assert.Equal(7, results.Count);
        Assert.Equal(Enumerable.Range(0, 7), results.Select(r => r!["index"]!.GetValue<int>()));
        Assert.Equal(["created", "updated", "updated", "skipped", "error", "error", "error"], results.Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal(byPhone.Id(), results[1]!["contactId"]!.GetValue<string>());
        Assert.Equal(byEmail.Id(), results[2]!["contactId"]!.GetValue<string>());
        Assert.Equal(0, results[3]!["duplicateOf"]!.GetValue<int>());
        Assert.Contains("item 0", results[3]!["reasons"]![0]!.GetValue<string>());
        Assert.StartsWith("phones:", results[4]!["reasons"]![0]!.GetValue<string>());
        Assert.Contains("phone or an email", results[5]!["reasons"]![0]!.GetValue<string>());
        Assert.Contains("JSON object", results[6]!["reasons"]![0]!.GetValue<string>());

        var created = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{results[0]!["contactId"]!.GetValue<string>()}"), HttpStatusCode.OK);
        Assert.Equal(("New one", "API"), (created["name"]!.GetValue<string>(), created["source"]!.GetValue<string>()));
        var phoneMatch = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{byPhone.Id()}"), HttpStatusCode.OK);
        Assert.Equal("By phone", phoneMatch["name"]!.GetValue<string>());
        Assert.Equal(["vip", "newsletter"], Strings(phoneMatch["tags"]));
        var emailMatch = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{byEmail.Id()}"), HttpStatusCode.OK);
        Assert.Equal(("Ann Again", "ANN@example.com"), (emailMatch["name"]!.GetValue<string>(), emailMatch["email"]!.GetValue<string>()));
        Assert.Equal(["old"], Strings(emailMatch["tags"]));
    }

    [Fact]
    public async Task Bulk_update_keeps_opt_outs_and_reports_an_identifier_it_left_with_its_owner()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var a = await ws.Http.CreateContactAsync(new { name = "A", phones = new[] { "+14155550211" } });
        var b = await ws.Http.CreateContactAsync(new { name = "B", email = "b@example.com" });
        (await ws.Http.PutAsJsonAsync($"/api/contacts/{a.Id()}/opt-ins/sms", new { status = "opted_out", source = "replied STOP" })).EnsureSuccessStatusCode();

        var response = await PostBulkAsync(ws.Http, new object[] { new { name = "A renamed", phones = new[] { "+14155550211" }, email = "b@example.com" } });

        var result = response["results"]![0]!;
        Assert.Equal(("updated", a.Id()), (result["status"]!.GetValue<string>(), result["contactId"]!.GetValue<string>()));
        Assert.Contains(b.Id(), result["warnings"]![0]!.GetValue<string>());
        var after = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{a.Id()}"), HttpStatusCode.OK);
        Assert.Equal("A renamed", after["name"]!.GetValue<string>());
        Assert.Null(after["email"]);
        Assert.Equal("opted_out", after["optIns"]!["sms"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Two_overlapping_bulk_requests_at_once_keep_both_requests_tags()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var phones = Enumerable.Range(0, 200).Select(i => $"+1415555{3000 + i}").ToList();
        await PostBulkAsync(ws.Http, [.. phones.Select(p => (object)new { phones = new[] { p }, tags = new[] { "seed" } })]);

        var both = await Task.WhenAll(
            PostBulkAsync(ws.Http, [.. phones.Select(p => (object)new { phones = new[] { p }, tags = new[] { "left" } })]),
            PostBulkAsync(ws.Http, [.. phones.AsEnumerable().Reverse().Select(p => (object)new { phones = new[] { p }, tags = new[] { "right" } })]));

        Assert.All(both, response => Assert.Equal((0, 200, 0, 0), BulkCounts(response)));
        foreach (var phone in phones)
        {
            var contact = await ws.Http.ContactByPhoneAsync(phone);
            Assert.Equal(["left", "right", "seed"], Strings(contact["tags"]).Order());
        }
    }

    [Fact]
    public async Task Retried_request_with_the_same_key_returns_the_first_answer_and_applies_nothing_again()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = new object[] { new { name = "Ann", phones = new[] { "+14155550231" }, tags = new[] { "first" } }, new { name = "Bob", email = "bob@example.com" } };

        var first = await SendWithKeyAsync(ws.Http, "batch-0001", body);
        var created = await ws.Http.ContactByPhoneAsync("+14155550231");
        var retry = await SendWithKeyAsync(ws.Http, "batch-0001", body);

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await retry.Content.ReadAsStringAsync());
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotency-Replayed")));
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        var after = await ws.Http.ContactByPhoneAsync("+14155550231");
        Assert.Equal(created["updatedAt"]!.GetValue<DateTimeOffset>(), after["updatedAt"]!.GetValue<DateTimeOffset>());
        var list = await ReadAsync(await ws.Http.GetAsync("/api/contacts"), HttpStatusCode.OK);
        Assert.Equal(2, list["items"]!.AsArray().Count);
    }

    [Fact]
    public async Task Reused_key_with_another_body_is_refused_and_keys_belong_to_their_workspace()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        (await SendWithKeyAsync(ws.Http, "shared-key", new object[] { new { phones = new[] { "+14155550241" } } })).EnsureSuccessStatusCode();

        var reused = await SendWithKeyAsync(ws.Http, "shared-key", new object[] { new { phones = new[] { "+14155550242" } } });
        var elsewhere = await SendWithKeyAsync(other.Http, "shared-key", new object[] { new { phones = new[] { "+14155550242" } } });

        await reused.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "different body");
        var answer = await ReadAsync(elsewhere, HttpStatusCode.OK);
        Assert.Equal((1, 0, 0, 0), BulkCounts(answer));
        var missing = await ws.Http.GetAsync("/api/contacts?q=4155550242");
        Assert.Empty((await ReadAsync(missing, HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task Openapi_document_describes_the_bulk_endpoint_with_examples()
    {
        var ws = await fixture.NewWorkspaceAsync();

        var document = await ws.Http.GetFromJsonAsync<JsonObject>("/openapi/v1.json");

        var operation = document!["paths"]!["/api/contacts/bulk"]!["post"]!;
        Assert.Contains("Idempotency-Key", operation["description"]!.GetValue<string>());
        Assert.Equal(4, operation["requestBody"]!["content"]!["application/json"]!["example"]!.AsArray().Count);
        var answer = operation["responses"]!["200"]!["content"]!["application/json"]!["example"]!;
        Assert.Equal(["created", "updated", "skipped", "error"], answer["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()));
    }

    [Fact]
    public async Task More_than_ten_thousand_items_are_refused_with_the_limit()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = new StringBuilder("[");
        for (var i = 0; i < 10_001; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"phones\":[\"+1415555").Append(1000 + (i % 8000)).Append("\"]}");
        }

        var response = await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(body.Append(']').ToString(), Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "at most 10,000");
        Assert.Contains("10,001", problem["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("[{\"name\": ", "not valid JSON")]
    [InlineData("{\"name\": \"Ann\"}", "JSON array")]
    [InlineData("[]", "JSON array")]
    public async Task Malformed_or_empty_requests_are_refused_with_what_to_send(string body, string detail)
    {
        var ws = await fixture.NewWorkspaceAsync();

        var response = await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(body, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, detail);
    }

    private static async Task<HttpResponseMessage> SendWithKeyAsync(HttpClient http, string key, object[] items)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/contacts/bulk") { Content = JsonContent.Create(items) };
        request.Headers.Add("Idempotency-Key", key);
        return await http.SendAsync(request);
    }

    [Fact]
    public async Task Ndjson_body_one_contact_per_line_is_answered_like_an_array_and_a_bad_line_is_named()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ndjson = "{\"name\": \"Line one\", \"phones\": [\"+14155550231\"]}\r\n\n"
            + "{\"name\": \"Line two\", \"email\": \"two@example.com\"}\n"
            + "{\"name\": \"Twin of one\", \"phones\": [\"(415) 555-0231\"]}\n";
        var response = await ReadAsync(await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(ndjson, Encoding.UTF8, "application/x-ndjson")), HttpStatusCode.OK);

        Assert.Equal((2, 0, 1, 0), BulkCounts(response));
        Assert.Equal(["created", "created", "skipped"], response["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>()));
        Assert.Equal("Line two", (await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{response["results"]![1]!["contactId"]!.GetValue<string>()}"), HttpStatusCode.OK))["name"]!.GetValue<string>());

        var bad = "{\"name\": \"Fine\", \"phones\": [\"+14155550232\"]}\n{\"name\": \"Broken\",\n";
        await (await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(bad, Encoding.UTF8, "application/x-ndjson")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Line 2 is not valid JSON");
        var tooMany = string.Concat(Enumerable.Range(0, 10_001).Select(i => "{\"name\": \"N\"}\n"));
        await (await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(tooMany, Encoding.UTF8, "application/x-ndjson")))
            .AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "10,001 contacts");
        Assert.Empty((await ReadAsync(await ws.Http.GetAsync("/api/contacts?q=Fine"), HttpStatusCode.OK))["items"]!.AsArray());
    }

    [Fact]
    public async Task A_property_given_twice_is_refused_naming_the_item_or_line_and_nothing_is_written()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var array = """[{"name": "Fine", "phones": ["+14155550233"]}, {"name": "Twice", "email": "a@example.com", "email": "b@example.com"}]""";
        await (await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(array, Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Item 1 is not valid JSON (Duplicate property 'email'");
        var lines = "{\"name\": \"Fine\", \"phones\": [\"+14155550233\"]}\n\n{\"custom\": {\"k\": 1, \"k\": 2}, \"name\": \"Twice\"}\n";
        await (await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(lines, Encoding.UTF8, "application/x-ndjson")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Line 3 is not valid JSON (Duplicate property 'k'");
        await (await ws.Http.PostAsync("/api/contacts", new StringContent("""{"name": "A", "name": "B", "phones": ["+14155550233"]}""", Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "Duplicate property 'name'");

        Assert.Equal(0, JsonNode.Parse(await ws.Http.GetStringAsync("/api/contacts/count"))!["count"]!.GetValue<int>());
    }

    [Fact]
    public async Task Text_beyond_ascii_raw_or_escaped_is_stored_as_sent()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Raw UTF-8, escapes of ordinary characters and a surrogate pair: all text; only NUL and lone surrogates are refused.
        var body = "[{\"name\": \"Zoë Ñúñez 日本\", \"phones\": [\"+14155550234\"]}, {\"name\": \"Jos\\u00e9 \\ud83d\\ude00 \\\"Q\\\"\", \"email\": \"jose@example.com\", \"tags\": [\"caf\\u00e9\"]}]";
        var response = await ReadAsync(await ws.Http.PostAsync("/api/contacts/bulk", new StringContent(body, Encoding.UTF8, "application/json")), HttpStatusCode.OK);

        var ids = response["results"]!.AsArray().Select(r => r!["contactId"]!.GetValue<string>()).ToList();
        Assert.Equal("Zoë Ñúñez 日本", (await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{ids[0]}"), HttpStatusCode.OK))["name"]!.GetValue<string>());
        var second = await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{ids[1]}"), HttpStatusCode.OK);
        Assert.Equal("José \U0001F600 \"Q\"", second["name"]!.GetValue<string>());
        Assert.Equal(["café"], second["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
    }

    private static async Task<JsonObject> PostBulkAsync(HttpClient http, object[] items) =>
        await ReadAsync(await http.PostAsJsonAsync("/api/contacts/bulk", items), HttpStatusCode.OK);
}
