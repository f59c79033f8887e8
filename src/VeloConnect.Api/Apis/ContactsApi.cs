using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Workspaces;
using VeloConnect.Workflows.Telemetry;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed class ContactServices(IClusterClient orleans, ContactStore contacts, ContactQuery query, FieldStore fields, WorkspaceStore workspaces, AuditLog audit,
    ContactDeletion deletion, IHostApplicationLifetime lifetime, ILogger<ContactServices> logger)
{
    public IClusterClient Orleans { get; } = orleans;
    public ContactStore Contacts { get; } = contacts;
    public ContactQuery Query { get; } = query;
    public FieldStore Fields { get; } = fields;
    public WorkspaceStore Workspaces { get; } = workspaces;
    public AuditLog Audit { get; } = audit;
    public ContactDeletion Deletion { get; } = deletion;

    /// <summary>What stops a delete of many contacts: the API shutting down, not the client going away.</summary>
    public CancellationToken Stopping { get; } = lifetime.ApplicationStopping;

    public ILogger Logger { get; } = logger;
}

public static partial class ContactsApi
{
    private const int DefaultPageSize = 50;

    public static IEndpointRouteBuilder MapContactsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/contacts").WithTags("Contacts");
        api.MapGet("/", ListContacts).WithName("ListContacts").Requires(Permission.Contacts)
            .WithSummary("Lists contacts, newest first, with filters and cursor paging")
            .WithDescription("Filters: tag (repeatable, all must match), source, assignedAgent (user id or 'none'), createdFrom/createdTo, lastActivityFrom/lastActivityTo, field.<key>=<value>, optIn.<channel>=opted_in|opted_out|unknown, q (text search). Paging: limit (1-500, default 50) and the nextCursor of the previous page.")
            .WithContactFilterParameters();
        api.MapGet("/count", CountContacts).WithName("CountContacts").Requires(Permission.Contacts)
            .WithSummary("How many contacts the filter selects (same filters as the list): what a delete or export of the filter would take")
            .WithContactFilterParameters();
        api.MapPost("/", CreateContact).WithName("CreateContact").Requires(Permission.Contacts)
            .WithSummary("Creates a contact; 409 if one of its phones or its email already belongs to a contact")
            .Accepts<ContactBodyDoc>("application/json").ProducesProblems(StatusCodes.Status409Conflict);
        api.MapGet("/{id:guid}", GetContact).WithName("GetContact").Requires(Permission.Contacts).WithSummary("Gets one contact with its opt-ins")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPatch("/{id:guid}", UpdateContact).WithName("UpdateContact").Requires(Permission.Contacts)
            .WithSummary("Edits a contact: given properties replace, null clears; custom values are merged per key (null removes one). Opt-ins are not changed here.")
            .Accepts<ContactBodyDoc>("application/json").ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        api.MapDelete("/{id:guid}", DeleteContact).WithName("DeleteContact").Requires(Permission.Contacts).WithSummary("Deletes one contact (audited); its opt-outs are kept for its phones and email")
            .ProducesProblems(StatusCodes.Status404NotFound);
        api.MapPost("/delete", DeleteContactsByIds).WithName("DeleteContactsByIds").Requires(Permission.Contacts).WithSummary("Deletes the contacts with the given ids (audited with the count)")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status503ServiceUnavailable);
        api.MapDelete("/", DeleteContactsByFilter).WithName("DeleteContactsByFilter").Requires(Permission.DeleteContactsByFilter)
            .WithSummary("Deletes every contact the filter selects (same filters as the list; audited with the count and the filter). Without any filter, add confirm=all.")
            .WithContactFilterParameters().ProducesProblems(StatusCodes.Status503ServiceUnavailable);
        api.MapPut("/{id:guid}/opt-ins/{channel}", SetOptIn).WithName("SetOptIn").Requires(Permission.Contacts)
            .WithSummary("Sets a channel's consent (whatsapp, sms, email) to opted_in, opted_out or unknown, with its source; audited. The only way opt-ins change.")
            .WithDescription("An opt-out is recorded on the contact and on each of its phones and its email, and follows them to any contact that takes them later. opted_in lifts the opt-outs of the contact's phones and email; unknown is refused (409) while the contact is opted out.")
            .ProducesProblems(StatusCodes.Status404NotFound, StatusCodes.Status409Conflict);
        return app;
    }

    public static async Task<Results<Ok<ContactListResponse>, ValidationProblem>> ListContacts(
        [AsParameters] RequestContext request, [FromQuery] string? cursor, [FromQuery] string? limit)
    {
        var (http, services) = (request.Http, request.Services);
        var (user, filter, errors) = await ReadFilterAsync(request);
        var pageSize = QueryValues.ReadLimit(limit, DefaultPageSize, ContactQuery.MaxPageSize, errors);

        if (cursor is not null && !ContactQuery.TryDecodeCursor(cursor, out _, out _))
        {
            errors["cursor"] = ["'cursor' must be the nextCursor of a previous page, unchanged."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var page = await services.Query.ListAsync(user.WorkspaceId, filter, cursor, pageSize, http.RequestAborted);
        var optIns = await services.Contacts.GetOptInsAsync(user.WorkspaceId, [.. page.Items.Select(c => c.Id)], http.RequestAborted);
        return TypedResults.Ok(new ContactListResponse([.. page.Items.Select(c => ContactResponse.From(c, optIns))], page.NextCursor));
    }

    public static async Task<Results<Ok<ContactCountResponse>, ValidationProblem>> CountContacts([AsParameters] RequestContext request)
    {
        var (user, filter, errors) = await ReadFilterAsync(request);
        return errors.Count > 0
            ? ApiProblems.Invalid(errors)
            : TypedResults.Ok(new ContactCountResponse(await request.Services.Query.CountAsync(user.WorkspaceId, filter, request.Http.RequestAborted)));
    }

    /// <summary>The caller and the request's contact filter (the list's query parameters), with what is wrong in it.</summary>
    private static async Task<(CurrentUser User, ContactFilter Filter, Dictionary<string, string[]> Errors)> ReadFilterAsync(RequestContext request)
    {
        var user = CurrentUser.From(request.Http.User);
        var errors = new Dictionary<string, string[]>();
        var filter = ContactFilterReader.Read(request.Http.Request.Query, await request.Services.Fields.ListAsync(user.WorkspaceId), errors);
        return (user, filter, errors);
    }

    public static async Task<Results<Created<ContactResponse>, ValidationProblem, ProblemHttpResult>> CreateContact(HttpContext http, ContactWrites writes)
    {
        var (body, bodyError) = await JsonBody.ReadObjectAsync(http.Request);
        using (body)
        {
            return body is null ? ApiProblems.BadRequest("Unreadable body", bodyError!) : await writes.CreateAsync(CurrentUser.From(http.User), body.RootElement);
        }
    }

    public static async Task<Results<Ok<ContactResponse>, ProblemHttpResult>> GetContact(Guid id, HttpContext http, ContactWrites writes)
    {
        var user = CurrentUser.From(http.User);
        return await writes.LoadResponseAsync(user.WorkspaceId, id) is { } contact
            ? TypedResults.Ok(contact)
            : ContactWrites.NotFound(id);
    }

    public static async Task<Results<Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> UpdateContact(Guid id, HttpContext http, ContactWrites writes)
    {
        var (body, bodyError) = await JsonBody.ReadObjectAsync(http.Request);
        using (body)
        {
            return body is null ? ApiProblems.BadRequest("Unreadable body", bodyError!) : await writes.UpdateAsync(CurrentUser.From(http.User), id, body.RootElement);
        }
    }

    public static async Task<Results<NoContent, ProblemHttpResult>> DeleteContact(Guid id, [AsParameters] RequestContext request)
    {
        var (http, services) = (request.Http, request.Services);
        var user = CurrentUser.From(http.User);
        // Through the contact's grain (serialised with its other writes), which deletes and audits in one transaction.
        return await services.Orleans.Contact(user.WorkspaceId, id).DeleteAsync(new WriteContext("API", user.UserId))
            ? TypedResults.NoContent()
            : ContactWrites.NotFound(id);
    }

    public static async Task<Results<Ok<DeleteContactsResponse>, ProblemHttpResult>> DeleteContactsByIds(DeleteContactsRequest? body, [AsParameters] RequestContext request)
    {
        var (http, services) = (request.Http, request.Services);
        var user = CurrentUser.From(http.User);
        if (body?.Ids is not { Count: > 0 } ids)
        {
            return ApiProblems.BadRequest("No ids", "Send {\"ids\": [\"<contact id>\", …]}; to delete by filter use DELETE /api/contacts?<filters>.");
        }

        var distinct = ids.Distinct().ToList();
        return await DeleteInChunksAsync(services, new ContactDeleteRequest(user.WorkspaceId, user.UserId, distinct));
    }

    public static async Task<Results<Ok<DeleteContactsResponse>, ValidationProblem, ProblemHttpResult>> DeleteContactsByFilter([AsParameters] RequestContext request, [FromQuery] string? confirm)
    {
        var (http, services) = (request.Http, request.Services);
        var (user, filter, errors) = await ReadFilterAsync(request);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        if (filter.IsEmpty && confirm != "all")
        {
            return ApiProblems.BadRequest("No filter", "This would delete every contact of the workspace. Add filters (the same as the list's), or add confirm=all if that is really what you want.");
        }

        // The filter selects the contacts now; each chunk deletes those of them that still match it when it runs.
        var ids = await services.Query.ListIdsAsync(user.WorkspaceId, filter, http.RequestAborted);
        var answer = await DeleteInChunksAsync(services, new ContactDeleteRequest(user.WorkspaceId, user.UserId, ids, filter, ContactFilterReader.Describe(http.Request.Query)));
        return answer.Result is ProblemHttpResult stopped ? stopped : (Ok<DeleteContactsResponse>)answer.Result;
    }

    public static Task<Results<Ok<ContactResponse>, ValidationProblem, ProblemHttpResult>> SetOptIn(Guid id, string channel, OptInRequest? body, HttpContext http, ContactWrites writes) =>
        writes.SetOptInAsync(CurrentUser.From(http.User), id, channel, body);

    /// <summary>
    /// Runs a delete of many contacts to its end (chunks of 1,000, each committed with its audit row) whether or not the
    /// client is still there: a client that goes away cannot stop it halfway. Only a shutdown or a fault stops it early,
    /// between chunks or by rolling one back whole, and the answer says how many were deleted.
    /// </summary>
    private static async Task<Results<Ok<DeleteContactsResponse>, ProblemHttpResult>> DeleteInChunksAsync(ContactServices services, ContactDeleteRequest request)
    {
        var result = await services.Deletion.DeleteAsync(request, services.Stopping);
        VeloConnectTelemetry.ContactsDeleted.Add(result.Deleted);
        if (result.StoppedBy is { } stopped)
        {
            LogDeleteStopped(services.Logger, stopped, request.WorkspaceId, result.Deleted, request.Ids.Count);
            var reason = stopped is OperationCanceledException ? "the API is shutting down" : "the database failed";
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Delete stopped before its end",
                detail: string.Create(CultureInfo.InvariantCulture,
                    $"{result.Deleted:N0} contacts were deleted (each chunk of up to {ContactDeletion.ChunkSize:N0} is audited as {ContactDeletion.AuditAction}) before {reason}; the others are untouched. Nothing is lost: send the same request again to delete the rest."));
        }

        return TypedResults.Ok(new DeleteContactsResponse(result.Deleted, request.Ids.Count - result.Deleted));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Delete of contacts in workspace {WorkspaceId} stopped after {Deleted} of {Requested}")]
    private static partial void LogDeleteStopped(ILogger logger, Exception exception, Guid workspaceId, int deleted, int requested);
}

/// <summary>What handlers need: the request and the services.</summary>
public readonly record struct RequestContext(HttpContext Http, ContactServices Services);

/// <summary>For the OpenAPI document: the shape of a create/edit body.</summary>
public sealed record ContactBodyDoc(
    string? Name = null,
    IReadOnlyList<string>? Phones = null,
    string? Email = null,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyDictionary<string, object?>? Custom = null,
    Guid? AssignedAgentId = null,
    string? Source = null,
    string? Region = null);
