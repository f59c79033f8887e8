using System.Globalization;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Notifications;
using VeloConnect.Data.Notifications;

using VeloConnect.Api.OpenApi;

namespace VeloConnect.Api.Apis;

public sealed record NotificationListResponse(IReadOnlyList<Notification> Items, long? NextBefore);

public sealed record MarkReadRequest(IReadOnlyList<long>? Ids = null, bool All = false);

public sealed record MarkReadResponse(int Marked);

public static class NotificationsApi
{
    public static IEndpointRouteBuilder MapNotificationsApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/notifications").WithTags("Notifications").Requires(Permission.Notifications);
        api.MapGet("/", ListNotifications).WithName("ListNotifications").WithSummary("The caller's notifications, newest first (unread=true for unread only)");
        api.MapPost("/read", MarkRead).WithName("MarkNotificationsRead").WithSummary("Marks notifications read: {\"ids\": [...]} or {\"all\": true}")
            .ProducesProblems(StatusCodes.Status400BadRequest);
        api.MapGet("/stream", Stream).WithName("StreamNotifications")
            .WithSummary("Server-sent events: each new notification of the caller as it happens (event 'notification', id: the notification's id). "
                + "Resume with the Last-Event-ID header (or ?after=<id>) to receive first what came after that id; when more than 100 are pending, one event 'refetch' "
                + "(data: {\"latestId\": …}) says to re-read the list instead. The key goes in the Authorization header, as everywhere (a key in the URL answers 401).");
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

    public const string LastEventIdHeader = "Last-Event-ID";

    public static async Task<Results<ServerSentEventsResult<object>, ValidationProblem>> Stream(HttpContext http, NotificationHub hub, IHostApplicationLifetime lifetime, [FromQuery] string? after)
    {
        var user = CurrentUser.From(http.User);
        // The header is what an EventSource sends when it reconnects by itself: it is newer than the address's ?after=.
        var header = http.Request.Headers[LastEventIdHeader].ToString();
        var (name, text) = header.Length > 0 ? (LastEventIdHeader, header) : ("after", after);
        long? resume = null;
        if (!string.IsNullOrEmpty(text))
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return ApiProblems.Invalid(new() { [name] = [$"'{name}' is the id of the last notification received (a whole number, the 'id' of its event); leave it out to receive only new ones."] });
            }

            resume = id;
        }

        // The stream ends when the client leaves or when this API stops (a stopping server would otherwise wait for every open
        // stream until its shutdown timeout); the client reconnects with Last-Event-ID and misses nothing.
        var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        http.Response.RegisterForDispose(ended);
        var events = await hub.SubscribeAsync(user.WorkspaceId, user.UserId, resume, ended.Token);
        return TypedResults.ServerSentEvents(Events(http, events, ended.Token));
    }

    private static async IAsyncEnumerable<SseItem<object>> Events(HttpContext http, IAsyncEnumerable<NotificationEvent> events, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Send the headers now: the client knows it is connected before the first notification, which may be far off.
        await http.Response.Body.FlushAsync(cancellationToken);
        await using var reader = events.GetAsyncEnumerator(cancellationToken);
        while (await NextAsync(reader, cancellationToken))
        {
            var item = reader.Current;
            yield return item switch
            {
                NotificationArrived(var notification) => new SseItem<object>(notification, "notification") { EventId = EventId(notification.Id) },
                RefetchNotifications(var latest) => new SseItem<object>(new RefetchEvent(latest), "refetch") { EventId = EventId(latest) },
                _ => throw new InvalidOperationException($"Unknown notification event {item}."),
            };
        }
    }

    /// <summary>The next event; false when the stream is over (the client left or the API stops: the response then ends cleanly).</summary>
    private static async Task<bool> NextAsync(IAsyncEnumerator<NotificationEvent> reader, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.MoveNextAsync();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string EventId(long id) => id.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The data of a <c>refetch</c> event: the newest notification's id, after which the stream goes on.</summary>
public sealed record RefetchEvent(long LatestId);
