using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// A bulk request's items: read like create bodies, written through the workspace's bulk writer grain, answered item by
/// item with the request's audit row (the endpoint only adapts HTTP; <see cref="KeyedRequests"/> keeps the answer for a key).
/// </summary>
public sealed class BulkContactWrites(ContactServices services)
{
    /// <summary>Reads and writes the items; returns the answer as JSON (kept as is for a retry with the same key) and its audit row.</summary>
    public async Task<BulkAnswer> ApplyAsync(CurrentUser user, JsonArray items, JsonSerializerOptions options, BulkLease? lease,
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

        var results = await services.Orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteAsync(new BulkItems(valid), new BulkResults(refused), user.UserId,
            lease is null ? null : new BulkRequestLease(lease.RequestId, lease.Token));
        var answer = results.Select(r => new BulkResultResponse(r.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings)).ToList();
        var response = BulkResponse.Of(answer);
        var counts = response.Counts;
        var audit = new BulkAudit(user.WorkspaceId, user.UserId, new Dictionary<string, object?>
        {
            ["items"] = items.Count,
            ["created"] = counts.Created,
            ["updated"] = counts.Updated,
            ["skipped"] = counts.Skipped,
            ["error"] = counts.Error,
        });
        return new BulkAnswer(JsonSerializer.Serialize(response, options), audit);
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
}
