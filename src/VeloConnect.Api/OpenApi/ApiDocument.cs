using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using VeloConnect.Api.Auth;

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

    /// <summary>The live notification stream also takes the key as <c>?access_token=</c> (browsers cannot set headers on an EventSource).</summary>
    public const string QuerySecuritySchemeName = "ApiKeyQuery";

    private const string ProblemSchema = "ProblemDetails";

    private static readonly Dictionary<string, string> TagDescriptions = new()
    {
        ["Contacts"] = "Contacts of the workspace: list and filter, create, edit, delete, opt-ins, and up to 10,000 at once with the bulk endpoint.",
        ["Contact fields"] = "The workspace's custom contact fields (Settings → Contact fields); imports never create one.",
        ["Audit log"] = "Who did what and when: every delete, opt-in change, import, export and field change.",
        ["Notifications"] = "The caller's notifications (imports and exports that ended), as a list and as a live stream.",
        ["Workspace"] = "Who the API key speaks for, and the workspace's users (agents).",
        ["Imports"] = "CSV imports: the wizard's steps (upload, mapping, review, run), the command-line importer's, history, error reports and reverts.",
        ["Exports"] = "Exports of the contacts a filter selects, as CSV or JSON files built in the background, with their downloads.",
    };

    /// <summary>The options of the document (<c>AddOpenApi(ApiDocument.Configure)</c>).</summary>
    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer(DescribeDocumentAsync);
        options.AddOperationTransformer(SecureOperationAsync);
        options.AddSchemaTransformer(NumbersAsNumbers);
    }

    /// <summary>Declares ProblemDetails answers of these status codes (the ones the handler gives, besides those its result types declare).</summary>
    public static RouteHandlerBuilder ProducesProblems(this RouteHandlerBuilder builder, params int[] statusCodes)
    {
        foreach (var statusCode in statusCodes)
        {
            builder.ProducesProblem(statusCode);
        }

        return builder;
    }

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
        document.Components.SecuritySchemes[QuerySecuritySchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Query,
            Name = "access_token",
            Description = "The API key as a query parameter: only the live notification stream takes it (an EventSource cannot set headers).",
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
        if (context.Description.RelativePath == "api/notifications/stream")
        {
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(QuerySecuritySchemeName, document)] = [] });
        }

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
