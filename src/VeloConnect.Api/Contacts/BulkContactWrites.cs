using System.Text.Json;
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
    /// <summary>
    /// Reads the items (each like a create body; what is kept is copied out of them, so the body may be disposed once this
    /// returns) and gives the write: it writes them through the bulk writer grain and returns the answer as JSON (kept as
    /// is for a retry with the same key) and its audit row. Nothing is applied until the write runs.
    /// </summary>
    public async Task<Func<BulkLease?, CancellationToken, Task<BulkAnswer>>> PrepareAsync(CurrentUser user, IReadOnlyList<JsonElement> items,
        JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(items);
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

        var itemCount = items.Count;
        return async (lease, _) =>
        {
            var results = await services.Orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteAsync(new BulkItems(valid), new BulkResults(refused), user.UserId,
                lease is null ? null : new BulkRequestLease(lease.RequestId, lease.Token));
            var answer = results.Select(r => new BulkResultResponse(r.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings)).ToList();
            var response = BulkResponse.Of(answer);
            var counts = response.Counts;
            var audit = new BulkAudit(user.WorkspaceId, user.UserId, new Dictionary<string, object?>
            {
                ["items"] = itemCount,
                ["created"] = counts.Created,
                ["updated"] = counts.Updated,
                ["skipped"] = counts.Skipped,
                ["error"] = counts.Error,
            });
            return new BulkAnswer(JsonSerializer.Serialize(response, options), audit);
        };
    }

    /// <summary>An item read like a create body, or the reasons it cannot be written. Agents are checked against the workspace's users.</summary>
    private static (ContactWrite? Contact, List<string> Errors) Read(JsonElement item, IReadOnlyList<ContactRules.Fields.FieldDefinition> fields, CurrentUser user, HashSet<Guid> users)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            return (null, ["The item must be a JSON object: a contact body as for POST /api/contacts."]);
        }

        var errors = new List<string>();
        if (item.TryGetProperty("source", out _))
        {
            errors.Add("source: bulk items take no source; contacts the bulk endpoint creates get Source API.");
        }

        var reader = new ContactRequestReader(fields, user.DefaultRegion);
        var contact = reader.ReadCreate(item, out _, readSource: false);
        errors.AddRange(reader.Errors.SelectMany(e => e.Value.Select(message => $"{e.Key}: {message}")));
        if (contact?.AssignedAgentId is { } agent && !users.Contains(agent))
        {
            errors.Add($"assignedAgentId: no user {agent} in this workspace; pick one from GET /api/users.");
        }

        return (contact, errors);
    }
}
