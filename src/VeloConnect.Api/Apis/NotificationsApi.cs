using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Api.Apis;

public sealed record NotificationListResponse(IReadOnlyList<Notification> Items, long? NextBefore);

public sealed record MarkReadRequest(IReadOnlyList<long>? Ids, bool All = false);

public sealed record MarkReadResponse(int Marked);

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications");
        api.MapGet("/", ListNotifications).WithName("ListNotifications").WithSummary("The caller's notifications, newest first (unread=true for unread only)");
        api.MapPost("/read", MarkRead).WithName("MarkNotificationsRead").WithSummary("Marks notifications read: {\"ids\": [...]} or {\"all\": true}");
        api.MapGet("/stream", Stream).WithName("StreamNotifications")
            .WithSummary("Server-sent events: each new notification of the caller as it happens (event 'notification'). Browsers may pass the key as ?access_token=.");
        return app;
    }

    public static async Task<Results<Ok<NotificationListResponse>, ValidationProblem>> ListNotifications(
        HttpContext http, NotificationStore notifications, [FromQuery] bool? unread, [FromQuery] long? before, [FromQuery] string? limit)
    {
        var user = CurrentUser.From(http.User);
        var errors = new Dictionary<string, string[]>();
        var size = QueryValues.ReadLimit(limit, 50, 200, errors);
        if (errors.Count > 0)
        {
            return ApiProblems.Invalid(errors);
        }

        var items = await notifications.ListAsync(user.WorkspaceId, user.UserId, unread ?? false, before, size, http.RequestAborted);
        return TypedResults.Ok(new NotificationListResponse(items, items.Count == size ? items[^1].Id : null));
    }

    public static async Task<Results<Ok<MarkReadResponse>, ProblemHttpResult>> MarkRead(MarkReadRequest? body, HttpContext http, NotificationStore notifications)
    {
        var user = CurrentUser.From(http.User);
        if (body is null || (!body.All && body.Ids is not { Count: > 0 }))
        {
            return ApiProblems.BadRequest("Nothing to mark", "Send {\"ids\": [<notification id>, …]} or {\"all\": true}.");
        }

        var marked = await notifications.MarkReadAsync(user.WorkspaceId, user.UserId, body.All ? null : body.Ids, http.RequestAborted);
        return TypedResults.Ok(new MarkReadResponse(marked));
    }

    public static ServerSentEventsResult<Notification> Stream(HttpContext http, NotificationHub hub)
    {
        var user = CurrentUser.From(http.User);
        return TypedResults.ServerSentEvents(Events(http, hub.Subscribe(user.UserId, http.RequestAborted), http.RequestAborted));
    }

    private static async IAsyncEnumerable<SseItem<Notification>> Events(HttpContext http, IAsyncEnumerable<Notification> notifications, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now: the client knows it is connected before the first notification, which may be far off.
        await http.Response.Body.FlushAsync(cancellationToken);
        await foreach (var notification in notifications.WithCancellation(cancellationToken))
        {
            yield return new SseItem<Notification>(notification, "notification") { EventId = notification.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        }
    }
}
