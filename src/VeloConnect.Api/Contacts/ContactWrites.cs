using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;

namespace VeloConnect.Api.Contacts;

/// <summary>
/// One contact's create, edit and opt-in change: the request's checks, the write through the contact's grain, and the
/// answer (the endpoints only adapt HTTP).
/// </summary>
public sealed class ContactWrites(ContactServices services)
{
    public async Task<Results<Created<ContactResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CurrentUser user, JsonElement body)
    {
        var reader = new ContactRequestReader(await services.Fields.ListAsync(user.WorkspaceId), user.DefaultRegion);
        var write = reader.ReadCreate(body, out var source);
        await CheckAgentAsync(user, write?.AssignedAgentId, reader.Errors);

        if (write is null || reader.Errors.Count > 0)
        {
            return ApiProblems.Invalid(reader.Errors);
        }

        var result = await services.Orleans.ContactWriter(user.WorkspaceId).UpsertAsync(write, UpsertMode.CreateOnly, new WriteContext(source, user.UserId));
        switch (result.Outcome)
        {
            case WriteOutcome.Created:
                var created = await LoadResponseAsync(user.WorkspaceId, result.ContactId, result.Warnings);
                return TypedResults.Created($"/api/contacts/{result.ContactId}", created!);
            case WriteOutcome.AlreadyExists or WriteOutcome.Conflict:
                return ApiProblems.Conflict("Contact already exists",
                    $"A contact ({result.ConflictContactId ?? result.ContactId}) already has this phone or email. Phones and emails are unique in a workspace: edit that contact with PATCH /api/contacts/{result.ConflictContactId ?? result.ContactId}, or delete it first.");
            default:
                return ApiProblems.BadRequest("Contact not created", result.Error ?? "The contact could not be created.");
        }
    }

    public async Task<Results<Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(CurrentUser user, Guid id, JsonElement body)
    {
        var reader = new ContactRequestReader(await services.Fields.ListAsync(user.WorkspaceId), user.DefaultRegion);
        var edit = reader.ReadEdit(body);
        await CheckAgentAsync(user, edit?.AssignedAgentId, reader.Errors);

        if (edit is null || reader.Errors.Count > 0)
        {
            return ApiProblems.Invalid(reader.Errors);
        }

        var result = await services.Orleans.Contact(user.WorkspaceId, id).EditAsync(edit, new WriteContext("API", user.UserId));
        return result.Outcome switch
        {
            WriteOutcome.Updated or WriteOutcome.Unchanged => TypedResults.Ok((await LoadResponseAsync(user.WorkspaceId, id, result.Warnings))!),
            WriteOutcome.NotFound => NotFound(id),
            WriteOutcome.Conflict => ApiProblems.Conflict("Phone or email belongs to another contact", result.Error!),
            _ => ApiProblems.BadRequest("Contact not updated", result.Error ?? "The contact could not be updated."),
        };
    }

    public async Task<Results<Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> SetOptInAsync(CurrentUser user, Guid id, string channel, OptInRequest? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (!OptIns.TryParseChannel(channel, out var parsedChannel))
        {
            errors["channel"] = [$"'{channel}' is not a channel; use whatsapp, sms or email."];
        }

        if (!OptIns.TryParseStatus(body?.Status, out var status))
        {
            errors["status"] = ["'status' must be opted_in, opted_out or unknown."];
        }

        if (string.IsNullOrWhiteSpace(body?.Source) || body.Source.Length > 200)
        {
            errors["source"] = ["'source' says how the consent was given or withdrawn (e.g. \"web form\", \"replied STOP\"); required, at most 200 characters."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var result = await services.Orleans.Contact(user.WorkspaceId, id)
            .SetOptInAsync(new OptInChange(OptIns.Name(parsedChannel), OptIns.Name(status), body!.Source!.Trim()), new WriteContext("API", user.UserId));
        return result.Outcome switch
        {
            WriteOutcome.NotFound => NotFound(id),
            WriteOutcome.Conflict => ApiProblems.Conflict("Opted out", result.Error!),
            _ => TypedResults.Ok((await LoadResponseAsync(user.WorkspaceId, id))!),
        };
    }

    private async Task CheckAgentAsync(CurrentUser user, Guid? agent, Dictionary<string, string[]> errors)
    {
        if (agent is { } id && !await services.Workspaces.UserExistsAsync(user.WorkspaceId, id))
        {
            errors["assignedAgentId"] = [$"No user {id} in this workspace; pick one from GET /api/users."];
        }
    }

    /// <summary>The contact as stored now, with the write's warnings (e.g. an opted-out phone or email it took), if any.</summary>
    public async Task<ContactResponse?> LoadResponseAsync(Guid workspaceId, Guid id, IReadOnlyList<string>? warnings = null)
    {
        var record = await services.Contacts.LoadAsync(workspaceId, id);
        return record is null ? null : ContactResponse.From(record, await services.Contacts.GetOptInsAsync(workspaceId, [id])) with
        {
            Warnings = warnings is { Count: > 0 } ? warnings : null,
        };
    }

    public static ProblemHttpResult NotFound(Guid id) =>
        ApiProblems.NotFound("Contact", $"There is no contact {id} in your workspace. List contacts with GET /api/contacts.");
}
