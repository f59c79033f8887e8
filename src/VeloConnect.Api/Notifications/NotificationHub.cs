using System.Collections.Concurrent;
using System.Threading.Channels;
using Npgsql;
using VeloConnect.Data.Notifications;

namespace VeloConnect.Api.Notifications;

/// <summary>
/// Listens on PostgreSQL's notification channel and hands each new notification to the live streams of its user
/// that this API process serves. Whoever writes a notification (an import job on a silo, this API) reaches every
/// API replica this way. Reconnects when the connection drops.
/// </summary>
public sealed partial class NotificationHub(NpgsqlDataSource dataSource, ILogger<NotificationHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Channel<Notification>, byte>> _subscribers = new();
    private readonly TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly NotificationStore _store = new(dataSource);
    private readonly Lock _deliveryOrder = new();
    private Task _delivered = Task.CompletedTask;

    /// <summary>Completes once the hub listens (tests wait for it before writing).</summary>
    public Task Listening => _listening.Task;

    /// <summary>
    /// Registers a live stream for a user right away (so nothing written after this call is missed) and yields its
    /// notifications until the token is cancelled.
    /// </summary>
    public IAsyncEnumerable<Notification> Subscribe(Guid userId, CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<Notification>(new BoundedChannelOptions(256) { FullMode = BoundedChannelFullMode.DropOldest });
        var mine = _subscribers.GetOrAdd(userId, _ => new());
        mine[channel] = 0;
        cancellationToken.Register(() =>
        {
            mine.TryRemove(channel, out _);
            channel.Writer.TryComplete();
        });
        return channel.Reader.ReadAllAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) => Dispatch(e.Payload);
                await using (var listen = new NpgsqlCommand($"listen {NotificationStore.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                _listening.TrySetResult();
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

    /// <summary>
    /// A NOTIFY carries ids only (<see cref="NotificationPointer"/>): the notification is read by id, for a user with a
    /// stream here, off the listening connection (which cannot run a query inside its callback), in arrival order.
    /// </summary>
    private void Dispatch(string payload)
    {
        if (NotificationPointer.FromPayload(payload) is not { } pointer || !_subscribers.TryGetValue(pointer.UserId, out var channels) || channels.IsEmpty)
        {
            return;
        }

        lock (_deliveryOrder)
        {
            _delivered = DeliverAsync(_delivered, pointer, channels);
        }
    }

    private async Task DeliverAsync(Task previous, NotificationPointer pointer, ConcurrentDictionary<Channel<Notification>, byte> channels)
    {
        await previous;
        try
        {
            if (await _store.GetAsync(pointer.Id) is { } notification)
            {
                foreach (var channel in channels.Keys)
                {
                    channel.Writer.TryWrite(notification);
                }
            }
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            LogNotLoaded(logger, pointer.Id, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification {NotificationId} could not be read for the live streams ({Reason}); it is in the list")]
    private static partial void LogNotLoaded(ILogger logger, long notificationId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification listener lost its connection ({Reason}); reconnecting")]
    private static partial void LogReconnecting(ILogger logger, string reason);
}
