using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Fields;

namespace VeloConnect.Api.Fields;

/// <summary>Creating and changing a custom field: the checks, the write and its audit row (the endpoints only adapt HTTP).</summary>
public sealed class FieldChanges(FieldStore fields, AuditLog audit)
{
    public async Task<Results<Created<FieldResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(CurrentUser user, FieldRequest? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (!FieldStore.TryParseType(body?.Type, out var type))
        {
            errors["type"] = ["'type' must be one of text, number, date, boolean, single_select, multi_select."];
        }

        var field = new FieldDefinition(body?.Key?.Trim() ?? "", body?.Label?.Trim() ?? "", type, [.. (body?.Options ?? []).Select(o => o ?? "")]);
        foreach (var (key, messages) in field.Validate())
        {
            errors[key] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (!await fields.CreateAsync(user.WorkspaceId, field))
        {
            return ApiProblems.Conflict("Field exists", $"A field with key '{field.Key}' already exists; choose another key or change that field with PUT /api/fields/{field.Key}.");
        }

        await audit.WriteAsync(user.WorkspaceId, user.UserId, "field.created", "field", field.Key, Details(field));
        return TypedResults.Created($"/api/fields/{field.Key}", FieldResponse.From(field));
    }

    public async Task<Results<Ok<FieldResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(CurrentUser user, string key, FieldRequest? body)
    {
        if (await fields.GetAsync(user.WorkspaceId, key) is not { } existing)
        {
            return NotFound(key);
        }

        var errors = new Dictionary<string, string[]>();
        if (body?.Key is not null && body.Key != key)
        {
            errors["key"] = ["A field's key cannot change (imports, filters and exports refer to it); create a new field instead."];
        }

        if (body?.Type is not null && (!FieldStore.TryParseType(body.Type, out var type) || type != existing.Type))
        {
            errors["type"] = [$"A field's type cannot change (it is {FieldStore.TypeName(existing.Type)}); create a new field and move the values."];
        }

        var updated = existing with
        {
            Label = body?.Label?.Trim() ?? existing.Label,
            Options = body?.Options is null ? existing.Options : [.. body.Options.Select(o => o ?? "")],
        };
        foreach (var (property, messages) in updated.Validate())
        {
            errors[property] = messages;
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        // Nothing to change (no body, {}, or the same label and options): no write, so updated_at stays, and no audit row.
        if (updated.Label == existing.Label && updated.Options.SequenceEqual(existing.Options, StringComparer.Ordinal))
        {
            return TypedResults.Ok(FieldResponse.From(existing));
        }

        var removedOptions = existing.Options.Where(o => !updated.Options.Contains(o, StringComparer.Ordinal)).ToList();
        if (removedOptions.Count > 0 && await fields.CountUsingOptionsAsync(user.WorkspaceId, key, removedOptions) is var inUse and > 0)
        {
            return ApiProblems.Conflict("Options in use",
                $"{inUse} contact(s) hold option(s) {string.Join(", ", removedOptions)} that this change removes. Change those contacts first (filter with field.{key}=<option>), then remove the options.");
        }

        await fields.UpdateAsync(user.WorkspaceId, updated);
        await audit.WriteAsync(user.WorkspaceId, user.UserId, "field.updated", "field", key, Details(updated));
        return TypedResults.Ok(FieldResponse.From(updated));
    }

    internal static Dictionary<string, object?> Details(FieldDefinition field) => new()
    {
        ["label"] = field.Label,
        ["type"] = FieldStore.TypeName(field.Type),
        ["options"] = field.Options,
    };

    internal static ProblemHttpResult NotFound(string key) =>
        ApiProblems.NotFound("Field", $"There is no contact field '{key}' in your workspace. List fields with GET /api/fields.");
}
