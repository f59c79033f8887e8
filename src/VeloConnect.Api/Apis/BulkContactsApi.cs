using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Api.Apis;

/// <summary>One item's result: its index in the request, what happened, the contact, and why (errors, skips, warnings).</summary>
public sealed record BulkResultResponse(int Index, string Status, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

public sealed record BulkCountsResponse(int Created, int Updated, int Skipped, int Error);

public sealed record BulkResponse(BulkCountsResponse Counts, IReadOnlyList<BulkResultResponse> Results);

/// <summary>
/// <c>POST /api/contacts/bulk</c>: up to 10,000 contacts in one request, written with the import's identifiers,
/// normalisation, matching and merge rules, answered item by item. One bad item never fails the request.
/// </summary>
public static class BulkContactsApi
{
    public const int MaxItems = 10_000;

    // 10,000 contacts with long names, several phones, tags and custom values stay far below this.
    private const long MaxBodyBytes = 64L * 1024 * 1024;

    public static IEndpointRouteBuilder MapBulkContactsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/contacts/bulk", Bulk).WithTags("Contacts").WithName("BulkContacts")
            .WithSummary($"Creates or updates up to {MaxItems:N0} contacts (a JSON array of contact bodies), answering per item: created, updated, skipped or error")
            .WithDescription("Each item is a contact body as for POST /api/contacts (name, phones, email, tags, custom, assignedAgentId, region). "
                + "An item matches the contact that owns its first phone, else its email, and is merged into it as an import row would be "
                + "(given fields overwrite, blanks keep, tags are added, opt-ins are never changed); otherwise it creates a contact (Source API). "
                + "An item with the phone or email of an earlier item is skipped, naming that item. Results come in request order with each item's index.")
            .Accepts<ContactBodyDoc[]>("application/json");
        return app;
    }

    public static async Task<Results<Ok<BulkResponse>, ProblemHttpResult>> Bulk([AsParameters] RequestContext request)
    {
        var (http, services) = (request.Http, request.Services);
        var user = CurrentUser.From(http.User);
        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return TooLarge($"The body is {http.Request.ContentLength:N0} bytes; a bulk request may be {MaxBodyBytes / (1024 * 1024)} MB. Send at most {MaxItems:N0} contacts per request.");
        }

        JsonArray? items;
        try
        {
            items = await JsonNode.ParseAsync(http.Request.Body, cancellationToken: http.RequestAborted) as JsonArray;
        }
        catch (JsonException e)
        {
            return ApiProblems.BadRequest("Unreadable body", $"The body is not valid JSON ({e.Message}); send a JSON array of contacts with Content-Type: application/json.");
        }

        if (items is null || items.Count == 0)
        {
            return ApiProblems.BadRequest("No contacts", "The body must be a JSON array holding 1 to 10,000 contacts, e.g. [{\"name\": \"Ann\", \"phones\": [\"+14155550100\"]}].");
        }

        if (items.Count > MaxItems)
        {
            return TooLarge(string.Create(CultureInfo.InvariantCulture,
                $"This request holds {items.Count:N0} contacts; a bulk request takes at most {MaxItems:N0}. Split it into requests of {MaxItems:N0} (the command-line importer does this for a file of any size)."));
        }

        var fields = await services.Fields.ListAsync(user.WorkspaceId);
        var users = (await services.Workspaces.ListUsersAsync(user.WorkspaceId, http.RequestAborted)).Select(u => u.Id).ToHashSet();
        var results = new BulkItemResult?[items.Count];
        var valid = new List<BulkItem>(items.Count);
        for (var index = 0; index < items.Count; index++)
        {
            var (contact, errors) = Read(items[index], fields, user, users);
            if (contact is null || errors.Count > 0)
            {
                results[index] = BulkItemResult.Error(index, errors);
            }
            else
            {
                valid.Add(new BulkItem(index, contact));
            }
        }

        if (valid.Count > 0)
        {
            foreach (var result in await services.Orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteAsync(valid, user.UserId))
            {
                results[result.Index] = result;
            }
        }

        var answer = results.Select(r => new BulkResultResponse(r!.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings)).ToList();
        var counts = new BulkCountsResponse(
            answer.Count(r => r.Status == BulkStatus.Created), answer.Count(r => r.Status == BulkStatus.Updated),
            answer.Count(r => r.Status == BulkStatus.Skipped), answer.Count(r => r.Status == BulkStatus.Error));
        await services.Audit.WriteAsync(user.WorkspaceId, user.UserId, "contacts.bulk", "contact", null, new Dictionary<string, object?>
        {
            ["items"] = items.Count,
            ["created"] = counts.Created,
            ["updated"] = counts.Updated,
            ["skipped"] = counts.Skipped,
            ["error"] = counts.Error,
        });
        return TypedResults.Ok(new BulkResponse(counts, answer));
    }

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

    private static ProblemHttpResult TooLarge(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too many contacts", detail: detail);
}
