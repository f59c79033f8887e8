using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>Settings → Contact fields: definitions, their validation, changes, deletion and the audit rows they leave.</summary>
[Collection(ApiCollection.Name)]
public sealed class FieldsApiTests(ApiFixture fixture)
{
    private static readonly JsonObject[] EveryType =
    [
        new() { ["key"] = "city", ["label"] = "City", ["type"] = "text" },
        new() { ["key"] = "score", ["label"] = "Score", ["type"] = "number" },
        new() { ["key"] = "birthday", ["label"] = "Birthday", ["type"] = "date" },
        new() { ["key"] = "vip", ["label"] = "VIP", ["type"] = "boolean" },
        new() { ["key"] = "tier", ["label"] = "Loyalty tier", ["type"] = "single_select", ["options"] = new JsonArray("Gold", "Silver", "Bronze") },
        new() { ["key"] = "interests", ["label"] = "Interests", ["type"] = "multi_select", ["options"] = new JsonArray("Bikes", "Running", "Swimming") },
    ];

    [Fact]
    public async Task Each_type_is_created_and_listed_in_creation_order()
    {
        var ws = await fixture.NewWorkspaceAsync();
        foreach (var field in EveryType)
        {
            var response = await ws.Http.PostAsJsonAsync("/api/fields", field);
            var created = await ReadAsync(response, HttpStatusCode.Created);
            Assert.Equal($"/api/fields/{field["key"]}", response.Headers.Location?.OriginalString);
            Assert.True(JsonNode.DeepEquals(Expected(field), created), created.ToJsonString());
        }

        var list = await ReadArrayAsync(await ws.Http.GetAsync("/api/fields"));
        Assert.Equal(["city", "score", "birthday", "vip", "tier", "interests"], list.Select(f => f!["key"]!.GetValue<string>()));
        for (var i = 0; i < EveryType.Length; i++)
        {
            Assert.True(JsonNode.DeepEquals(Expected(EveryType[i]), list[i]), list[i]!.ToJsonString());
        }
    }

    [Fact]
    public async Task Key_and_label_are_trimmed_and_type_is_read_in_any_case()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var created = await ReadAsync(
            await ws.Http.PostAsJsonAsync("/api/fields", new { key = " plan ", label = " Plan ", type = "Single_Select", options = new[] { "Free", "Pro" } }),
            HttpStatusCode.Created);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"plan","label":"Plan","type":"single_select","options":["Free","Pro"]}"""), created), created.ToJsonString());
    }

    [Fact]
    public async Task Fields_belong_to_their_workspace()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var other = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[0]);

        Assert.Empty(await ReadArrayAsync(await other.Http.GetAsync("/api/fields")));
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.PutAsJsonAsync("/api/fields/city", new { label = "Mine" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Http.DeleteAsync("/api/fields/city")).StatusCode);
        // The same key is free in another workspace.
        await CreateFieldAsync(other, EveryType[0]);
        Assert.Equal("City", Assert.Single(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")))!["label"]!.GetValue<string>());
    }

    [Fact]
    public async Task Duplicate_key_is_a_conflict_and_changes_nothing()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[0]);

        var response = await ws.Http.PostAsJsonAsync("/api/fields", new { key = "city", label = "Town", type = "number" });
        var problem = await ReadAsync(response, HttpStatusCode.Conflict);
        Assert.Equal("A field with key 'city' already exists; choose another key or change that field with PUT /api/fields/city.", problem["detail"]!.GetValue<string>());

        var field = Assert.Single(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")));
        Assert.Equal("City", field!["label"]!.GetValue<string>());
        Assert.Equal("text", field["type"]!.GetValue<string>());
    }

    public static TheoryData<string, string, string> InvalidDefinitions => new()
    {
        { """{"key":"Loyalty Tier","label":"Tier","type":"text"}""", "key", "Key must start with a lower-case letter and contain only a-z, 0-9 and '_'" },
        { """{"key":"1st","label":"First","type":"text"}""", "key", "Key must start with a lower-case letter" },
        { """{"key":"tier-level","label":"Tier","type":"text"}""", "key", "Key must start with a lower-case letter" },
        { """{"label":"No key","type":"text"}""", "key", "Key must start with a lower-case letter" },
        { $$"""{"key":"{{new string('a', 64)}}","label":"Long","type":"text"}""", "key", "(at most 63 characters)" },
        { """{"key":"email","label":"Email","type":"text"}""", "key", "'email' is a built-in field; choose another key." },
        { """{"key":"tags","label":"Tags","type":"text"}""", "key", "'tags' is a built-in field; choose another key." },
        { """{"key":"created_at","label":"Created","type":"date"}""", "key", "'created_at' is a built-in field; choose another key." },
        { """{"key":"phone","label":"Phone","type":"text"}""", "key", "'phone' is a built-in field; choose another key." },
        { """{"key":"city","type":"text"}""", "label", "Label is required (at most 100 characters)." },
        { """{"key":"city","label":"   ","type":"text"}""", "label", "Label is required (at most 100 characters)." },
        { $$"""{"key":"city","label":"{{new string('x', 101)}}","type":"text"}""", "label", "Label is required (at most 100 characters)." },
        { """{"key":"city","label":"City","type":"percentage"}""", "type", "'type' must be one of text, number, date, boolean, single_select, multi_select." },
        { """{"key":"city","label":"City"}""", "type", "'type' must be one of text, number, date, boolean, single_select, multi_select." },
        { """{"key":"tier","label":"Tier","type":"single_select"}""", "options", "A select field needs at least one option." },
        { """{"key":"tier","label":"Tier","type":"multi_select","options":[]}""", "options", "A select field needs at least one option." },
        { """{"key":"city","label":"City","type":"text","options":["London"]}""", "options", "Only single-select and multi-select fields have options." },
        { """{"key":"score","label":"Score","type":"number","options":["1"]}""", "options", "Only single-select and multi-select fields have options." },
        { """{"key":"tier","label":"Tier","type":"single_select","options":["Gold","gold"]}""", "options", "Options must be distinct, non-blank" },
        { """{"key":"tier","label":"Tier","type":"single_select","options":["Gold",""]}""", "options", "Options must be distinct, non-blank" },
        { """{"key":"tier","label":"Tier","type":"single_select","options":["Gold",null]}""", "options", "Options must be distinct, non-blank" },
        { """{"key":"tier","label":"Tier","type":"multi_select","options":[" Gold"]}""", "options", "without leading or trailing spaces" },
        { """{"key":"tier","label":"Tier","type":"multi_select","options":["Gold, Silver"]}""", "options", "contain no comma (commas separate multi-select values in CSV)" },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public async Task Invalid_definition_is_a_validation_problem_naming_the_property(string body, string property, string message)
    {
        var ws = await fixture.NewWorkspaceAsync();
        var response = await ws.Http.PostAsync("/api/fields", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));
        var errors = await AssertValidationProblemAsync(response);
        Assert.Equal([property], errors.Select(e => e.Key));
        Assert.Contains(message, errors[property]![0]!.GetValue<string>());
        Assert.Empty(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")));
    }

    [Fact]
    public async Task Every_problem_of_a_definition_is_named_at_once()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var errors = await AssertValidationProblemAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "Bad Key", label = "", type = "multi_select" }));
        Assert.Equal(["key", "label", "options"], errors.Select(e => e.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Label_changes_and_options_are_added()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[4]);

        var updated = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { label = " Member tier ", options = new[] { "Gold", "Silver", "Bronze", "Platinum" } }), HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"tier","label":"Member tier","type":"single_select","options":["Gold","Silver","Bronze","Platinum"]}"""), updated), updated.ToJsonString());

        // A label alone leaves the options; the same type (in any case) and key may be repeated.
        updated = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { key = "tier", label = "Tier", type = "SINGLE_SELECT" }), HttpStatusCode.OK);
        Assert.Equal(["Gold", "Silver", "Bronze", "Platinum"], updated["options"]!.AsArray().Select(o => o!.GetValue<string>()));

        var listed = Assert.Single(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")));
        Assert.True(JsonNode.DeepEquals(updated, listed), listed!.ToJsonString());

        // The new option can be given to a contact at once.
        var contact = await CreateContactAsync(ws, new JsonObject { ["email"] = "plat@example.com", ["custom"] = new JsonObject { ["tier"] = "platinum" } });
        Assert.Equal("Platinum", contact["custom"]!["tier"]!.GetValue<string>());
    }

    [Fact]
    public async Task Type_or_key_cannot_change()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[0]);

        var errors = await AssertValidationProblemAsync(await ws.Http.PutAsJsonAsync("/api/fields/city", new { type = "number" }));
        Assert.Equal(["type"], errors.Select(e => e.Key));
        Assert.Equal("A field's type cannot change (it is text); create a new field and move the values.", errors["type"]![0]!.GetValue<string>());

        errors = await AssertValidationProblemAsync(await ws.Http.PutAsJsonAsync("/api/fields/city", new { type = "nonsense" }));
        Assert.Contains("A field's type cannot change (it is text)", errors["type"]![0]!.GetValue<string>());

        errors = await AssertValidationProblemAsync(await ws.Http.PutAsJsonAsync("/api/fields/city", new { key = "town", label = "Town" }));
        Assert.Equal(["key"], errors.Select(e => e.Key));
        Assert.Contains("A field's key cannot change", errors["key"]![0]!.GetValue<string>());

        errors = await AssertValidationProblemAsync(await ws.Http.PutAsJsonAsync("/api/fields/city", new { options = new[] { "London" } }));
        Assert.Equal(["options"], errors.Select(e => e.Key));
        Assert.Contains("Only single-select and multi-select fields have options.", errors["options"]![0]!.GetValue<string>());

        var field = Assert.Single(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")));
        Assert.True(JsonNode.DeepEquals(Expected(EveryType[0]), field), field!.ToJsonString());
    }

    [Fact]
    public async Task Updating_or_deleting_an_unknown_field_is_not_found()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var update = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/nope", new { label = "Nope" }), HttpStatusCode.NotFound);
        Assert.Equal("There is no contact field 'nope' in your workspace. List fields with GET /api/fields.", update["detail"]!.GetValue<string>());
        var delete = await ReadAsync(await ws.Http.DeleteAsync("/api/fields/nope"), HttpStatusCode.NotFound);
        Assert.Equal("There is no contact field 'nope' in your workspace. List fields with GET /api/fields.", delete["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Removing_a_single_select_option_in_use_is_a_conflict_with_the_count()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[4]);
        await CreateContactAsync(ws, new JsonObject { ["email"] = "g1@example.com", ["custom"] = new JsonObject { ["tier"] = "Gold" } });
        await CreateContactAsync(ws, new JsonObject { ["email"] = "g2@example.com", ["custom"] = new JsonObject { ["tier"] = "gold" } });
        await CreateContactAsync(ws, new JsonObject { ["email"] = "s1@example.com", ["custom"] = new JsonObject { ["tier"] = "Silver" } });

        var problem = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { options = new[] { "Silver", "Bronze" } }), HttpStatusCode.Conflict);
        Assert.Equal(
            "2 contact(s) hold option(s) Gold that this change removes. Change those contacts first (filter with field.tier=<option>), then remove the options.",
            problem["detail"]!.GetValue<string>());

        problem = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { options = new[] { "Bronze" } }), HttpStatusCode.Conflict);
        Assert.StartsWith("3 contact(s) hold option(s) Gold, Silver that this change removes.", problem["detail"]!.GetValue<string>());

        // Renaming an option is removing one: "Gold" → "GOLD" is refused while contacts hold "Gold".
        problem = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { options = new[] { "GOLD", "Silver", "Bronze" } }), HttpStatusCode.Conflict);
        Assert.StartsWith("2 contact(s) hold option(s) Gold", problem["detail"]!.GetValue<string>());

        var field = Assert.Single(await ReadArrayAsync(await ws.Http.GetAsync("/api/fields")));
        Assert.Equal(["Gold", "Silver", "Bronze"], field!["options"]!.AsArray().Select(o => o!.GetValue<string>()));

        // An option nobody holds can go.
        var updated = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { options = new[] { "Gold", "Silver" } }), HttpStatusCode.OK);
        Assert.Equal(["Gold", "Silver"], updated["options"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public async Task Removing_a_multi_select_option_in_use_is_a_conflict_with_the_count()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[5]);
        await CreateContactAsync(ws, new JsonObject { ["email"] = "m1@example.com", ["custom"] = new JsonObject { ["interests"] = new JsonArray("Bikes", "Running") } });
        await CreateContactAsync(ws, new JsonObject { ["email"] = "m2@example.com", ["custom"] = new JsonObject { ["interests"] = new JsonArray("Running") } });
        await CreateContactAsync(ws, new JsonObject { ["email"] = "m3@example.com", ["custom"] = new JsonObject { ["interests"] = new JsonArray("Swimming") } });

        var problem = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/interests", new { options = new[] { "Bikes", "Swimming" } }), HttpStatusCode.Conflict);
        Assert.StartsWith("2 contact(s) hold option(s) Running that this change removes.", problem["detail"]!.GetValue<string>());

        problem = await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/interests", new { options = new[] { "Swimming" } }), HttpStatusCode.Conflict);
        Assert.StartsWith("2 contact(s) hold option(s) Bikes, Running that this change removes.", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_field_removes_its_values_from_contacts()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[0]);
        await CreateFieldAsync(ws, EveryType[1]);
        var both = await CreateContactAsync(ws, new JsonObject { ["email"] = "both@example.com", ["custom"] = new JsonObject { ["city"] = "Leeds", ["score"] = 7 } });
        var cityOnly = await CreateContactAsync(ws, new JsonObject { ["email"] = "city@example.com", ["custom"] = new JsonObject { ["city"] = "York" } });
        var scoreOnly = await CreateContactAsync(ws, new JsonObject { ["email"] = "score@example.com", ["custom"] = new JsonObject { ["score"] = 3 } });

        var deleted = await ReadAsync(await ws.Http.DeleteAsync("/api/fields/city"), HttpStatusCode.OK);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"key":"city","contactsCleared":2}"""), deleted), deleted.ToJsonString());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score":7}"""), (await GetContactAsync(ws, both))["custom"]));
        Assert.True(JsonNode.DeepEquals(new JsonObject(), (await GetContactAsync(ws, cityOnly))["custom"]));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score":3}"""), (await GetContactAsync(ws, scoreOnly))["custom"]));
        Assert.Equal(["score"], (await ReadArrayAsync(await ws.Http.GetAsync("/api/fields"))).Select(f => f!["key"]!.GetValue<string>()));

        // The next edit of a contact does not bring the deleted value back (its grain still held it).
        var edited = await ReadAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(both)}", new { name = "Both" }), HttpStatusCode.OK);
        Assert.Equal("Both", edited["name"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score":7}"""), edited["custom"]), edited["custom"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"score":7}"""), (await GetContactAsync(ws, both))["custom"]));

        // The key is gone for writes and filters alike, and can be created again.
        var errors = await AssertValidationProblemAsync(await ws.Http.PatchAsJsonAsync($"/api/contacts/{Id(cityOnly)}", new { custom = new { city = "York" } }));
        Assert.Equal(["custom.city"], errors.Select(e => e.Key));
        errors = await AssertValidationProblemAsync(await ws.Http.GetAsync("/api/contacts?field.city=York"));
        Assert.Equal(["field.city"], errors.Select(e => e.Key));
        await CreateFieldAsync(ws, new JsonObject { ["key"] = "city", ["label"] = "City", ["type"] = "number" });
        Assert.True(JsonNode.DeepEquals(new JsonObject(), (await GetContactAsync(ws, cityOnly))["custom"]));
    }

    [Fact]
    public async Task Deleting_an_unused_field_clears_no_contacts()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[3]);
        await CreateContactAsync(ws, new JsonObject { ["email"] = "plain@example.com" });
        var deleted = await ReadAsync(await ws.Http.DeleteAsync("/api/fields/vip"), HttpStatusCode.OK);
        Assert.Equal(0, deleted["contactsCleared"]!.GetValue<int>());
    }

    [Fact]
    public async Task Field_changes_are_in_the_audit_log()
    {
        var ws = await fixture.NewWorkspaceAsync();
        await CreateFieldAsync(ws, EveryType[4]);
        await CreateContactAsync(ws, new JsonObject { ["email"] = "audit@example.com", ["custom"] = new JsonObject { ["tier"] = "Gold" } });
        await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { label = "Member tier", options = new[] { "Gold", "Silver", "Bronze", "Platinum" } }), HttpStatusCode.OK);
        // Refused changes leave no row.
        await ReadAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { options = new[] { "Silver" } }), HttpStatusCode.Conflict);
        await AssertValidationProblemAsync(await ws.Http.PutAsJsonAsync("/api/fields/tier", new { type = "text" }));
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", EveryType[4]), HttpStatusCode.Conflict);
        await ReadAsync(await ws.Http.DeleteAsync("/api/fields/tier"), HttpStatusCode.OK);

        var audit = await ReadAsync(await ws.Http.GetAsync("/api/audit?action=field"), HttpStatusCode.OK);
        var entries = audit["items"]!.AsArray();
        Assert.Equal(["field.deleted", "field.updated", "field.created"], entries.Select(e => e!["action"]!.GetValue<string>()));
        Assert.All(entries, e =>
        {
            Assert.Equal("field", e!["entityType"]!.GetValue<string>());
            Assert.Equal("tier", e["entityId"]!.GetValue<string>());
            Assert.Equal(ws.UserId, e["userId"]!.GetValue<Guid>());
        });
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"label":"Loyalty tier","type":"single_select","options":["Gold","Silver","Bronze"]}"""), entries[2]!["details"]), entries[2]!["details"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"label":"Member tier","type":"single_select","options":["Gold","Silver","Bronze","Platinum"]}"""), entries[1]!["details"]), entries[1]!["details"]!.ToJsonString());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"contactsCleared":1}"""), entries[0]!["details"]), entries[0]!["details"]!.ToJsonString());
    }

    private static JsonNode Expected(JsonObject request)
    {
        var expected = request.DeepClone().AsObject();
        expected["options"] ??= new JsonArray();
        return expected;
    }

    private static async Task CreateFieldAsync(TestWorkspace ws, JsonObject field) =>
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", field), HttpStatusCode.Created);

    private static async Task<JsonObject> CreateContactAsync(TestWorkspace ws, JsonObject body) =>
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts", body), HttpStatusCode.Created);

    private static async Task<JsonObject> GetContactAsync(TestWorkspace ws, JsonObject contact) =>
        await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{Id(contact)}"), HttpStatusCode.OK);

    private static Guid Id(JsonObject contact) => contact["id"]!.GetValue<Guid>();


    private static async Task<JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonNode.Parse(body)!.AsArray();
    }

    private static async Task<Dictionary<string, JsonNode?>> AssertValidationProblemAsync(HttpResponseMessage response)
    {
        var problem = await ReadAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("fix the fields listed under 'errors'", problem["detail"]!.GetValue<string>());
        return problem["errors"]!.AsObject().ToDictionary(p => p.Key, p => p.Value);
    }
}
