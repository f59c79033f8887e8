using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

/// <summary>Runs one operation against the API of a sequence's workspace and says what it did (<see cref="OpOutcome"/>).</summary>
public sealed partial class OpRunner(ModelWorkspace workspace, Model model, ModelSettings settings)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private HttpClient Http => workspace.Http;

    public async Task<OpOutcome> RunAsync(Op op)
    {
        var outcome = new OpOutcome(op);
        switch (op)
        {
            case CreateOp create:
                await CreateAsync(create, outcome);
                break;
            case PatchOp patch:
                await PatchAsync(patch, outcome);
                break;
            case OptInOp optIn:
                await OptInAsync(optIn, outcome);
                break;
            case DeleteOp delete:
                await DeleteAsync(delete, outcome);
                break;
            case DeleteByTagOp delete:
                await DeleteByTagAsync(delete, outcome);
                break;
            case BulkOp bulk:
                await BulkAsync(bulk, outcome);
                break;
            case ImportOp import:
                await ImportAsync(import, outcome);
                break;
            case CliImportOp import:
                await CommandLineImportAsync(import, outcome);
                break;
            case RevertOp revert:
                await RevertAsync(revert, outcome);
                break;
        }

        return outcome;
    }

    /// <summary>A contact body as the contacts and bulk APIs take it.</summary>
    public static JsonObject Body(ContactSpec contact, string? source = null)
    {
        var body = new JsonObject();
        if (contact.Name is { } name)
        {
            body["name"] = Pools.Name(name);
        }

        if (contact.Phones.Length > 0)
        {
            body["phones"] = new JsonArray([.. contact.PhoneValues.Select(p => (JsonNode)p)]);
        }

        if (contact.EmailValue is { } email)
        {
            body["email"] = email;
        }

        if (contact.Tags.Length > 0)
        {
            body["tags"] = new JsonArray([.. contact.Tags.Select(t => (JsonNode)Pools.Tag(t))]);
        }

        if (contact.Tier is { } tier)
        {
            body["custom"] = new JsonObject { [ModelStack.FieldKey] = Pools.Tier(tier) };
        }

        if (source is not null)
        {
            body["source"] = source;
        }

        return body;
    }

    private async Task CreateAsync(CreateOp op, OpOutcome outcome)
    {
        var answer = await Http.SendAsync(HttpMethod.Post, "/api/contacts", Json.Raw(Body(op.Contact, "Manual").ToJsonString()));
        if (answer.Status == HttpStatusCode.Created)
        {
            var id = answer.Json!["id"]!.GetValue<Guid>();
            outcome.Note($"201 {Observed.Short(id)}");
            Wrote(outcome, id, op.Contact, created: true);
        }
        else if (answer.Status == HttpStatusCode.Conflict)
        {
            outcome.Note("409 (a phone or email exists)");
        }
        else
        {
            Unexpected(outcome, "POST /api/contacts", answer);
        }
    }

    /// <summary>What a create, a bulk item or an import row that reached contact <paramref name="id"/> wrote there.</summary>
    private static void Wrote(OpOutcome outcome, Guid id, ContactSpec contact, bool created)
    {
        outcome.Touched.Add(id);
        outcome.Reported.Add(id);
        outcome.TagAdds.Add((id, [.. contact.Tags.Select(Pools.Tag)]));
        if (contact.Tier is { } tier)
        {
            outcome.TierWrites.Add((id, Pools.Tier(tier)));
        }
        else if (created)
        {
            outcome.TierWrites.Add((id, null));
        }
    }

    private async Task PatchAsync(PatchOp op, OpOutcome outcome)
    {
        if (await ResolveAsync(op.Target, outcome) is not { } contact)
        {
            return;
        }

        var body = new JsonObject();
        IReadOnlyList<string>? tags = null;
        switch (op.Kind)
        {
            case PatchKind.Phones:
                body["phones"] = new JsonArray([.. op.Phones.Select(p => (JsonNode)Pools.Phone(p))]);
                break;
            case PatchKind.Email:
                body["email"] = op.Email is { } e ? Pools.Email(e) : null;
                break;
            case PatchKind.AddTags:
                tags = [.. contact.Tags.Concat(op.Tags.Select(Pools.Tag))];
                break;
            case PatchKind.ReplaceTags:
                tags = [.. op.Tags.Select(Pools.Tag)];
                break;
            default:
                body["custom"] = new JsonObject { [ModelStack.FieldKey] = op.Tier is { } t ? Pools.Tier(t) : null };
                break;
        }

        if (tags is not null)
        {
            body["tags"] = new JsonArray([.. tags.Select(t => (JsonNode)t)]);
        }

        var answer = await Http.SendAsync(HttpMethod.Patch, $"/api/contacts/{contact.Id}", Json.Raw(body.ToJsonString()));
        switch (answer.Code)
        {
            case 200:
                outcome.Note($"200 {Observed.Short(contact.Id)}");
                if (tags is not null)
                {
                    outcome.TagReplacements.Add((contact.Id, tags));
                }

                if (op.Kind == PatchKind.Tier)
                {
                    outcome.TierWrites.Add((contact.Id, op.Tier is { } t ? Pools.Tier(t) : null));
                }

                break;
            case 404 or 409:
                outcome.Note($"{answer.Code} {Observed.Short(contact.Id)}");
                break;
            case 400 when op.Kind == PatchKind.Email && op.Email is null && contact.Phones.Count == 0:
                outcome.Note("400 (the email is its only identifier)");
                break;
            case 400 when op.Kind == PatchKind.Email && op.Email is null && answer.Body.Contains("needs a phone or an email", StringComparison.Ordinal):
                outcome.Note("400!");
                outcome.Violations.Add(new Violation(Invariant.AnswersStaleGrain,
                    $"PATCH email = null on contact {contact.Describe()}, which has a phone, answered {answer}"));
                break;
            default:
                Unexpected(outcome, "PATCH /api/contacts/{id}", answer);
                break;
        }
    }

    private async Task OptInAsync(OptInOp op, OpOutcome outcome)
    {
        if (await ResolveAsync(op.Target, outcome) is not { } contact)
        {
            return;
        }

        var status = op.OptOut ? "opted_out" : "opted_in";
        var answer = await Http.SendAsync(HttpMethod.Put, $"/api/contacts/{contact.Id}/opt-ins/{op.Channel}",
            Json.Content(new { status, source = "model test" }));
        switch (answer.Code)
        {
            case 200:
                outcome.Note($"200 {Observed.Short(contact.Id)}");
                // The addresses it held when the opt-out was set: read before and answered after; concurrent writes may
                // have changed them in between, so an opt-out covers those held throughout, an opt-in clears all of them.
                var after = answer.Json?["id"] is null ? [] : Observed.From(answer.Json).AddressesFor(op.Channel, settings.Scope).ToHashSet();
                var before = contact.AddressesFor(op.Channel, settings.Scope).ToHashSet();
                if (op.OptOut)
                {
                    outcome.OptOuts.AddRange(before.Intersect(after).Select(a => (a, op.Channel)));
                }
                else
                {
                    outcome.OptInClears.AddRange(before.Union(after).Select(a => (a, op.Channel)));
                }

                break;
            case 404:
                outcome.Note($"404 {Observed.Short(contact.Id)}");
                break;
            default:
                Unexpected(outcome, "PUT /api/contacts/{id}/opt-ins/{channel}", answer);
                break;
        }
    }

    private async Task DeleteAsync(DeleteOp op, OpOutcome outcome)
    {
        var ids = new List<Guid>();
        foreach (var target in op.Targets)
        {
            if (await ResolveAsync(target, outcome) is { } contact && !ids.Contains(contact.Id))
            {
                ids.Add(contact.Id);
            }
        }

        if (ids.Count == 0)
        {
            return;
        }

        outcome.Touched.UnionWith(ids);
        outcome.Deletable.UnionWith(ids);
        if (op.ByIds)
        {
            var answer = await Http.SendAsync(HttpMethod.Post, "/api/contacts/delete", Json.Content(new { ids }));
            if (answer.Code == 200)
            {
                outcome.Note($"200 deleted {answer.Json!["deleted"]}");
            }
            else
            {
                Unexpected(outcome, "POST /api/contacts/delete", answer);
            }

            return;
        }

        foreach (var id in ids)
        {
            var answer = await Http.SendAsync(HttpMethod.Delete, $"/api/contacts/{id}");
            if (answer.Code is 204 or 404)
            {
                outcome.Note($"{answer.Code} {Observed.Short(id)}");
            }
            else
            {
                Unexpected(outcome, "DELETE /api/contacts/{id}", answer);
            }
        }
    }

    private async Task DeleteByTagAsync(DeleteByTagOp op, OpOutcome outcome)
    {
        var filter = "tag=" + Uri.EscapeDataString(Pools.Tag(op.Tag));
        var candidates = await Http.ListAllAsync(filter);
        outcome.Touched.UnionWith(candidates.Keys);
        outcome.Deletable.UnionWith(candidates.Keys);
        outcome.DeletesByFilter = true;
        var answer = await Http.SendAsync(HttpMethod.Delete, "/api/contacts?" + filter);
        if (answer.Code == 200)
        {
            outcome.Note($"200 deleted {answer.Json!["deleted"]}");
        }
        else
        {
            Unexpected(outcome, "DELETE /api/contacts?tag=", answer);
        }
    }

    /// <summary>The contact holding the identifier now, or null (noted) when nobody does.</summary>
    private async Task<Observed?> ResolveAsync(Ref target, OpOutcome outcome)
    {
        var found = await Http.ListAllAsync("q=" + Uri.EscapeDataString(target.Value));
        var address = target.Phone ? Pools.PhoneAddress(target.Value) : Pools.EmailAddress(target.Value);
        var holder = found.Values.FirstOrDefault(c => c.Addresses.Contains(address));
        if (holder is null)
        {
            outcome.Note($"nobody holds {target}");
        }
        else
        {
            outcome.Touched.Add(holder.Id);
        }

        return holder;
    }

    private static void Unexpected(OpOutcome outcome, string what, Answer answer)
    {
        outcome.Note($"{answer.Code}!");
        outcome.Violations.Add(new Violation(Invariant.Answers, $"{what} answered {answer}"));
    }

    private static async Task<T> PollAsync<T>(Func<Task<T>> read, Func<T, bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var value = await read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not end within {Patience.TotalSeconds} s: {value}");
            }

            await Task.Delay(50);
        }
    }

    private static string Serialize(object value) => JsonSerializer.Serialize(value);
}
