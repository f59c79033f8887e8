using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

/// <summary>
/// <c>POST /api/contacts/bulk</c>: up to 10,000 contacts in one request, written with the import's identifiers,
/// normalisation, matching and merge rules, answered item by item. One bad item never fails the request.
/// </summary>
public static class BulkContactsApi
{
    private const string RequestExample = """
        [
          {"name": "Ann Lee", "phones": ["+14155550100"], "email": "ann@example.com", "tags": ["vip"], "custom": {"tier": "Gold"}},
          {"phones": ["(415) 555-0101"], "tags": ["newsletter"]},
          {"name": "Ann again", "phones": ["+14155550100"]},
          {"name": "No way to match"}
        ]
        """;

    private const string ResponseExample = """
        {
          "counts": {"created": 1, "updated": 1, "skipped": 1, "error": 1},
          "results": [
            {"index": 0, "status": "created", "contactId": "0b6f7a52-5d0e-4c1e-9f57-7d1c2f3a4b5c", "duplicateOf": null, "reasons": [], "warnings": []},
            {"index": 1, "status": "updated", "contactId": "4e2d9c10-8a7b-4f6e-b3c2-1a0f9e8d7c6b", "duplicateOf": null, "reasons": [], "warnings": []},
            {"index": 2, "status": "skipped", "contactId": null, "duplicateOf": 0, "reasons": ["Same phone or email as item 0; only the first is written."], "warnings": []},
            {"index": 3, "status": "error", "contactId": null, "duplicateOf": null, "reasons": ["phones: A contact needs a phone or an email: send 'phones' (the first is the primary) or 'email'."], "warnings": []}
          ]
        }
        """;


    public static IEndpointRouteBuilder MapBulkContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/contacts/bulk", Bulk).WithTags("Contacts").WithName("BulkContacts").Requires(Permission.Contacts).WithIdempotencyKeyHeader()
            .WithSummary($"Creates or updates up to {BulkBodyReader.MaxItems:N0} contacts (a JSON array of contact bodies), answering per item: created, updated, skipped or error")
            .WithDescription("Each item is a contact body as for POST /api/contacts (name, phones, email, tags, custom, assignedAgentId, region). "
                + "An item matches the contact that owns its first phone, else its email, and is merged into it as an import row would be "
                + "(given fields overwrite, blanks keep, tags are added, opt-ins are never changed); otherwise it creates a contact (Source API). "
                + "An item with the phone or email of an earlier item is skipped, naming that item. Results come in request order with each item's index. "
                + "Send an Idempotency-Key header (e.g. a UUID per batch) to make retries safe: the first attempt's result is the result. The same key with the same body "
                + "returns the first answer (header Idempotency-Replayed: true) without applying anything again, also when the first client went away before its answer; "
                + "while the first attempt is still running a retry gets 409 with Retry-After; a retry after an attempt that failed or whose server died resumes it "
                + "(items already applied are answered as they were applied, the others are applied). The same key with another body is refused (422). Keys are kept 7 days per workspace. "
                + "The body may also be NDJSON (Content-Type: application/x-ndjson): one item per line instead of an array.")
            .Accepts<ContactBodyDoc[]>("application/json", "application/x-ndjson")
            .Produces<BulkResponse>(StatusCodes.Status200OK, "application/json")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status413PayloadTooLarge,
                StatusCodes.Status422UnprocessableEntity, StatusCodes.Status500InternalServerError, StatusCodes.Status503ServiceUnavailable)
            .AddOpenApiOperationTransformer((operation, _, _) =>
            {
                if (operation.RequestBody?.Content?.TryGetValue("application/json", out var request) == true)
                {
                    request.Example = JsonNode.Parse(RequestExample);
                }

                if (operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content?.TryGetValue("application/json", out var response) == true)
                {
                    response.Example = JsonNode.Parse(ResponseExample);
                }

                return Task.CompletedTask;
            });
        return app;
    }

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Bulk(HttpContext http, KeyedRequests keyed, BulkContactWrites writes, IOptions<JsonOptions> json)
    {
        if (http.Request.Query.TryGetValue("importId", out var importId))
        {
            return ApiProblems.BadRequest("Rows go to their import", $"A command-line import's rows are sent to POST /api/imports/{importId}/rows (same body, same Idempotency-Key); "
                + "this endpoint takes contact bodies only. Update velo if it sent this.");
        }

        var user = CurrentUser.From(http.User);
        // Read as it streams in: the item past MaxItems ends the request with 413 before the rest is received or parsed.
        var (body, unreadable) = await BulkBodyReader.ReadAsync(http.Request);
        if (body is null)
        {
            return unreadable!;
        }

        Func<BulkLease?, CancellationToken, Task<BulkAnswer>> write;
        using (body)
        {
            write = await writes.PrepareAsync(user, body.Items, json.Value.SerializerOptions, http.RequestAborted);
        }

        return await keyed.AnswerAsync(http, user, body.Hash, async (lease, cancellationToken) => await write(lease, cancellationToken));
    }


}
