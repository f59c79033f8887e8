using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Npgsql;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Api.Notifications;

/// <summary>What a live stream sends: a notification, or "re-read your notifications" when more are pending than a replay sends.</summary>
public abstract record NotificationEvent;

public sealed record NotificationArrived(Notification Notification) : NotificationEvent;

/// <summary>More than <see cref="NotificationHub.ReplayLimit"/> notifications were pending: re-read them; the stream goes on after <paramref name="LatestId"/>.</summary>
public sealed record RefetchNotifications(long LatestId) : NotificationEvent;

/// <summary>
/// Listens on PostgreSQL's notification channel and wakes the live streams of the notification's user that this API
/// process serves; each stream then reads from the table what came after the last notification it sent. Whoever writes
/// a notification (an import job on a silo, this API) reaches every API replica this way. NOTIFY is only heard while
/// listening, so after the connection drops and comes back every stream is woken to read what it missed: the table,
/// not the NOTIFY, is what a stream sends, and nothing written during the gap is lost.
/// </summary>
public sealed partial class NotificationHub(NpgsqlDataSource dataSource, NotificationStore notifications, ILogger<NotificationHub> logger) : BackgroundService
{
    /// <summary>A stream sends at most this many pending notifications at once; more, and it sends one refetch event instead.</summary>
    public const int ReplayLimit = 100;

    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<bool>, byte>> _subscribers = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the hub listens (tests wait for it before writing).</summary>
    public Task Listening => _listening.Task;

    /// <summary>
    /// The user's notifications after <paramref name="after"/> (null: after the newest one now), as they are written, until
    /// the token is cancelled: first what the table holds after that id, then each new one. Every notification is sent
    /// once, in id order, none skipped (a user's notifications commit in id order). The stream is registered (and the
    /// starting point read) before this returns, so nothing committed after the call is missed.
    /// </summary>
    public async Task<IAsyncEnumerable<NotificationEvent>> SubscribeAsync(Guid workspaceId, Guid userId, long? after, CancellationToken cancellationToken)
    {
        var start = after ?? await notifications.LatestIdAsync(workspaceId, userId, cancellationToken);
        // A wake-up is a flag, not a message: many notifications at once make one read, and a slow reader never drops one.
        var wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
        var mine = _subscribers.GetOrAdd(userId, _ => new());
        mine[wake] = 0;
        cancellationToken.Register(() => mine.TryRemove(wake, out _));
        return ReadAsync(workspaceId, userId, start, wake.Reader, cancellationToken);
    }

    private async IAsyncEnumerable<NotificationEvent> ReadAsync(Guid workspaceId, Guid userId, long last, ChannelReader<bool> wake, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (true)
        {
            // Read first, then wait: whatever committed between the starting point and the registration is read now.
            var pending = await notifications.ListAfterAsync(workspaceId, userId, last, ReplayLimit + 1, cancellationToken);
            if (pending.Count > ReplayLimit)
            {
                last = await notifications.LatestIdAsync(workspaceId, userId, cancellationToken);
                yield return new RefetchNotifications(last);
                continue;
            }

            foreach (var notification in pending)
            {
                last = notification.Id;
                yield return new NotificationArrived(notification);
            }

            await wake.ReadAsync(cancellationToken);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Wake(ReadRecipient(e.Payload));
                await using (var listen = new NpgsqlCommand($"listen {NotificationStore.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // What was written while nobody listened (before the first listen, or since the connection dropped) was
                // not heard: every stream reads it now.
                if (!_listening.TrySetResult())
                {
                    LogListeningAgain(logger);
                }

                WakeAll();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or System.Net.Sockets.SocketException)
            {
                LogReconnecting(logger, e.Message);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    /// <summary>The user a NOTIFY payload (a <see cref="NotificationPointer"/>) is for.</summary>
    private static Guid? ReadRecipient(string payload) => NotificationPointer.FromPayload(payload)?.UserId;

    private void Wake(Guid? userId)
    {
        if (userId is { } id && _subscribers.TryGetValue(id, out var streams))
        {
            foreach (var wake in streams.Keys)
            {
                wake.Writer.TryWrite(true);
            }
        }
    }

    private void WakeAll()
    {
        foreach (var wake in _subscribers.Values.SelectMany(streams => streams.Keys))
        {
            wake.Writer.TryWrite(true);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification listener lost its connection ({Reason}); reconnecting")]
    private static partial void LogReconnecting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Notification listener connected again; every open stream reads what was written meanwhile")]
    private static partial void LogListeningAgain(ILogger logger);
}
