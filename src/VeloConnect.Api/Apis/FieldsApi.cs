using Microsoft.AspNetCore.Http.HttpResults;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Fields;
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
        api.MapGet("/", ListFields).WithName("ListFields").Requires(Permission.ReadFields).WithSummary("Lists the workspace's custom contact fields in display order");
        api.MapPost("/", CreateField).WithName("CreateField").Requires(Permission.ManageFields)
            .WithSummary("Creates a custom field: key, label, type (text, number, date, boolean, single_select, multi_select) and, for selects, options")
            .ProducesProblems(StatusCodes.Status409Conflict);
        api.MapPut("/{key}", UpdateField).WithName("UpdateField").Requires(Permission.ManageFields).WithSummary("Changes a field's label or options (the type cannot change)")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{key}", DeleteField).WithName("DeleteField").Requires(Permission.ManageFields).WithSummary("Deletes a field and its values on every contact (audited)")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return app;
    }

    public static async Task<Ok<IReadOnlyList<FieldResponse>>> ListFields(HttpContext http, FieldStore fields)
    {
        var user = CurrentUser.From(http.User);
        return TypedResults.Ok<IReadOnlyList<FieldResponse>>([.. (await fields.ListAsync(user.WorkspaceId)).Select(FieldResponse.From)]);
    }

    public static Task<Results<Created<FieldResponse>, ValidationProblem, ProblemHttpResult>> CreateField(FieldRequest? body, HttpContext http, FieldChanges changes) =>
        changes.CreateAsync(CurrentUser.From(http.User), body);

    public static Task<Results<Ok<FieldResponse>, ValidationProblem, ProblemHttpResult>> UpdateField(string key, FieldRequest? body, HttpContext http, FieldChanges changes) =>
        changes.UpdateAsync(CurrentUser.From(http.User), key, body);

    public static async Task<Results<Ok<FieldDeletedResponse>, ProblemHttpResult>> DeleteField(string key, HttpContext http, FieldStore fields, AuditLog audit)
    {
        var user = CurrentUser.From(http.User);
        if (await fields.DeleteAsync(user.WorkspaceId, key) is not { } cleared)
        {
            return FieldChanges.NotFound(key);
        }

        await audit.WriteAsync(user.WorkspaceId, user.UserId, "field.deleted", "field", key, new Dictionary<string, object?> { ["contactsCleared"] = cleared });
        return TypedResults.Ok(new FieldDeletedResponse(key, cleared));
    }
}
