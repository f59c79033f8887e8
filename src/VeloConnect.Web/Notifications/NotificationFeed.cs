using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using VeloConnect.Client;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Notifications;

/// <summary>
/// The signed-in user's notifications as they happen, for one browser tab (a circuit): the unread ones from
/// <c>GET /api/notifications?unread=true</c>, then every new one from the API's server-sent events
/// (<c>/api/notifications/stream</c>). After a drop it reconnects with the id of the last event it saw
/// (<c>Last-Event-ID</c>), so the API sends first what was missed; a <c>refetch</c> event (more was missed than a replay
/// sends) re-reads the unread ones and tells pages to re-read theirs (<see cref="Refetches"/>). The unread count is a set
/// of ids, so a notification both counted on connecting and replayed counts once. Pages subscribe to <see cref="Changed"/>.
/// </summary>
public sealed class NotificationFeed(IHttpClientFactory clients, VeloApi api, ApiKeySource keys, ILogger<NotificationFeed> logger) : IAsyncDisposable
{
    public const string ClientName = "notification-stream";

    /// <summary>The API's server-sent events (operation StreamNotifications of its OpenAPI document).</summary>
    public const string StreamPath = "/api/notifications/stream";

    /// <summary>The unread count is read up to this many; more shows as "99+".</summary>
    public const int UnreadCountLimit = 100;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private readonly HashSet<long> _unread = [];
    private Task? _listening;
    private string? _lastEventId;

    /// <summary>Raised (on a thread-pool thread) when a notification arrives or the unread count changes.</summary>
    public event Func<Task>? Changed;

    public int Unread
    {
        get
        {
            lock (_unread)
            {
                return _unread.Count;
            }
        }
    }

    /// <summary>How many refetch events arrived: a page showing notifications re-reads them when this changes.</summary>
    public int Refetches { get; private set; }

    /// <summary>The newest notification received while this tab was open, for a toast.</summary>
    public Notification? Latest { get; private set; }

    /// <summary>True once the stream is connected (tests and the bell's tooltip use it).</summary>
    public bool Live { get; private set; }

    /// <summary>Starts listening once per tab; later calls do nothing.</summary>
    public void Start() => _listening ??= ListenAsync(_stopping.Token);

    public async Task RefreshUnreadAsync()
    {
        var page = await api.Client.ListNotificationsAsync(unread: true, before: null, limit: UnreadCountLimit, _stopping.Token);
        SetUnread(set => set.UnionWith(page.Items.Select(i => i.Id)), clear: true);
        await RaiseAsync();
    }

    public async Task MarkAllReadAsync()
    {
        await api.Client.MarkNotificationsReadAsync(new MarkReadRequest { All = true }, _stopping.Token);
        SetUnread(_ => { }, clear: true);
        await RaiseAsync();
    }

    public async Task MarkReadAsync(long id)
    {
        await api.Client.MarkNotificationsReadAsync(new MarkReadRequest { Ids = [id] }, _stopping.Token);
        SetUnread(set => set.Remove(id));
        await RaiseAsync();
    }

    private void SetUnread(Action<HashSet<long>> change, bool clear = false)
    {
        lock (_unread)
        {
            if (clear)
            {
                _unread.Clear();
            }

            change(_unread);
        }
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Connect first, then read the unread ones: a notification between the two is in both, and counted once.
                using var client = clients.CreateClient(ClientName);
                // The one request the generated client cannot make: it reads a whole answer, and this one never ends.
                using var request = new HttpRequestMessage(HttpMethod.Get, StreamPath);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (_lastEventId is not null)
                {
                    request.Headers.Add("Last-Event-ID", _lastEventId);
                }

                using var response = await VeloApi.SendAsync(client, request, keys.GetAsync, cancellationToken);
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                Live = true;
                await RefreshUnreadAsync();
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    switch (item.EventType)
                    {
                        case "notification":
                            var notification = JsonSerializer.Deserialize<Notification>(item.Data, VeloApiClient.Json)!;
                            Latest = notification;
                            if (notification.ReadAt is null)
                            {
                                SetUnread(set => set.Add(notification.Id));
                            }

                            break;
                        case "refetch":
                            Refetches++;
                            await RefreshUnreadAsync();
                            break;
                        default:
                            continue;
                    }

                    // Remembered once handled: a drop before this point sends the event again on reconnecting.
                    _lastEventId = item.EventId ?? _lastEventId;
                    await RaiseAsync();
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or ApiProblemException or JsonException)
            {
                logger.LogInformation(exception, "The notification stream dropped; reconnecting in {Delay}", ReconnectDelay);
            }

            Live = false;
            try
            {
                await Task.Delay(ReconnectDelay, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RaiseAsync()
    {
        if (Changed is { } changed)
        {
            foreach (var handler in changed.GetInvocationList().Cast<Func<Task>>())
            {
                await handler();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_listening is not null)
        {
            await _listening;
        }

        _stopping.Dispose();
    }
}
