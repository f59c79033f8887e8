using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Hostile JSON bodies, generated (issue 15): every endpoint that takes a JSON body gets wrong types for each property of
/// its schema, nulls where none may be, 1 MB strings, NUL characters and unpaired surrogates, 10,000 levels of nesting,
/// unknown fields, truncated JSON, text that is not JSON, an empty body, and arrays where objects are expected and the
/// other way round. Sent as an admin on real resources of a workspace (a contact, a field, a mapped wizard import, a
/// running command-line import), each must get no 5xx, a ProblemDetails with a <c>detail</c> for a 4xx, and must leave
/// the workspace's rows exactly as they were. Every generated body holds at least one defect; what is legal on its own
/// (a null for a nullable property, an unknown field) is sent alone only to endpoints that refuse an empty object.
/// Replay a failure with the seed CsCheck prints: <c>CsCheck_Seed=... dotnet test --filter JsonFuzzTests</c>.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JsonFuzzTests(ApiFixture fixture)
{
    private const int HugeChars = 1024 * 1024;
    private const int DeepLevels = 10_000;

    /// <summary>A property's JSON type in the request schema.</summary>
    private enum Kind
    {
        Text,
        Integer,
        Boolean,
        Texts,
        Integers,
        Object,
        Objects,
        Uuid,
        Uuids,
        Instant,
    }

    /// <summary>What is wrong with a body.</summary>
    private enum Hostility
    {
        WrongType,
        NullWhereNoneMayBe,
        OnlyNullsOrUnknownFields,
        HostileText,
        DeepNesting,
        Truncated,
        NotJson,
        Empty,
        WrongShape,
    }

    /// <summary>
    /// An endpoint ("METHOD pattern" as routing has it), the request path (placeholders: {contact}, {field}, {import} a
    /// mapped wizard import, {cli} a running command-line import), its schema's properties, whether the body is an array
    /// of such objects, and whether an empty object is a valid request there (then nulls and unknown fields go only with a defect).
    /// </summary>
    private sealed record Target(string Endpoint, string Path, (string Name, Kind Kind)[] Properties, bool ArrayBody = false, bool EmptyObjectIsValid = false);

    private static readonly (string, Kind)[] ContactProperties =
        [("name", Kind.Text), ("phones", Kind.Texts), ("email", Kind.Text), ("tags", Kind.Texts), ("custom", Kind.Object), ("assignedAgentId", Kind.Uuid), ("source", Kind.Text), ("region", Kind.Text)];

    private static readonly (string, Kind)[] FieldProperties = [("key", Kind.Text), ("label", Kind.Text), ("type", Kind.Text), ("options", Kind.Texts)];

    private static readonly Target[] Targets =
    [
        new("POST /api/contacts/", "/api/contacts", ContactProperties),
        new("PATCH /api/contacts/{id:guid}", "/api/contacts/{contact}", ContactProperties, EmptyObjectIsValid: true),
        new("POST /api/contacts/delete", "/api/contacts/delete", [("ids", Kind.Uuids)]),
        new("PUT /api/contacts/{id:guid}/opt-ins/{channel}", "/api/contacts/{contact}/opt-ins/sms", [("status", Kind.Text), ("source", Kind.Text)]),
        new("POST /api/contacts/bulk", "/api/contacts/bulk", ContactProperties, ArrayBody: true),
        new("POST /api/fields/", "/api/fields", FieldProperties),
        new("PUT /api/fields/{key}", "/api/fields/{field}", FieldProperties, EmptyObjectIsValid: true),
        new("POST /api/notifications/read", "/api/notifications/read", [("ids", Kind.Integers), ("all", Kind.Boolean)], EmptyObjectIsValid: true),
        new("PUT /api/imports/{id:guid}/analysis", "/api/imports/{import}/analysis",
            [("hasHeader", Kind.Boolean), ("delimiter", Kind.Text), ("convertFrom", Kind.Text), ("headerRow", Kind.Integer), ("sheet", Kind.Text)], EmptyObjectIsValid: true),
        new("PUT /api/imports/{id:guid}/mapping", "/api/imports/{import}/mapping",
            [("columns", Kind.Texts), ("hasHeader", Kind.Boolean), ("region", Kind.Text), ("separators", Kind.Texts), ("badIdentifier", Kind.Text),
                ("dateFormats", Kind.Texts), ("decimalSeparators", Kind.Texts), ("valueMaps", Kind.Objects)]),
        new("POST /api/imports/{id:guid}/edits", "/api/imports/{import}/edits",
            [("kind", Kind.Text), ("row", Kind.Integer), ("column", Kind.Integer), ("value", Kind.Text), ("find", Kind.Text), ("replace", Kind.Text),
                ("prefix", Kind.Text), ("rows", Kind.Object)]),
        new("POST /api/imports/{id:guid}/recipe", "/api/imports/{import}/recipe", [("name", Kind.Text)], EmptyObjectIsValid: true),
        new("POST /api/imports/{id:guid}/recipe/apply", "/api/imports/{import}/recipe/apply", [("name", Kind.Text)], EmptyObjectIsValid: true),
        new("POST /api/imports/{id:guid}/run", "/api/imports/{import}/run", [("totalRows", Kind.Integer)], EmptyObjectIsValid: true),
        new("POST /api/imports/{id:guid}/rows", "/api/imports/{cli}/rows", [("row", Kind.Integer), ("cells", Kind.Texts), ("duplicateOf", Kind.Integer)], ArrayBody: true),
        new("POST /api/imports/{id:guid}/finish", "/api/imports/{cli}/finish", [("totalRows", Kind.Integer)], EmptyObjectIsValid: true),
        new("POST /api/keys/", "/api/keys", [("name", Kind.Text), ("role", Kind.Text), ("userId", Kind.Uuid), ("expiresAt", Kind.Instant)]),
    ];

    /// <summary>"METHOD pattern" of every endpoint that declares a JSON request body (typed parameters declare theirs too).</summary>
    private IReadOnlyList<string> JsonEndpoints() =>
        [.. fixture.ApiServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetOrderedMetadata<IAcceptsMetadata>().Any(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase))))
            .SelectMany(e => (e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["*"]).Select(m => $"{m} /{e.RoutePattern.RawText!.TrimStart('/')}"))
            .Distinct().Order()];

    [Fact]
    public void Every_endpoint_that_takes_json_is_fuzzed()
    {
        var mapped = JsonEndpoints();
        var fuzzed = Targets.Select(t => t.Endpoint).ToList();
        var missing = mapped.Except(fuzzed).ToList();
        Assert.True(missing.Count == 0, "Endpoints taking JSON without a target in JsonFuzzTests.Targets (give its schema's properties): " + string.Join(", ", missing));
        var stale = fuzzed.Except(mapped).ToList();
        Assert.True(stale.Count == 0, "Targets for endpoints that take no JSON body (any more): " + string.Join(", ", stale));
    }

    [Fact]
    public async Task Hostile_bodies_to_every_json_endpoint_get_no_5xx_a_problem_with_a_detail_and_change_nothing()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var paths = await ResourcesAsync(ws);
        var snapshot = new WorkspaceSnapshot(fixture.DataSource, ws.Id);
        var before = await snapshot.TakeAsync();

        async Task Send(Target target, Hostility hostility, string body)
        {
            using var request = new HttpRequestMessage(new HttpMethod(target.Endpoint[..target.Endpoint.IndexOf(' ', StringComparison.Ordinal)]), paths(target.Path))
            {
                Content = new StringContent(body, Encoding.UTF8, "application/json"),
            };
            using var response = await ws.Http.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            var status = (int)response.StatusCode;
            var said = $"{target.Endpoint} with {hostility} ({body.Length:N0} chars: {Shorten(body)}) answered {status}: {Shorten(text)}";
            Assert.True(status < 500, said);
            if (status >= 400)
            {
                Assert.True(response.Content.Headers.ContentType?.MediaType == "application/problem+json", "Not a ProblemDetails: " + said);
                var detail = JsonNode.Parse(text)?["detail"]?.GetValue<string>();
                Assert.True(!string.IsNullOrWhiteSpace(detail), "A ProblemDetails without a detail: " + said);
            }

            var after = await snapshot.TakeAsync();
            Assert.True(after.SequenceEqual(before), "Stored data changed: " + said + "\n" + WorkspaceSnapshot.Difference(before, after));
        }

        // Every target × every hostility once (the generator's first pick for each), all failures reported together; then random cases.
        var failures = new List<string>();
        foreach (var target in Targets)
        {
            foreach (var hostility in Enum.GetValues<Hostility>().Where(h => Applies(target, h)))
            {
                try
                {
                    await Send(target, hostility, Body(target, hostility).Generate(new PCG(7), null, out _));
                }
                catch (Xunit.Sdk.XunitException e)
                {
                    failures.Add(e.Message);
                    before = await snapshot.TakeAsync();
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} hostile bodies were not refused cleanly:\n" + string.Join("\n", failures));

        await Gen.Int[0, Targets.Length - 1].SelectMany(t => Gen.Enum<Hostility>().Where(h => Applies(Targets[t], h)).SelectMany(h => Body(Targets[t], h).Select(b => (Targets[t], h, b))))
            .SampleAsync(c => Send(c.Item1, c.Item2, c.Item3), iter: 300, threads: 1, print: c => $"{c.Item1.Endpoint} {c.Item2} {Shorten(c.Item3)}");
    }

    [Fact]
    public async Task Typed_body_of_the_wrong_type_or_malformed_answers_400_with_where_and_what_to_send()
    {
        var ws = await fixture.NewWorkspaceAsync();

        var wrongType = await Post(ws, "/api/fields", """{"key": "k", "label": "L", "type": true}""");
        var problem = await wrongType.AssertProblemAsync(HttpStatusCode.BadRequest, "The value at $.type has the wrong JSON type");
        Assert.Contains("/openapi/v1.json", problem["detail"]!.GetValue<string>());
        await (await Post(ws, "/api/keys", "{\"n")).AssertProblemAsync(HttpStatusCode.BadRequest, "The body could not be read");
        await (await Post(ws, "/api/contacts/delete", Deep(DeepLevels))).AssertProblemAsync(HttpStatusCode.BadRequest, "The value at $ has the wrong JSON type");
        Assert.Empty(JsonNode.Parse(await ws.Http.GetStringAsync("/api/fields"))!.AsArray());
    }

    [Fact]
    public async Task Text_with_a_nul_character_or_an_unpaired_surrogate_is_refused_before_it_is_stored()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var contact = (await ws.Http.CreateContactAsync(new { email = "kept@example.com", tags = new[] { "kept" } })).Id();

        await (await Post(ws, "/api/contacts", """{"email": "a@example.com", "phones": ["x\udc00y"]}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "The text at $.phones[0] holds a NUL character");
        await (await ws.Http.PatchAsync($"/api/contacts/{contact}", Json("""{"tags": ["a\u0000b"]}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "$.tags[0]");
        await (await Post(ws, "/api/contacts/bulk", """[{"email": "b@example.com"}, {"email": "x\udc00y"}]""")).AssertProblemAsync(HttpStatusCode.BadRequest, "$[1].email");
        await (await Post(ws, "/api/fields", """{"key": "k", "label": "a\u0000b", "type": "text"}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "NUL character");
        var import = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550174\n", ["name", "phone"]);
        await (await ws.Http.PutAsync($"/api/imports/{import}/analysis", Json("""{"convertFrom": "a\u0000b"}"""))).AssertProblemAsync(HttpStatusCode.BadRequest, "NUL character");

        Assert.Equal(1, JsonNode.Parse(await ws.Http.GetStringAsync("/api/contacts/count"))!["count"]!.GetValue<int>());
        Assert.Equal(["kept"], Strings((await ReadAsync(await ws.Http.GetAsync($"/api/contacts/{contact}"), HttpStatusCode.OK))["tags"]));
        Assert.Empty(JsonNode.Parse(await ws.Http.GetStringAsync("/api/fields"))!.AsArray());
    }

    [Fact]
    public async Task Wizard_run_with_an_unreadable_body_is_refused_and_the_import_does_not_run()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var import = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550175\n", ["name", "phone"]);

        await (await Post(ws, $"/api/imports/{import}/run", """{"totalRows": true}""")).AssertProblemAsync(HttpStatusCode.BadRequest, "send nothing, or {\"totalRows\": N}");

        Assert.Equal("uploaded", (await ReadAsync(await ws.Http.GetAsync($"/api/imports/{import}"), HttpStatusCode.OK))["status"]!.GetValue<string>());
        Assert.Equal(0, JsonNode.Parse(await ws.Http.GetStringAsync("/api/contacts/count"))!["count"]!.GetValue<int>());
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static Task<HttpResponseMessage> Post(TestWorkspace ws, string path, string body) => ws.Http.PostAsync(path, Json(body));

    /// <summary>Where an empty object is a valid request, so are no body, a null body and one of only nulls or unknown fields: they are sent there only with a defect.</summary>
    private static bool Applies(Target target, Hostility hostility) => hostility switch
    {
        // Where {} is valid, a property the request ignores (a CSV's sheet) may hold any text: such targets get no hostile text.
        Hostility.OnlyNullsOrUnknownFields or Hostility.Empty or Hostility.HostileText => !target.EmptyObjectIsValid,
        Hostility.NullWhereNoneMayBe => !target.EmptyObjectIsValid || target.Properties.Any(p => p.Kind is Kind.Texts or Kind.Integers or Kind.Uuids or Kind.Objects),
        _ => true,
    };

    /// <summary>A contact (with an opt-in), a field, a mapped wizard import and a running command-line import; the path with them in.</summary>
    private static async Task<Func<string, string>> ResourcesAsync(TestWorkspace ws)
    {
        var contact = (await ws.Http.CreateContactAsync(new { name = "Fuzz", email = "fuzz@example.com", phones = new[] { "+14155550170" }, tags = new[] { "fuzz" } })).Id();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/contacts/{contact}/opt-ins/email", new { status = "opted_out", source = "form" }), HttpStatusCode.OK);
        await ReadAsync(await ws.Http.PostAsJsonAsync("/api/fields", new { key = "tier", label = "Tier", type = "single_select", options = new[] { "gold", "silver" } }), HttpStatusCode.Created);
        var import = await ws.Http.UploadAndMapAsync("Name,Phone\nAnn,+14155550171\nBob,+14155550172\n", ["name", "phone"]);
        var cli = await CommandLineImportTests.StartAsync(ws.Http, "Name,Phone\nCid,+14155550173\n", ["name", "phone"]);
        return path => path.Replace("{contact}", contact).Replace("{field}", "tier").Replace("{import}", import).Replace("{cli}", cli);
    }

    /// <summary>Bodies with the given defect for the target.</summary>
    private static Gen<string> Body(Target target, Hostility hostility)
    {
        var property = Gen.Int[0, target.Properties.Length - 1].Select(i => target.Properties[i]);
        var others = Gen.Int[0, 2].SelectMany(n => Gen.Frequency((2, Unknown), (1, property.Select(p => (p.Name, "null")))).Array[n]);
        Gen<string> Item(Gen<(string Name, string Json)> defect) => defect.SelectMany(d => others.Select(o => JsonObjectText([d, .. o])));
        Gen<string> Whole(Gen<string> item) => target.ArrayBody ? item.Array[1, 3].Select(items => "[" + string.Join(',', items) + "]") : item;
        return hostility switch
        {
            Hostility.WrongType => Whole(Item(property.SelectMany(p => WrongValue(p.Kind).Select(v => (p.Name, v))))),
            Hostility.NullWhereNoneMayBe => Gen.OneOf(
                [
                    .. target.EmptyObjectIsValid ? [] : new[] { Gen.Const("null"), target.ArrayBody ? Gen.Const("[null]") : Gen.Const("{\"\": null}") },
                    // A null item in each list property.
                    .. target.Properties.Where(p => p.Kind is Kind.Texts or Kind.Integers or Kind.Uuids or Kind.Objects).Select(p => Whole(Item(Gen.Const((p.Name, "[null]"))))),
                ]),
            Hostility.OnlyNullsOrUnknownFields => Whole(Gen.OneOf(
                Gen.Const(JsonObjectText([.. target.Properties.Select(p => (p.Name, "null"))])),
                Unknown.Array[1, 4].Select(u => JsonObjectText(u)))),
            Hostility.HostileText => Whole(Item(property.SelectMany(p => HostileText.Select(t => (p.Name, p.Kind is Kind.Texts or Kind.Uuids ? "[" + t + "]" : t))))),
            Hostility.DeepNesting => Gen.Bool.SelectMany(whole => whole
                ? Gen.Const(Deep(DeepLevels))
                : Whole(Item(property.Select(p => (p.Name, Deep(DeepLevels)))))),
            Hostility.Truncated => Whole(Item(property.SelectMany(p => WrongValue(p.Kind).Select(v => (p.Name, v)))))
                .SelectMany(full => Gen.Int[1, full.Length - 1].Select(cut => full[..cut])),
            Hostility.NotJson => Gen.OneOf(NotJson.Select(Gen.Const).ToArray()),
            Hostility.Empty => Gen.Const(""),
            _ => target.ArrayBody
                ? Gen.OneOf(Gen.Const("{\"row\": 2, \"cells\": [\"Ann\"]}"), Gen.Const("{\"email\": \"a@example.com\"}"), Gen.Const("[[\"Ann\"]]"), Gen.Const("[1, \"x\", true]"), Gen.Const("42"), Gen.Const("\"text\""))
                : Gen.OneOf(Gen.Const("[{}]"), Gen.Const("[]"), Gen.Const("[" + JsonObjectText([.. target.Properties.Take(1).Select(p => (p.Name, "\"x\""))]) + "]"), Gen.Const("42"), Gen.Const("\"text\""), Gen.Const("true")),
        };
    }

    private static readonly Gen<(string Name, string Json)> Unknown =
        Gen.String[Gen.Char["abcxyz_$."], 1, 12].Select(Gen.OneOf(Gen.Const("1"), Gen.Const("\"x\""), Gen.Const("{}"), Gen.Const("[1,{\"a\":[]}]"), Gen.Const("null")), (n, v) => ("zz" + n, v));

    /// <summary>Text values no property may store: a megabyte, a NUL character, unpaired surrogates.</summary>
    private static readonly Gen<string> HostileText = Gen.OneOf(
        Gen.Const("\"" + new string('x', HugeChars) + "\""),
        Gen.Const("\"" + string.Concat(Enumerable.Repeat("\\u00e9\\\"\\\\", HugeChars / 12)) + "\""),
        Gen.Const("\"a\\u0000b@example.com\""),
        Gen.Const("\"\\u0000\""),
        Gen.Const("\"\\ud800\""),
        Gen.Const("\"x\\udc00y\""));

    private static readonly string[] NotJson =
    [
        "name=Ann&email=ann%40example.com", "<contact><name>Ann</name></contact>", "undefined", "{'name': 'Ann'}", "NaN", "{\"a\": 1}{\"b\": 2}",
        "{\"a\": 1,}", "// a comment\n{}", "\uFEFF", "{\"a\": \"\u0001\"}", "{\"a\": 01}", "{\"a\": .5}", "{\"a\": 1e}", "\u0000\u0001\u00ff", "{\"a\":\"\\x41\"}",
    ];

    /// <summary>A value of another JSON type than the property's (or, for typed values, text that is not one).</summary>
    private static Gen<string> WrongValue(Kind kind)
    {
        string[] values = kind switch
        {
            Kind.Text => ["42", "true", "{}", "[\"x\"]", "-1.5e300"],
            // Not "12": a number in a string is read as the number (the API's JSON is System.Text.Json's web defaults), so it is no wrong type.
            Kind.Integer => ["1.5", "1e400", "99999999999999999999", "true", "{}", "[1]", "-2147483649"],
            Kind.Boolean => ["\"true\"", "1", "{}", "[]", "\"yes\""],
            Kind.Texts => ["\"x\"", "{}", "[1, {}]", "[[]]", "5", "[true]"],
            Kind.Integers => ["[\"a\"]", "\"1\"", "[1.5]", "{}", "[99999999999999999999]"],
            Kind.Object => ["\"x\"", "[]", "5", "true", "{\"a\": {\"b\": [1, {}]}}"],
            Kind.Objects => ["{}", "[\"x\"]", "[[1]]", "[{\"a\": 1}]", "[{\"a\": {}}]"],
            Kind.Uuid => ["\"not-a-guid\"", "5", "{}", "\"00000000-0000-0000-0000-00000000000g\"", "[]"],
            Kind.Uuids => ["\"x\"", "[\"not-a-guid\"]", "[5]", "{}", "[{}]"],
            _ => ["\"yesterday\"", "5", "\"2030-13-45T99:00:00Z\"", "{}", "\"\""],
        };
        return Gen.OneOf(values.Select(Gen.Const).ToArray());
    }

    private static string Deep(int levels)
    {
        var text = new StringBuilder(levels * 8);
        for (var i = 0; i < levels; i++)
        {
            text.Append(i % 2 == 0 ? "[" : "{\"a\":");
        }

        text.Append('1');
        for (var i = levels - 1; i >= 0; i--)
        {
            text.Append(i % 2 == 0 ? "]" : "}");
        }

        return text.ToString();
    }

    private static string JsonObjectText(IEnumerable<(string Name, string Json)> properties) =>
        "{" + string.Join(", ", properties.DistinctBy(p => p.Name).Select(p => $"\"{p.Name}\": {p.Json}")) + "}";

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    /// <summary>
    /// Every stored row of a workspace (contacts, identifiers, opt-ins, fields, imports and their rows and edits, keys,
    /// notifications, bulk requests, exports) as text, in order. Not the audit log: it records requests (a bulk request
    /// whose every item was refused is audited with its counts), not the workspace's data.
    /// </summary>
    private sealed class WorkspaceSnapshot(Npgsql.NpgsqlDataSource dataSource, Guid workspaceId)
    {
        private string? _query;

        public async Task<IReadOnlyList<string>> TakeAsync()
        {
            _query ??= await BuildQueryAsync();
            await using var command = dataSource.CreateCommand(_query);
            command.Parameters.AddWithValue("ws", workspaceId);
            await using var reader = await command.ExecuteReaderAsync();
            var rows = new List<string>();
            while (await reader.ReadAsync())
            {
                rows.Add(reader.GetString(0));
            }

            return rows;
        }

        public static string Difference(IReadOnlyList<string> before, IReadOnlyList<string> after) =>
            string.Join('\n', before.Except(after).Select(r => "- " + Shorten(r)).Concat(after.Except(before).Select(r => "+ " + Shorten(r))));

        /// <summary>One query over every table with a workspace_id, an import_id or a bulk request_id (left out: a key's last use, which each request sets, and a running job's heartbeat, which its timer sets; updated_at is compared: a write that changes nothing leaves it).</summary>
        private async Task<string> BuildQueryAsync()
        {
            await using var command = dataSource.CreateCommand(
                "select table_name, bool_or(column_name = 'workspace_id'), bool_or(column_name = 'import_id'), bool_or(column_name = 'request_id') " +
                "from information_schema.columns where table_schema = current_schema() and table_name not like 'orleans%' and table_name <> 'audit_log' group by table_name order by table_name");
            await using var reader = await command.ExecuteReaderAsync();
            var parts = new List<string>();
            while (await reader.ReadAsync())
            {
                var table = reader.GetString(0);
                var scope = reader.GetBoolean(1) ? "t.workspace_id = @ws"
                    : reader.GetBoolean(2) ? "t.import_id in (select id from imports where workspace_id = @ws)"
                    : reader.GetBoolean(3) ? "t.request_id in (select id from bulk_requests where workspace_id = @ws)"
                    : null;
                if (scope is not null)
                {
                    parts.Add(string.Create(CultureInfo.InvariantCulture, $"select '{table} ' || (to_jsonb(t) - 'last_used_at' - 'heartbeat_at')::text as r from {table} t where {scope}"));
                }
            }

            return string.Join(" union all ", parts) + " order by 1";
        }
    }
}
