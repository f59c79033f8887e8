using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Api.OpenApi;

/// <summary>
/// What <c>/openapi/v1.json</c> says beyond what the endpoints' signatures give: the API-key security scheme on every
/// operation that needs a key, the 401 those operations answer, one description per tag, and a server address relative
/// to wherever the document is served (so the document is the same on every host). The 4xx answers an operation gives
/// itself are declared next to it (<see cref="ProducesProblems"/>); checked in as <c>docs/openapi.json</c>.
/// </summary>
public static class ApiDocument
{
    public const string SecuritySchemeName = "ApiKey";

    private const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Contacts"] = "Contacts of the workspace: list and filter, create, edit, delete, opt-ins, and up to 10,000 at once with the bulk endpoint.",
        ["Contact fields"] = "The workspace's custom contact fields (Settings → Contact fields); imports never create one.",
        ["Audit log"] = "Who did what and when: every delete, opt-in change, import, export and field change.",
        ["Notifications"] = "The caller's notifications (imports and exports that ended), as a list and as a live stream.",
        ["Workspace"] = "Who the API key speaks for, and the workspace's users (agents).",
        ["Imports"] = "CSV imports: the wizard's steps (upload, mapping, review, run), the command-line importer's, history, error reports and reverts.",
        ["API keys"] = "The workspace's API keys (admin keys only): list, create with a role and an optional expiry (the secret shown once), revoke.",
        ["Exports"] = "Exports of the contacts a filter selects, as CSV or JSON files built in the background, with their downloads.",
    };

    /// <summary>The options of the document (<c>AddOpenApi(ApiDocument.Configure)</c>).</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(SecureOperationAsync);
        options.AddOperationTransformer(LimitsAsIntegers);
        options.AddOperationTransformer(AnswersEveryOperationGives);
        options.AddSchemaTransformer(NumbersAsNumbers);
        options.AddSchemaTransformer(FreeFormObjects);
        // A JsonElement (an audit entry's details, an export's filter) is a JSON object of the writer's own shape: inline,
        // not a component named after the .NET type (clients generated from that got a class called JsonElement).
        options.CreateSchemaReferenceId = type => type.Type == typeof(JsonElement) ? null : OpenApiOptions.CreateDefaultSchemaReferenceId(type);
    }

    /// <summary>
    /// Declares the optional <c>Idempotency-Key</c> header of an operation that reads it from the raw request (the bulk
    /// endpoint, a command-line import's rows: see <c>KeyedRequests</c>), so generated clients take it as a parameter.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotencyKeyHeader(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = KeyedRequests.IdempotencyKeyHeader,
                In = ParameterLocation.Header,
                Description = "1 to 200 printable characters (e.g. a UUID per batch), reused when the same body is retried: the first attempt's answer is the answer.",
                Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = 200 },
                Example = "0b6f3c7e-2f1d-4c55-9a51-7d7d0f1c2b10",
            });
            return Task.CompletedTask;
        });

    /// <summary>Declares ProblemDetails answers of these status codes (the ones the handler gives, besides those its result types declare).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }

    /// <summary>
    /// Declares the contact list's filters as query parameters, each with an example (the handler reads them from the
    /// raw query: see <c>ContactFilterReader</c>). <c>field.&lt;key&gt;</c> and <c>optIn.&lt;channel&gt;</c> have a name
    /// per field or channel, which OpenAPI cannot declare: the operation's description names them.
    /// </summary>
    public static RouteHandlerBuilder WithContactFilterParameters(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            foreach (var (name, schema, example, description) in ContactFilters)
            {
                operation.Parameters.Add(new OpenApiParameter
                {
                    Name = name,
                    In = ParameterLocation.Query,
                    Description = description,
                    Schema = schema(),
                    Example = example,
                    Style = ParameterStyle.Form,
                    Explode = true,
                });
            }

            return Task.CompletedTask;
        });

    /// <summary>
    /// Declares the export's <c>format</c> query parameter (the handler reads it from the raw query with the filters:
    /// see <c>ExportStarter</c>), first, so generated clients take it before the filters.
    /// </summary>
    public static RouteHandlerBuilder WithExportFormatParameter(this RouteHandlerBuilder builder) =>
        builder.AddOpenApiOperationTransformer((operation, _, _) =>
        {
            operation.Parameters ??= [];
            operation.Parameters.Insert(0, new OpenApiParameter
            {
                Name = "format",
                In = ParameterLocation.Query,
                Description = "The file's format: csv (the default) or json.",
                Schema = Text(),
                Example = "csv",
            });
            return Task.CompletedTask;
        });

    private static readonly (string Name, Func<OpenApiSchema> Schema, JsonNode Example, string Description)[] ContactFilters =
    [
        ("tag", () => new() { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }, new JsonArray("vip"),
            "Contacts with this tag; repeat the parameter for several (all must match)."),
        ("source", Text, "CSV import", "Contacts that came from this source (API, CSV import, or the source given when created)."),
        ("assignedAgent", Text, "none", "Contacts assigned to this user (an id from GET /api/users), or 'none' for unassigned contacts."),
        ("createdFrom", Text, "2025-01-01", "Created at or after this ISO 8601 date or time."),
        ("createdTo", Text, "2025-12-31", "Created at or before this ISO 8601 date or time (a date alone includes that whole day)."),
        ("lastActivityFrom", Text, "2025-01-01T00:00:00Z", "Last active at or after this ISO 8601 date or time."),
        ("lastActivityTo", Text, "2025-12-31", "Last active at or before this ISO 8601 date or time (a date alone includes that whole day)."),
        ("q", Text, "ann", "Text search over the contact; a phone may be written as people write it, e.g. (415) 555-0100."),
    ];

    private static OpenApiSchema Text() => new() { Type = JsonSchemaType.String };

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "VeloConnect Contacts API";
        document.Info.Description = "The HTTP API of VeloConnect Contacts: contacts, custom fields, imports, exports, notifications and the audit log of one workspace. "
            + "Every request but the signed download link carries the workspace's API key as 'Authorization: Bearer <api key>'. "
            + "Errors are ProblemDetails (application/problem+json) whose 'detail' says what to do.";
        // Relative: the API is wherever this document was fetched from, and the document reads the same on every host.
        document.Servers = [new OpenApiServer { Url = "/", Description = "The host that serves this document" }];
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "The workspace's API key: 'Authorization: Bearer <api key>'. The key names a user of one workspace; in Development the demo key is printed when the API starts.",
        };
        foreach (var tag in document.Tags ?? Enumerable.Empty<OpenApiTag>())
        {
            if (tag.Name is { } name && TagDescriptions.TryGetValue(name, out var description))
            {
                tag.Description = description;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The key is required by the fallback policy on every endpoint that does not allow anonymous callers: those say so
    /// here and describe the 401 the key's handler answers (<see cref="ApiKeyAuthenticationHandler"/>); the others declare
    /// that they need no key.
    /// </summary>
    private static async Task SecureOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // An empty requirement: this operation is called without a key.
            operation.Security = [new OpenApiSecurityRequirement()];
            return;
        }

        var document = context.Document!;
        operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecuritySchemeName, document)] = [] }];
        if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
        {
            var schema = await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken);
            document.AddComponent(ProblemSchema, schema);
        }

        operation.Responses ??= [];
        operation.Responses["401"] = new OpenApiResponse
        {
            Description = "No API key, or one that is unknown or revoked: send 'Authorization: Bearer <api key>'.",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
            },
        };
        if (metadata.OfType<PermissionMetadata>().LastOrDefault() is { } declared && !Permissions.RolesFor(declared.Permission).Contains(ApiKeyRole.Agent))
        {
            operation.Description = (operation.Description is { Length: > 0 } text ? text + " " : "") + "Admin keys only.";
            operation.Responses["403"] = new OpenApiResponse
            {
                Description = "The API key's role cannot do this: it needs an admin key.",
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
                },
            };
        }
    }

    /// <summary>
    /// The answers no handler writes but every operation can get: 429 from the request limit (a token bucket per workspace,
    /// or per address for the anonymous link download; <c>Limits/RequestLimits.cs</c>), and, where a body is read, 400
    /// for a body that cannot be read (<c>UnreadableBodyHandler</c>). Declared here once rather than on each endpoint.
    /// </summary>
    private static async Task AnswersEveryOperationGives(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        if (document.Components?.Schemas?.ContainsKey(ProblemSchema) != true)
        {
            document.AddComponent(ProblemSchema, await context.GetOrCreateSchemaAsync(typeof(ProblemDetails), cancellationToken: cancellationToken));
        }

        operation.Responses ??= [];
        if (context.Description.RelativePath is not ("health" or "alive"))
        {
            operation.Responses.TryAdd("429", Problem(document,
                "Too many requests: the workspace's request limit (or the job cap, where the operation starts a job) is met. Retry after the Retry-After header's seconds; the detail names the limit."));
        }

        if (operation.RequestBody is not null)
        {
            operation.Responses.TryAdd("400", Problem(document, "The request could not be read (malformed, of the wrong JSON type or shape, or with text that cannot be stored): the detail says where and what to send."));
        }
    }

    private static OpenApiResponse Problem(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, document) },
        },
    };

    /// <summary>
    /// Page sizes are read from the raw text (so that a bad one gets a ProblemDetails that says the range, not a binding
    /// failure): the document promises what a client sends, a whole number of at least 1.
    /// </summary>
    private static Task LimitsAsIntegers(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var parameter in operation.Parameters ?? [])
        {
            if (parameter is OpenApiParameter { Name: "limit", In: ParameterLocation.Query } limit)
            {
                limit.Schema = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "1" };
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>A JSON object whose properties the writer chose (audit details, an export's filter): any properties, any values.</summary>
    private static Task FreeFormObjects(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type == typeof(JsonElement))
        {
            schema.Type = JsonSchemaType.Object;
            schema.AdditionalPropertiesAllowed = true;
            schema.AdditionalProperties = new OpenApiSchema();
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// The API writes numbers as JSON numbers. It also reads them from strings (the web defaults), which the generated
    /// schemas describe as <c>["integer", "string"]</c> with a pattern; clients generated from that get a union for every
    /// count. The document promises what clients should send and will receive: numbers.
    /// </summary>
    private static Task NumbersAsNumbers(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (schema.Type is { } type && type.HasFlag(JsonSchemaType.String) && (type.HasFlag(JsonSchemaType.Integer) || type.HasFlag(JsonSchemaType.Number)))
        {
            schema.Type = type & ~JsonSchemaType.String;
            schema.Pattern = null;
        }

        return Task.CompletedTask;
    }
}
