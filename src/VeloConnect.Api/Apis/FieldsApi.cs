using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.ContactRules.Fields;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Fields;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed record FieldResponse(string Key, string Label, string Type, IReadOnlyList<string> Options)
{
    public static FieldResponse From(FieldDefinition field) => new(field.Key, field.Label, FieldStore.TypeName(field.Type), field.Options);
}

public sealed record FieldRequest(string? Key = null, string? Label = null, string? Type = null, IReadOnlyList<string>? Options = null);

public sealed record FieldDeletedResponse(string Key, int ContactsCleared);

/// <summary>Settings → Contact fields. The only place custom fields are created; imports never create one.</summary>
public static class FieldsApi
{
    public static IEndpointRouteBuilder MapFieldsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/fields").WithTags("Contact fields");
        api.MapGet("/", ListFields).WithName("ListFields").WithSummary("Lists the workspace's custom contact fields in display order");
        api.MapPost("/", CreateField).WithName("CreateField")
            .WithSummary("Creates a custom field: key, label, type (text, number, date, boolean, single_select, multi_select) and, for selects, options")
            .ProducesProblems(StatusCodes.Status409Conflict);
        api.MapPut("/{key}", UpdateField).WithName("UpdateField").WithSummary("Changes a field's label or options (the type cannot change)")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{key}", DeleteField).WithName("DeleteField").WithSummary("Deletes a field and its values on every contact (audited)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<FieldResponse>>> ListFields(HttpContext http, FieldStore fields)
    {
        var user = CurrentUser.From(http.User);
        return TypedResults.Ok<IReadOnlyList<FieldResponse>>([.. (await fields.ListAsync(user.WorkspaceId)).Select(FieldResponse.From)]);
    }

    public static async Task<Results<Created<FieldResponse>, ValidationProblem, ProblemHttpResult>> CreateField(FieldRequest? body, HttpContext http, FieldStore fields, AuditLog audit)
    {
        var user = CurrentUser.From(http.User);
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

    public static async Task<Results<Ok<FieldResponse>, ValidationProblem, ProblemHttpResult>> UpdateField(string key, FieldRequest? body, HttpContext http, FieldStore fields, AuditLog audit)
    {
        var user = CurrentUser.From(http.User);
        if (await fields.GetAsync(user.WorkspaceId, key) is not { } existing)
        {
            return FieldNotFound(key);
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

    public static async Task<Results<Ok<FieldDeletedResponse>, ProblemHttpResult>> DeleteField(string key, HttpContext http, FieldStore fields, AuditLog audit)
    {
        var user = CurrentUser.From(http.User);
        if (await fields.DeleteAsync(user.WorkspaceId, key) is not { } cleared)
        {
            return FieldNotFound(key);
        }

        await audit.WriteAsync(user.WorkspaceId, user.UserId, "field.deleted", "field", key, new Dictionary<string, object?> { ["contactsCleared"] = cleared });
        return TypedResults.Ok(new FieldDeletedResponse(key, cleared));
    }

    private static Dictionary<string, object?> Details(FieldDefinition field) => new()
    {
        ["label"] = field.Label,
        ["type"] = FieldStore.TypeName(field.Type),
        ["options"] = field.Options,
    };

    private static ProblemHttpResult FieldNotFound(string key) =>
        ApiProblems.NotFound("Field", $"There is no contact field '{key}' in your workspace. List fields with GET /api/fields.");
}
