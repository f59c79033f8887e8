using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The OpenAPI document is one a client can be generated from, and stays the checked-in <c>docs/openapi.json</c>:
/// every operation says whether it needs the API key (and the API agrees), every operation describes its 4xx answers as
/// ProblemDetails, bodies the API accepts and the document's own examples validate against the document's schemas.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class OpenApiDocumentTests(ApiFixture fixture)
{
    private const string CheckedIn = "docs/openapi.json";
    private const string RefreshVariable = "VELO_UPDATE_OPENAPI";

    /// <summary>The operations anyone may call: a signed link is the credential.</summary>
    private static readonly string[] Anonymous = ["DownloadExportWithLink"];

    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch"];

    [Fact]
    public async Task Served_document_is_the_checked_in_one()
    {
        var served = (await fixture.Client(null).GetStringAsync("/openapi/v1.json")).ReplaceLineEndings("\n").TrimEnd() + "\n";
        var path = Path.Combine(RepositoryRoot(), CheckedIn);
        if (Environment.GetEnvironmentVariable(RefreshVariable) == "1")
        {
            await File.WriteAllTextAsync(path, served);
            return;
        }

        var checkedIn = File.Exists(path) ? (await File.ReadAllTextAsync(path)).ReplaceLineEndings("\n") : "";
        if (served == checkedIn)
        {
            return;
        }

        var (servedLines, checkedInLines) = (served.Split('\n'), checkedIn.Split('\n'));
        var line = Enumerable.Range(0, Math.Min(servedLines.Length, checkedInLines.Length)).FirstOrDefault(i => servedLines[i] != checkedInLines[i], Math.Min(servedLines.Length, checkedInLines.Length));
        Assert.Fail($"The API's OpenAPI document differs from {CheckedIn} (first at line {line + 1}: served '{At(servedLines, line)}', checked in '{At(checkedInLines, line)}'). "
            + $"If the change is meant, refresh the file with `{RefreshVariable}=1 dotnet test tests/VeloConnect.Api.Tests --filter FullyQualifiedName~OpenApiDocumentTests.Served`, "
            + $"lint it (`npx @redocly/cli lint {CheckedIn}`: 0 errors) and commit it with the change: clients are generated from it.");
    }

    [Fact]
    public async Task Every_operation_declares_whether_it_needs_the_api_key_and_the_api_agrees()
    {
        var document = await DocumentAsync();
        var schemes = document["components"]!["securitySchemes"]!.AsObject();
        Assert.Equal("bearer", schemes["ApiKey"]!["scheme"]!.GetValue<string>());
        var anonymous = new List<string>();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation["operationId"]!.GetValue<string>();
            var security = operation["security"]?.AsArray();
            Assert.True(security is { Count: > 0 }, $"{id} declares no security: say it needs the API key, or that it is called without one ([{{}}]).");
            var needsKey = !security!.Any(requirement => requirement!.AsObject().Count == 0);
            foreach (var requirement in security!)
            {
                Assert.All(requirement!.AsObject(), scheme => Assert.True(schemes.ContainsKey(scheme.Key), $"{id} names the undeclared security scheme {scheme.Key}"));
            }

            // Without a key the API answers 401 before any handler runs: exactly for the operations that say they need one.
            var response = await fixture.Client(null).SendAsync(new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), Concrete(path)));
            Assert.True(needsKey == (response.StatusCode == HttpStatusCode.Unauthorized),
                $"{method.ToUpperInvariant()} {path} ({id}) {(needsKey ? "declares the API key" : "declares no key")} but answers {(int)response.StatusCode} without one.");
            if (!needsKey)
            {
                anonymous.Add(id);
            }
            else
            {
                Assert.True(operation["responses"]!["401"] is not null, $"{id} needs the API key but does not describe the 401 answer.");
            }
        }

        Assert.Equal(Anonymous, anonymous);
    }

    [Fact]
    public async Task Every_operation_describes_its_4xx_answers_as_problem_details()
    {
        var document = await DocumentAsync();
        foreach (var (path, method, operation) in Operations(document))
        {
            var id = operation["operationId"]!.GetValue<string>();
            var failures = operation["responses"]!.AsObject().Where(r => r.Key.StartsWith('4')).ToList();
            Assert.True(failures.Count > 0, $"{method.ToUpperInvariant()} {path} ({id}) describes no 4xx answer.");
            foreach (var (status, response) in failures)
            {
                var schema = response!["content"]?["application/problem+json"]?["schema"]?["$ref"]?.GetValue<string>();
                Assert.True(schema is "#/components/schemas/ProblemDetails" or "#/components/schemas/HttpValidationProblemDetails",
                    $"{id}'s {status} answer is not described as application/problem+json ProblemDetails.");
            }
        }
    }

    [Fact]
    public async Task The_documents_examples_validate_against_their_schemas()
    {
        var document = await DocumentAsync();
        var examples = 0;
        foreach (var (_, _, operation) in Operations(document))
        {
            var id = operation["operationId"]!.GetValue<string>();
            var media = new[] { operation["requestBody"]?["content"] }
                .Concat(operation["responses"]!.AsObject().Select(r => r.Value!["content"]))
                .OfType<JsonObject>().SelectMany(content => content);
            foreach (var (type, value) in media)
            {
                if (value!["example"] is { } example)
                {
                    examples++;
                    AssertValid(example, value["schema"]!, document, $"{id} {type} example");
                }
            }
        }

        Assert.True(examples >= 2, "The bulk endpoint's request and answer examples are gone.");
    }

    /// <summary>
    /// The smallest bodies the API accepts (it answers 2xx to each, sent here) validate against the document's request
    /// schemas: a schema that requires what the handler treats as optional fails this.
    /// </summary>
    [Fact]
    public async Task Minimal_bodies_the_api_accepts_validate_against_the_documents_schemas()
    {
        var document = await DocumentAsync();
        var ws = await fixture.NewWorkspaceAsync();
        var contact = await ws.Http.CreateContactAsync(new { phones = new[] { "+14155550170" } });
        var key = "tier" + Guid.NewGuid().ToString("N")[..6];
        var bodies = new (string Operation, HttpMethod Method, string Path, string Body)[]
        {
            ("CreateContact", HttpMethod.Post, "/api/contacts", """{"phones": ["+14155550171"]}"""),
            ("CreateContact", HttpMethod.Post, "/api/contacts", """{"email": "minimal@example.com"}"""),
            ("UpdateContact", HttpMethod.Patch, $"/api/contacts/{contact.Id()}", """{"name": "Ann"}"""),
            ("SetOptIn", HttpMethod.Put, $"/api/contacts/{contact.Id()}/opt-ins/sms", """{"status": "opted_in", "source": "web form"}"""),
            ("BulkContacts", HttpMethod.Post, "/api/contacts/bulk", """[{"phones": ["+14155550172"]}]"""),
            ("CreateField", HttpMethod.Post, "/api/fields", $$"""{"key": "{{key}}", "label": "Tier", "type": "text"}"""),
            ("UpdateField", HttpMethod.Put, $"/api/fields/{key}", """{"label": "Customer tier"}"""),
            ("MarkNotificationsRead", HttpMethod.Post, "/api/notifications/read", """{"all": true}"""),
            ("DeleteContactsByIds", HttpMethod.Post, "/api/contacts/delete", $$"""{"ids": ["{{contact.Id()}}"]}"""),
        };
        foreach (var (operation, method, path, body) in bodies)
        {
            var response = await ws.Http.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(body, Encoding.UTF8, "application/json") });
            Assert.True(response.IsSuccessStatusCode, $"{operation} refused {body}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            var schema = OperationById(document, operation)["requestBody"]!["content"]!["application/json"]!["schema"]!;
            AssertValid(JsonNode.Parse(body), schema, document, $"{operation} body {body}");
        }

        // The mapping takes the columns alone (header and region default to the upload's and the workspace's).
        var upload = await (await ws.Http.UploadAsync("name,phone\nAnn,+14155550173\n")).ReadObjectAsync();
        var mapping = """{"columns": ["name", "phone"]}""";
        var mapped = await ws.Http.PutAsync($"/api/imports/{upload.Id()}/mapping", new StringContent(mapping, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, mapped.StatusCode);
        var mappingSchema = OperationById(document, "SetImportMapping")["requestBody"]!["content"]!["application/json"]!["schema"]!;
        AssertValid(JsonNode.Parse(mapping), mappingSchema, document, "SetImportMapping body");
    }

    /// <summary>Each documented query parameter of the contact list, with its example value, is a filter the API accepts.</summary>
    [Fact]
    public async Task Documented_query_parameters_with_their_examples_are_accepted()
    {
        var document = await DocumentAsync();
        var ws = await fixture.NewWorkspaceAsync();
        foreach (var (operation, path) in new[] { ("ListContacts", "/api/contacts"), ("CountContacts", "/api/contacts/count") })
        {
            var parameters = OperationById(document, operation)["parameters"]!.AsArray().Select(p => p!.AsObject()).Where(p => p["example"] is not null).ToList();
            Assert.Contains(parameters, p => p["name"]!.GetValue<string>() == "tag");
            foreach (var parameter in parameters)
            {
                var name = parameter["name"]!.GetValue<string>();
                var values = parameter["example"] is JsonArray many ? many.Select(v => v!.GetValue<string>()) : [parameter["example"]!.GetValue<string>()];
                var query = string.Join("&", values.Select(v => $"{name}={Uri.EscapeDataString(v)}"));
                var response = await ws.Http.GetAsync($"{path}?{query}");
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{operation} documents ?{query}, which it answers {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
        }
    }

    private async Task<JsonObject> DocumentAsync() => (await fixture.Client(null).GetFromJsonAsync<JsonObject>("/openapi/v1.json"))!;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in Methods
        where path.Value![method] is JsonObject
        select (path.Key, method, path.Value![method]!.AsObject());

    private static JsonObject OperationById(JsonObject document, string id) =>
        Operations(document).Single(o => o.Operation["operationId"]!.GetValue<string>() == id).Operation;

    /// <summary>A path with its parameters filled in (ids and keys that exist nowhere: the key is checked before the handler looks).</summary>
    private static string Concrete(string path) =>
        System.Text.RegularExpressions.Regex.Replace(path, "{[^}]+}", Guid.Empty.ToString());

    private static void AssertValid(JsonNode? value, JsonNode schema, JsonObject document, string what)
    {
        var errors = JsonSchemaCheck.Errors(value, schema, document, what);
        Assert.True(errors.Count == 0, "Not valid against the document's schema:\n" + string.Join("\n", errors));
    }

    private static string At(string[] lines, int index) => index < lines.Length ? lines[index].Trim() : "(end of file)";

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "VeloConnect.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No VeloConnect.sln above {AppContext.BaseDirectory}: the test reads {CheckedIn} from the repository.");
    }
}
