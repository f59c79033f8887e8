using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using System.Text.Json;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Notifications;

public sealed record Notification(long Id, DateTimeOffset At, string Kind, string Title, string Message, string? Link, DateTimeOffset? ReadAt);

public sealed record NotificationPage(IReadOnlyList<Notification> Items, long? NextBefore);

/// <summary>
/// The signed-in user's notifications as they happen, for one browser tab (a circuit): the unread count from
/// <c>GET /api/notifications?unread=true</c>, then every new one from the API's server-sent events
/// (<c>/api/notifications/stream</c>), reconnecting after a drop. Pages subscribe to <see cref="Changed"/>.
/// </summary>
public sealed class NotificationFeed(IHttpClientFactory clients, VeloApi api, ApiKeySource keys, ILogger<NotificationFeed> logger) : IAsyncDisposable
{
    public const string ClientName = "notification-stream";

    /// <summary>The unread count is read up to this many; more shows as "99+".</summary>
    public const int UnreadCountLimit = 100;

    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(3);

    private readonly CancellationTokenSource _stopping = new();
    private Task? _listening;

    /// <summary>Raised (on a thread-pool thread) when a notification arrives or the unread count changes.</summary>
    public event Func<Task>? Changed;

    public int Unread { get; private set; }

    /// <summary>The newest notification received while this tab was open, for a toast.</summary>
    public Notification? Latest { get; private set; }

    /// <summary>True once the stream is connected (tests and the bell's tooltip use it).</summary>
    public bool Live { get; private set; }

    /// <summary>Starts listening once per tab; later calls do nothing.</summary>
    public void Start() => _listening ??= ListenAsync(_stopping.Token);

    public async Task RefreshUnreadAsync()
    {
        var page = await api.GetAsync<NotificationPage>($"/api/notifications?unread=true&limit={UnreadCountLimit}", _stopping.Token);
        Unread = page.Items.Count;
        await RaiseAsync();
    }

    public async Task MarkAllReadAsync()
    {
        await api.PostAsync("/api/notifications/read", new { all = true }, _stopping.Token);
        Unread = 0;
        await RaiseAsync();
    }

    public async Task MarkReadAsync(long id)
    {
        await api.PostAsync("/api/notifications/read", new { ids = new[] { id } }, _stopping.Token);
        Unread = Math.Max(0, Unread - 1);
        await RaiseAsync();
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                // Connect first, then count: a notification between the two is counted twice at worst, never missed.
                using var client = clients.CreateClient(ClientName);
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/notifications/stream");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await keys.GetAsync());
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                Live = true;
                await RefreshUnreadAsync();
                await foreach (var item in SseParser.Create(stream).EnumerateAsync(cancellationToken))
                {
                    if (item.EventType != "notification")
                    {
                        continue;
                    }

                    Latest = JsonSerializer.Deserialize<Notification>(item.Data, VeloApi.Json);
                    Unread++;
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
