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

/// <summary>One item's result: its index in the request, what happened, the contact, and why (errors, skips, warnings); for a command-line import's row, its number in the file.</summary>
public sealed record BulkResultResponse(int Index, string Status, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Row = null);

public sealed record BulkCountsResponse(int Created, int Updated, int Skipped, int Error);

public sealed record BulkResponse(BulkCountsResponse Counts, IReadOnlyList<BulkResultResponse> Results);

/// <summary>
/// <c>POST /api/contacts/bulk</c>: up to 10,000 contacts in one request, written with the import's identifiers,
/// normalisation, matching and merge rules, answered item by item. One bad item never fails the request.
/// </summary>
public static class BulkContactsApi
{
    public const int MaxItems = 10_000;
    public const string IdempotencyKeyHeader = "Idempotency-Key";

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

    // 10,000 contacts with long names, several phones, tags and custom values stay far below this.
    private const long MaxBodyBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapBulkContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/contacts/bulk", Bulk).WithTags("Contacts").WithName("BulkContacts")
            .WithSummary($"Creates or updates up to {MaxItems:N0} contacts (a JSON array of contact bodies), answering per item: created, updated, skipped or error")
            .WithDescription("Each item is a contact body as for POST /api/contacts (name, phones, email, tags, custom, assignedAgentId, region). "
                + "An item matches the contact that owns its first phone, else its email, and is merged into it as an import row would be "
                + "(given fields overwrite, blanks keep, tags are added, opt-ins are never changed); otherwise it creates a contact (Source API). "
                + "An item with the phone or email of an earlier item is skipped, naming that item. Results come in request order with each item's index. "
                + "Send an Idempotency-Key header (e.g. a UUID per batch) to make retries safe: the first attempt's result is the result. The same key with the same body "
                + "returns the first answer (header Idempotency-Replayed: true) without applying anything again, also when the first client went away before its answer; "
                + "while the first attempt is still running a retry gets 409 with Retry-After; a retry after an attempt that failed or whose server died resumes it "
                + "(items already applied are answered as they were applied, the others are applied). The same key with another body is refused (422). Keys are kept 7 days per workspace. "
                + "With ?importId=<a running command-line import> the items are that import's file rows instead, {\"row\": n, \"cells\": [...], \"duplicateOf\": m}: each is read "
                + "through the import's mapping exactly as the wizard reads a row, written and recorded in the import (a row already recorded is answered from its record), "
                + "and its result carries \"row\". This is what the command-line importer (velo import) sends. "
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

    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Bulk([AsParameters] RequestContext request)
    {
        var (http, services) = (request.Http, request.Services);
        var user = CurrentUser.From(http.User);
        // Read as it streams in: the item past MaxItems ends the request with 413 before the rest is received or parsed.
        var (body, unreadable) = await BulkBodyReader.ReadAsync(http.Request, MaxItems, MaxBodyBytes);
        if (body is null)
        {
            return unreadable!;
        }

        var items = body.Items;

        // A command-line import's rows (?importId=…) are read through its mapping; other requests hold contact bodies.
        var options = http.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        Func<BulkRequestLease?, CancellationToken, Task<BulkAnswer?>> apply = async (lease, cancellationToken) =>
            await ApplyAsync(services, user, items, options, lease, cancellationToken);
        if (http.Request.Query.ContainsKey(CommandLineImportsApi.ImportIdQuery))
        {
            var (rows, refused) = await CommandLineImportsApi.PrepareRowsAsync(http, services, user, items);
            if (refused is not null)
            {
                return refused;
            }

            // An import's rows are recorded (and answered when sent again) by the import itself; it has no contacts.bulk audit row.
            apply = async (_, _) => await rows!() is { } json ? new BulkAnswer(json, null) : null;
        }

        var key = http.Request.Headers[IdempotencyKeyHeader].ToString();
        if (key.Length == 0)
        {
            if (await apply(null, http.RequestAborted) is not { } answered)
            {
                return ImportStopped();
            }

            if (answered.Audit is { } audit)
            {
                await services.Audit.WriteAsync(audit.WorkspaceId, audit.UserId, BulkAudit.Action, "contact", null, audit.Details);
            }

            return Json(answered.Json);
        }

        if (key.Length > 200 || key.Any(char.IsControl))
        {
            return ApiProblems.BadRequest("Bad Idempotency-Key", "An Idempotency-Key is 1 to 200 printable characters, e.g. a UUID you generate per batch and reuse when you retry that batch.");
        }

        return await ApplyOnceAsync(http, user, key, body.Hash, apply);
    }

    /// <summary>
    /// A request with an Idempotency-Key: the first attempt's result is the result. The key's claim is a lease of this
    /// API process (<see cref="BulkRequestRunner"/>); the work runs to its end apart from the HTTP request (a client that
    /// goes away gets its answer on retry), records each item's outcome as it applies it, and keeps the answer. A retry
    /// gets the kept answer; while the first attempt runs, 409 with Retry-After; once its lease expired (its process
    /// died, or it failed part way), the retry takes it over and applies only the items not recorded.
    /// </summary>
    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> ApplyOnceAsync(HttpContext http, CurrentUser user, string key, byte[] bodyHash,
        Func<BulkRequestLease?, CancellationToken, Task<BulkAnswer?>> apply)
    {
        var keys = http.RequestServices.GetRequiredService<BulkRequestStore>();
        var runner = http.RequestServices.GetRequiredService<BulkRequestRunner>();
        var claim = await keys.ClaimAsync(user.WorkspaceId, key, bodyHash, runner.Owner, runner.Options.Lease, http.RequestAborted);
        switch (claim.State)
        {
            case IdempotencyState.Answered:
                http.Response.Headers["Idempotency-Replayed"] = "true";
                return Json(claim.Response!);
            case IdempotencyState.DifferentBody:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: $"This Idempotency-Key was already used with a different body. Use a new key for a new batch (keys are kept {BulkRequestStore.Kept.TotalDays:0} days); reuse a key only to retry the very same body.");
            case IdempotencyState.InProgress:
                var wait = claim.LeaseLeft < runner.Options.Renew ? claim.LeaseLeft : runner.Options.Renew;
                var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                return ApiProblems.Conflict("Request in progress", string.Create(CultureInfo.InvariantCulture,
                    $"The first request with this Idempotency-Key is still running. Retry the same body with the same key in {seconds} s (Retry-After) to get its answer; nothing is applied twice."));
        }

        var work = runner.Start(claim.Lease!, apply);
        BulkOutcome outcome;
        try
        {
            outcome = await work.WaitAsync(http.RequestAborted);
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested)
        {
            // The client went away; the work goes on and keeps its answer for the retry. Nobody reads this.
            return TypedResults.Problem(statusCode: StatusCodes.Status499ClientClosedRequest, title: "Client went away");
        }

        return outcome.Kind switch
        {
            BulkOutcomeKind.Answered => Json(outcome.Json!),
            BulkOutcomeKind.NotApplied => ImportStopped(),
            BulkOutcomeKind.TakenOver => ApiProblems.Conflict("Request taken over", "This attempt stalled and a retry with the same Idempotency-Key took the request over. "
                + "Retry the same body with the same key to get that retry's answer; nothing is applied twice."),
            _ => TypedResults.Problem(statusCode: outcome.Kind == BulkOutcomeKind.Stopped ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError,
                title: "Bulk request interrupted",
                detail: "The request stopped part way (the server failed or is restarting). Retry the same body with the same Idempotency-Key: the items already applied "
                    + "are answered as they were applied, the others are applied now; nothing is applied twice."),
        };
    }

    /// <summary>Reads and writes the items; returns the answer as JSON (kept as is for a retry with the same key) and its audit row.</summary>
    private static async Task<BulkAnswer> ApplyAsync(ContactServices services, CurrentUser user, JsonArray items, JsonSerializerOptions options, BulkRequestLease? lease,
        CancellationToken cancellationToken)
    {
        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var users = (await services.Workspaces.ListUsersAsync(user.WorkspaceId, cancellationToken)).Select(u => u.Id).ToHashSet();
        var refused = new List<BulkItemResult>();
        var valid = new List<BulkItem>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            var (contact, errors) = Read(items[index], fields, user, users);
            if (contact is null || errors.Count > 0)
            {
                refused.Add(BulkItemResult.Error(index, errors));
            }
            else
            {
                valid.Add(new BulkItem(index, contact));
            }
        }

        var results = await services.Orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteAsync(valid, refused, user.UserId, lease);
        var answer = results.Select(r => new BulkResultResponse(r.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings)).ToList();
        var counts = Count(answer);
        var audit = new BulkAudit(user.WorkspaceId, user.UserId, new Dictionary<string, object?>
        {
            ["items"] = items.Count,
            ["created"] = counts.Created,
            ["updated"] = counts.Updated,
            ["skipped"] = counts.Skipped,
            ["error"] = counts.Error,
        });
        return new BulkAnswer(JsonSerializer.Serialize(new BulkResponse(counts, answer), options), audit);
    }

    public static BulkCountsResponse Count(IReadOnlyList<BulkResultResponse> answer) => new(
        answer.Count(r => r.Status == BulkStatus.Created), answer.Count(r => r.Status == BulkStatus.Updated),
        answer.Count(r => r.Status == BulkStatus.Skipped), answer.Count(r => r.Status == BulkStatus.Error));

    private static ProblemHttpResult ImportStopped() =>
        ApiProblems.Conflict("Import not running", "The import stopped running while this request was read (it was finished); no row of this request was applied. Run the importer again to start a new import.");

    private static ContentHttpResult Json(string json) => TypedResults.Text(json, "application/json", System.Text.Encoding.UTF8);

    /// <summary>An item read like a create body, or the reasons it cannot be written. Agents are checked against the workspace's users.</summary>
    private static (ContactWrite? Contact, List<string> Errors) Read(JsonNode? item, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields, CurrentUser user, HashSet<Guid> users)
    {
        if (item is not JsonObject body)
        {
            return (null, ["The item must be a JSON object: a contact body as for POST /api/contacts."]);
        }

        var errors = new List<string>();
        if (body.ContainsKey("source"))
        {
            errors.Add("source: bulk items take no source; contacts the bulk endpoint creates get Source API.");
            body.Remove("source");
        }

        var reader = new ContactRequestReader(fields, user.DefaultRegion);
        var contact = reader.ReadCreate(body, out _);
        errors.AddRange(reader.Errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")));
        if (contact?.AssignedAgentId is { } agent && !users.Contains(agent))
        {
            errors.Add($"assignedAgentId: no user {agent} in this workspace; pick one from GET /api/users.");
        }

        return (contact, errors);
    }
}
