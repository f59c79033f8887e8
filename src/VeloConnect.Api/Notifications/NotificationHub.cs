using System.Collections.Concurrent;
using System.Text.Json;
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

    private void Dispatch(string payload)
    {
        var notification = JsonSerializer.Deserialize<Notification>(payload);
        if (notification is not null && _subscribers.TryGetValue(notification.UserId, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(notification);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Notification listener lost its connection ({Reason}); reconnecting")]
    private static partial void LogReconnecting(ILogger logger, string reason);
}
