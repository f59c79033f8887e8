using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// What POST and PATCH /api/contacts accept: custom values against their field's type, identifiers, properties, and
/// the errors (each naming the property and saying what to send). One workspace with every field type, per class.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContactValidationTests(ApiFixture fixture, ContactValidationTests.Workspace shared) : IClassFixture<ContactValidationTests.Workspace>
{
    public static TheoryData<string, string, string> InvalidValues => new()
    {
        { "score", "\"abc\"", "Score: 'abc' is not a number (use digits with '.' as the decimal point" },
        { "score", "\"12,5\"", "Score: '12,5' is not a number" },
        { "score", "true", "Score: expected a number, got a JSON true." },
        { "score", "1e400", "Score: 1e400 is out of range for a number" },
        { "birthday", "\"31/03/2024\"", "Birthday: '31/03/2024' is not a date (use YYYY-MM-DD, e.g. 2024-03-31)." },
        { "birthday", "\"2024-02-30\"", "Birthday: '2024-02-30' is not a date" },
        { "birthday", "20240331", "Birthday: expected a date (YYYY-MM-DD), got a JSON number." },
        { "vip", "\"maybe\"", "VIP: 'maybe' is not a yes/no value (use true or false)." },
        { "vip", "1", "VIP: expected true or false, got a JSON number." },
        { "tier", "\"Platinum\"", "Loyalty tier: 'Platinum' is not one of the options (Gold, Silver, Bronze); add it in Settings → Contact fields or fix the value." },
        { "tier", "[\"Gold\"]", "Loyalty tier: expected one of the options, got a JSON array." },
        { "interests", "[\"Bikes\",\"Skiing\"]", "Interests: 'Skiing' is not one of the options (Bikes, Running, Swimming)" },
        { "interests", "\"Bikes, Skiing\"", "Interests: 'Skiing' is not one of the options" },
        { "interests", "[\"Bikes\",3]", "Interests: a multi-select value is an array of option strings." },
        { "interests", "{\"a\":1}", "Interests: expected an array of options, got a JSON object." },
        { "city", $"\"{new string('x', 10_001)}\"", "City: text is longer than 10000 characters." },
        { "city", "\"   \"", "City: a blank value is not allowed; send null to clear the field." },
        { "city", "42", "City: expected text, got a JSON number." },
    };

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task Invalid_custom_value_is_refused_on_create_naming_the_field(string key, string json, string message)
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var body = new JsonObject { ["email"] = email, ["custom"] = new JsonObject { [key] = JsonNode.Parse(json) } };

        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", body));
        Assert.Equal([$"custom.{key}"], errors.Keys);
        Assert.StartsWith(message, errors[$"custom.{key}"][0]);
        Assert.Empty(await FindAsync(ws, email));
    }

    [Theory]
    [MemberData(nameof(InvalidValues))]
    public async Task Invalid_custom_value_is_refused_on_edit_and_changes_nothing(string key, string json, string message)
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["custom"] = ValidCustom() });

        var patch = new JsonObject { ["name"] = "Changed", ["custom"] = new JsonObject { [key] = JsonNode.Parse(json) } };
        var errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", patch));
        Assert.Equal([$"custom.{key}"], errors.Keys);
        Assert.StartsWith(message, errors[$"custom.{key}"][0]);

        var after = await GetAsync(ws, contact);
        Assert.Null(after["name"]);
        Assert.True(JsonNode.DeepEquals(contact["custom"], after["custom"]), after["custom"]!.ToJsonString());
    }

    [Fact]
    public async Task Every_invalid_value_is_named_at_once()
    {
        var ws = await shared.GetAsync(fixture);
        var body = JsonNode.Parse("""
            {"phones": ["12"], "email": "nope", "tags": "vip",
             "custom": {"score": "abc", "birthday": "31/03/2024", "vip": "maybe", "tier": "Platinum", "interests": ["Skiing"], "colour": "red"}}
            """)!.AsObject();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", body));
        Assert.Equal(
            ["custom.birthday", "custom.colour", "custom.interests", "custom.score", "custom.tier", "custom.vip", "email", "phones", "tags"],
            errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Valid_values_are_stored_canonically_on_create()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, JsonNode.Parse($$"""
            {"email": "{{NewEmail()}}",
             "custom": {"city": "  Leeds ", "score": "1234.50", "birthday": "2024/03/31", "vip": "yes", "tier": "gold", "interests": "running, BIKES, Running"} }
            """)!.AsObject());

        var expected = JsonNode.Parse("""
            {"city": "Leeds", "score": 1234.50, "birthday": "2024-03-31", "vip": true, "tier": "Gold", "interests": ["Running", "Bikes"]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, contact["custom"]), contact["custom"]!.ToJsonString());
        var stored = await GetAsync(ws, contact);
        Assert.True(JsonNode.DeepEquals(expected, stored["custom"]), stored["custom"]!.ToJsonString());
        Assert.Equal(JsonValueKind.Number, stored["custom"]!["score"]!.GetValueKind());
        Assert.Equal(1234.5m, stored["custom"]!["score"]!.GetValue<decimal>());
        Assert.Equal(JsonValueKind.True, stored["custom"]!["vip"]!.GetValueKind());
        Assert.Equal(JsonValueKind.Array, stored["custom"]!["interests"]!.GetValueKind());

        // The database holds the same typed JSON.
        await using var command = fixture.DataSource.CreateCommand("select custom::text from contacts where id = @id");
        command.Parameters.AddWithValue("id", Id(contact));
        Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse((string)(await command.ExecuteScalarAsync())!)));
    }

    [Fact]
    public async Task Valid_json_typed_values_are_stored_canonically_on_edit()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["custom"] = ValidCustom() });

        var edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", JsonNode.Parse("""
            {"custom": {"score": -7, "birthday": "2024-03-31T10:00:00Z", "vip": false, "tier": "SILVER", "interests": ["swimming", "Bikes", "SWIMMING"]}}
            """)), HttpStatusCode.OK);

        var expected = JsonNode.Parse("""
            {"city": "York", "score": -7, "birthday": "2024-03-31", "vip": false, "tier": "Silver", "interests": ["Swimming", "Bikes"]}
            """);
        Assert.True(JsonNode.DeepEquals(expected, edited["custom"]), edited["custom"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, (await GetAsync(ws, contact))["custom"]));
        Assert.Equal(JsonValueKind.False, edited["custom"]!["vip"]!.GetValueKind());
    }

    [Fact]
    public async Task Unknown_custom_key_is_refused_telling_to_create_the_field_in_settings()
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { email, custom = new { colour = "red" } }));
        Assert.Equal(["custom.colour"], errors.Keys);
        Assert.Equal(
            "There is no contact field 'colour'. Create it in Settings → Contact fields (POST /api/fields) first; existing keys: city, score, birthday, vip, tier, interests.",
            errors["custom.colour"][0]);
        Assert.Empty(await FindAsync(ws, email));

        var contact = await CreateAsync(ws, new JsonObject { ["email"] = email });
        // Even clearing a key that does not exist is refused: it is most likely a typo.
        errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { custom = new { colour = (string?)null } }));
        Assert.Contains("Create it in Settings → Contact fields (POST /api/fields) first", errors["custom.colour"][0]);
    }

    [Fact]
    public async Task Custom_must_be_an_object()
    {
        var ws = await shared.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { email = NewEmail(), custom = new[] { "city" } }));
        Assert.Equal(["custom"], errors.Keys);
        Assert.Contains("'custom' must be an object of field key → value", errors["custom"][0]);
    }

    [Theory]
    [InlineData("12", "'12' is not a valid phone number in region US (add the country code, e.g. +44…, or choose the import's default region).")]
    [InlineData("+1 555", "'+1 555' is not a valid phone number")]
    [InlineData("call me", "'call me' is not a phone number")]
    public async Task Invalid_phone_is_refused(string phone, string message)
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { email, phones = new[] { phone } }));
        Assert.Equal(["phones"], errors.Keys);
        Assert.StartsWith(message, errors["phones"][0]);
        Assert.Empty(await FindAsync(ws, email));
    }

    [Theory]
    [InlineData("ann@", "'ann@' is not a valid email address (expected name@example.com).")]
    [InlineData("ann@example", "'ann@example' is not a valid email address")]
    [InlineData("ann smith@example.com", "'ann smith@example.com' is not a valid email address")]
    [InlineData("a@b@example.com", "'a@b@example.com' is not a valid email address")]
    public async Task Invalid_email_is_refused(string email, string message)
    {
        var ws = await shared.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { email, phones = new[] { NewPhone() } }));
        Assert.Equal(["email"], errors.Keys);
        Assert.StartsWith(message, errors["email"][0]);
    }

    [Fact]
    public async Task Invalid_phone_or_email_is_refused_on_edit()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail() });
        var errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { phones = new[] { "12" }, email = "ann@" }));
        Assert.Equal(["email", "phones"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.StartsWith("'12' is not a valid phone number", errors["phones"][0]);
        Assert.StartsWith("'ann@' is not a valid email address", errors["email"][0]);
        Assert.Equal(contact["email"]!.GetValue<string>(), (await GetAsync(ws, contact))["email"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"name": "Nobody"}""")]
    [InlineData("""{"name": "Nobody", "phones": [], "email": ""}""")]
    [InlineData("""{"name": "Nobody", "phones": ["  "], "email": "  "}""")]
    [InlineData("""{"name": "Nobody", "phones": null, "email": null}""")]
    public async Task A_contact_without_phone_and_email_is_refused(string json)
    {
        var ws = await shared.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsync("/api/contacts", Json(json)));
        Assert.Equal(["phones"], errors.Keys);
        Assert.Equal("A contact needs a phone or an email: send 'phones' (the first is the primary) or 'email'.", errors["phones"][0]);
    }

    [Fact]
    public async Task Removing_the_last_phone_and_email_by_edit_is_refused()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["name"] = "Keep" });
        var response = await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { email = (string?)null });
        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("A contact needs a phone or an email", problem["detail"]!.GetValue<string>());
        Assert.Equal(contact["email"]!.GetValue<string>(), (await GetAsync(ws, contact))["email"]!.GetValue<string>());
    }

    [Fact]
    public async Task Unknown_property_is_refused_listing_the_allowed_ones()
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsync("/api/contacts", Json($$"""{"email": "{{email}}", "colour": "red", "Name": "Ann"}""")));
        Assert.Equal(["Name", "colour"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("Unknown property 'colour'. Allowed: name, phones, email, tags, custom, assignedAgentId, source, region.", errors["colour"][0]);
        Assert.Empty(await FindAsync(ws, email));

        var contact = await CreateAsync(ws, new JsonObject { ["email"] = email });
        errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { source = "Manual" }));
        Assert.Equal(["source"], errors.Keys);
        Assert.Equal("Unknown property 'source'. Allowed: name, phones, email, tags, custom, assignedAgentId, region.", errors["source"][0]);
    }

    [Theory]
    [InlineData("optIns")]
    [InlineData("opt_ins")]
    [InlineData("optIn")]
    public async Task Opt_ins_in_the_body_are_refused_pointing_to_the_opt_in_endpoint(string property)
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var body = new JsonObject { ["email"] = email, [property] = JsonNode.Parse("""{"sms": "opted_in"}""") };
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", body));
        Assert.Equal([property], errors.Keys);
        Assert.Equal("Opt-ins cannot be set here: use PUT /api/contacts/{id}/opt-ins/{channel} with the status and the consent's source.", errors[property][0]);
        Assert.Empty(await FindAsync(ws, email));

        var contact = await CreateAsync(ws, new JsonObject { ["email"] = email });
        var patch = new JsonObject { [property] = JsonNode.Parse("""{"sms": "opted_in"}""") };
        errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", patch));
        Assert.Contains("use PUT /api/contacts/{id}/opt-ins/{channel}", errors[property][0]);
        Assert.Equal("unknown", (await GetAsync(ws, contact))["optIns"]!["sms"]!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Edit_with_null_clears_name_and_email_and_frees_the_email()
    {
        var ws = await shared.GetAsync(fixture);
        var email = NewEmail();
        var phone = NewPhone();
        var contact = await CreateAsync(ws, new JsonObject { ["name"] = "Ann", ["email"] = email, ["phones"] = new JsonArray(phone), ["tags"] = new JsonArray("vip") });

        var edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", JsonNode.Parse("""{"name": null, "email": null}""")), HttpStatusCode.OK);
        Assert.Null(edited["name"]);
        Assert.Null(edited["email"]);
        Assert.Equal([phone], edited["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        Assert.Equal(["vip"], edited["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var stored = await GetAsync(ws, contact);
        Assert.Null(stored["name"]);
        Assert.Null(stored["email"]);

        // The email no longer belongs to anyone: another contact may take it, and the search no longer finds the first by it.
        var other = await CreateAsync(ws, new JsonObject { ["email"] = email.ToUpperInvariant() });
        Assert.Equal([Id(other)], await FindAsync(ws, email));
    }

    [Theory]
    [InlineData("""{"name": ""}""")]
    [InlineData("""{"name": "   "}""")]
    public async Task Edit_with_a_blank_name_clears_it_as_a_blank_email_does(string json)
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["name"] = "Ann", ["email"] = NewEmail(), ["phones"] = new JsonArray(NewPhone()) });

        var edited = await ReadAsync(await ws.Http.PatchAsync($"/api/contacts/{Id(contact)}", Json(json)), HttpStatusCode.OK);
        Assert.Null(edited["name"]);

        edited = await ReadAsync(await ws.Http.PatchAsync($"/api/contacts/{Id(contact)}", Json("""{"email": ""}""")), HttpStatusCode.OK);
        Assert.Null(edited["email"]);
        Assert.Null((await GetAsync(ws, contact))["name"]);
    }

    [Fact]
    public async Task Edit_leaves_what_it_does_not_mention()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["name"] = "Ann", ["email"] = NewEmail(), ["tags"] = new JsonArray("vip"), ["custom"] = ValidCustom() });
        var edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { tags = new[] { "new" } }), HttpStatusCode.OK);
        Assert.Equal("Ann", edited["name"]!.GetValue<string>());
        Assert.Equal(contact["email"]!.GetValue<string>(), edited["email"]!.GetValue<string>());
        Assert.Equal(["new"], edited["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.True(JsonNode.DeepEquals(contact["custom"], edited["custom"]));

        var errors = await AssertValidationProblemAsync(await ws.Http.PatchAsync($"/api/contacts/{Id(contact)}", Json("{}")));
        Assert.Equal(["body"], errors.Keys);
        Assert.Equal("Send at least one of: name, phones, email, tags, custom, assignedAgentId.", errors["body"][0]);
    }

    [Fact]
    public async Task Edit_with_a_custom_key_null_removes_only_that_value()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["custom"] = ValidCustom() });

        var edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", JsonNode.Parse("""{"custom": {"city": null, "interests": null, "score": 8}}""")), HttpStatusCode.OK);
        var expected = JsonNode.Parse("""{"score": 8, "birthday": "1990-05-17", "vip": true, "tier": "Bronze"}""");
        Assert.True(JsonNode.DeepEquals(expected, edited["custom"]), edited["custom"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(expected, (await GetAsync(ws, contact))["custom"]));

        // An empty multi-select holds nothing: it is no value, like null.
        edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", JsonNode.Parse("""{"custom": {"interests": ["Bikes"]}}""")), HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""["Bikes"]"""), edited["custom"]!["interests"]));
        edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", JsonNode.Parse("""{"custom": {"interests": []}}""")), HttpStatusCode.OK);
        Assert.False(edited["custom"]!.AsObject().ContainsKey("interests"));
    }

    [Fact]
    public async Task Null_custom_values_on_create_are_no_values()
    {
        var ws = await shared.GetAsync(fixture);
        var contact = await CreateAsync(ws, JsonNode.Parse($$"""{"email": "{{NewEmail()}}", "custom": {"city": null, "score": 3} }""")!.AsObject());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score": 3}"""), contact["custom"]), contact["custom"]!.ToJsonString());
    }

    [Theory]
    [InlineData("{\"name\": \"Ann\", ", "The body is not valid JSON (")]
    [InlineData("{'name': 'Ann'}", "The body is not valid JSON (")]
    [InlineData("", "The body is not valid JSON (")]
    [InlineData("[{\"name\": \"Ann\"}]", "The body must be a JSON object, e.g. {\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}.")]
    [InlineData("\"Ann\"", "The body must be a JSON object")]
    public async Task Unreadable_body_is_a_bad_request_saying_why(string body, string detail)
    {
        var ws = await shared.GetAsync(fixture);
        var created = await ReadAsync(await ws.Http.PostAsync("/api/contacts", Json(body)), HttpStatusCode.BadRequest);
        Assert.StartsWith(detail, created["detail"]!.GetValue<string>());
        if (detail.StartsWith("The body is not valid JSON", StringComparison.Ordinal))
        {
            Assert.EndsWith("send a JSON object with Content-Type: application/json.", created["detail"]!.GetValue<string>());
        }

        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["name"] = "Before" });
        var edited = await ReadAsync(await ws.Http.PatchAsync($"/api/contacts/{Id(contact)}", Json(body)), HttpStatusCode.BadRequest);
        Assert.StartsWith(detail, edited["detail"]!.GetValue<string>());
        Assert.Equal("Before", (await GetAsync(ws, contact))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Wrongly_typed_properties_are_named()
    {
        var ws = await shared.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsync("/api/contacts", Json("""
            {"name": 5, "phones": "+14155550100", "email": ["a@example.com"], "tags": [1], "assignedAgentId": "bob", "source": "CSV import"}
            """)));
        Assert.Equal(["assignedAgentId", "email", "name", "phones", "source", "tags"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("'name' must be a string.", errors["name"][0]);
        Assert.StartsWith("'phones' must be an array of strings", errors["phones"][0]);
        Assert.StartsWith("'email' must be a string", errors["email"][0]);
        Assert.StartsWith("'tags' must be an array of strings", errors["tags"][0]);
        Assert.StartsWith("'assignedAgentId' must be the id of a user of this workspace", errors["assignedAgentId"][0]);
        Assert.Equal("Source must be one of API, Manual (imports set 'CSV import' themselves).", errors["source"][0]);
    }

    [Fact]
    public async Task Assigned_agent_must_be_a_user_of_the_workspace()
    {
        var ws = await shared.GetAsync(fixture);
        var stranger = Guid.NewGuid();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { email = NewEmail(), assignedAgentId = stranger }));
        Assert.Equal([$"No user {stranger} in this workspace; pick one from GET /api/users."], errors["assignedAgentId"]);

        var contact = await CreateAsync(ws, new JsonObject { ["email"] = NewEmail(), ["assignedAgentId"] = ws.UserId.ToString() });
        Assert.Equal(ws.UserId, contact["assignedAgentId"]!.GetValue<Guid>());
        errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(contact)}", new { assignedAgentId = fixture.A.UserId }));
        Assert.Equal([$"No user {fixture.A.UserId} in this workspace; pick one from GET /api/users."], errors["assignedAgentId"]);
        var edited = await ReadAsync(await ws.Http.PatchAsync($"/api/contacts/{Id(contact)}", Json("""{"assignedAgentId": null}""")), HttpStatusCode.OK);
        Assert.Null(edited["assignedAgentId"]);
    }

    [Fact]
    public async Task National_phone_numbers_are_read_in_the_workspace_region_unless_the_body_names_one()
    {
        var gb = await fixture.NewWorkspaceAsync("GB");
        var london = await CreateAsync(gb, new JsonObject { ["phones"] = new JsonArray("020 7946 0958") });
        Assert.Equal(["+442079460958"], london["phones"]!.AsArray().Select(p => p!.GetValue<string>()));

        var sanFrancisco = await CreateAsync(gb, new JsonObject { ["phones"] = new JsonArray("(415) 555-0100", "+44 20 7946 0959"), ["region"] = "us" });
        Assert.Equal(["+14155550100", "+442079460959"], sanFrancisco["phones"]!.AsArray().Select(p => p!.GetValue<string>()));

        // Without the region, the same US number is not a valid GB number.
        var errors = await AssertValidationProblemAsync(await gb.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "(415) 555-0101" } }));
        Assert.Equal("'(415) 555-0101' is not a valid phone number in region GB (add the country code, e.g. +44…, or choose the import's default region).", errors["phones"][0]);

        // Edits read numbers the same way.
        var edited = await ReadAsync(await gb.Http.PatchAsJsonAsync($"/api/contacts/{Id(london)}", new { phones = new[] { "020 7946 0958", "07911 123456" } }), HttpStatusCode.OK);
        Assert.Equal(["+442079460958", "+447911123456"], edited["phones"]!.AsArray().Select(p => p!.GetValue<string>()));
        edited = await ReadAsync(await gb.Http.PatchAsJsonAsync($"/api/contacts/{Id(london)}", new { phones = new[] { "+44 20 7946 0958", "030 12345678" }, region = "DE" }), HttpStatusCode.OK);
        Assert.Equal(["+442079460958", "+493012345678"], edited["phones"]!.AsArray().Select(p => p!.GetValue<string>()));

        // A US workspace reads the GB national number differently.
        var us = await shared.GetAsync(fixture);
        errors = await AssertValidationProblemAsync(await us.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "020 7946 0958" } }));
        Assert.StartsWith("'020 7946 0958' is not a valid phone number in region US", errors["phones"][0]);
    }

    [Theory]
    [InlineData("XX", "'XX' is not a region code; use a two-letter code such as US, GB or DE.")]
    [InlineData("GBR", "'region' is longer than 2 characters; shorten it.")]
    public async Task Unknown_region_is_refused(string region, string message)
    {
        var ws = await shared.GetAsync(fixture);
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/contacts", new { phones = new[] { "+14155550100" }, region }));
        Assert.Equal(["region"], errors.Keys);
        Assert.Equal(message, errors["region"][0]);
    }

    private static JsonObject ValidCustom() => JsonNode.Parse("""
        {"city": "York", "score": 5, "birthday": "1990-05-17", "vip": true, "tier": "Bronze", "interests": ["Running"]}
        """)!.AsObject();

    private static string NewEmail() => $"v{Guid.NewGuid():N}@example.com";

    private static int _phone;

    /// <summary>A valid US number no other test of the class uses.</summary>
    private static string NewPhone() => $"+1415555{1000 + Interlocked.Increment(ref _phone):0000}";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static Guid Id(JsonObject contact) => contact["id"]!.GetValue<Guid>();

    private static async Task<JsonObject> CreateAsync(TestWorkspace ws, JsonObject body) =>
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts", body), HttpStatusCode.Created);

    private static async Task<JsonObject> GetAsync(TestWorkspace ws, JsonObject contact) =>
        await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{Id(contact)}"), HttpStatusCode.OK);

    /// <summary>The ids the text search finds for an email (so a refused create can be shown to have left nothing).</summary>
    private static async Task<List<Guid>> FindAsync(TestWorkspace ws, string email)
    {
        var page = await ReadAsync(await ws.Http.GetAsync("/api/contacts?q=" + Uri.EscapeDataString(email)), HttpStatusCode.OK);
        return [.. page["items"]!.AsArray().Select(i => i!["id"]!.GetValue<Guid>())];
    }


    private static async Task<Dictionary<string, string[]>> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("fix the fields listed under 'errors'", problem["detail"]!.GetValue<string>());
        return problem["errors"]!.AsObject().ToDictionary(p => p.Key, p => p.Value!.AsArray().Select(m => m!.GetValue<string>()).ToArray());
    }

    /// <summary>A workspace with one field of every type, created on first use and shared by the class's tests.</summary>
    public sealed class Workspace : IDisposable
    {
        private readonly SemaphoreSlim _gate = new(1, 1);
        private TestWorkspace? _workspace;

        public async Task<TestWorkspace> GetAsync(ApiFixture fixture)
        {
            await _gate.WaitAsync();
            try
            {
                if (_workspace is null)
                {
                    var ws = await fixture.NewWorkspaceAsync();
                    foreach (var field in new[]
                    {
                        """{"key": "city", "label": "City", "type": "text"}""",
                        """{"key": "score", "label": "Score", "type": "number"}""",
                        """{"key": "birthday", "label": "Birthday", "type": "date"}""",
                        """{"key": "vip", "label": "VIP", "type": "boolean"}""",
                        """{"key": "tier", "label": "Loyalty tier", "type": "single_select", "options": ["Gold", "Silver", "Bronze"]}""",
                        """{"key": "interests", "label": "Interests", "type": "multi_select", "options": ["Bikes", "Running", "Swimming"]}""",
                    })
                    {
                        var response = await ws.Http.PostAsync("/api/fields", Json(field));
                        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
                    }

                    _workspace = ws;
                }

                return _workspace;
            }
            finally
            {
                _gate.Release();
            }
        }

        public void Dispose() => _gate.Dispose();
    }
}
