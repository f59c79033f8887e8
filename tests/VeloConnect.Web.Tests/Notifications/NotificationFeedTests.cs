using System.IO.Pipelines;
using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Logging.Abstractions;
using VeloConnect.Client;
using VeloConnect.Web.Account;
using VeloConnect.Web.Api;
using VeloConnect.Web.Notifications;
using Xunit;

namespace VeloConnect.Web.Tests.Notifications;

/// <summary>
/// The bell's feed against a scripted API: the stream drops, the feed reconnects with the id of the last event it saw,
/// a notification both read on connecting and replayed counts once, and a refetch event re-reads the unread ones.
/// </summary>
public sealed class NotificationFeedTests
{
    [Fact]
    public async Task The_feed_resumes_after_a_drop_from_the_last_event_and_handles_refetch()
    {
        var api = new ScriptedApi();
        // First connection: notification 5, then the connection drops.
        api.Streams.Enqueue(Events(Notification(5)));
        // Second: 6 (missed during the drop, also among the unread read on connecting), then a refetch up to 9, then stays open.
        var open = new Pipe();
        api.Streams.Enqueue(open);
        await open.Writer.WriteAsync(Encoding.UTF8.GetBytes(Notification(6) + Refetch(9)));
        api.Unread.Enqueue([]);
        api.Unread.Enqueue([5, 6]);
        api.Unread.Enqueue([5, 6, 7, 8, 9]);

        await using var feed = new NotificationFeed(api, new VeloApi(api.CreateClient(""), Keys()), Keys(), NullLogger<NotificationFeed>.Instance);
        feed.Start();

        await PollAsync(() => feed.Refetches == 1 && feed.Unread == 5, () => $"the refetch (refetches {feed.Refetches}, unread {feed.Unread}, requests: {string.Join(" | ", api.StreamRequests)})");
        Assert.Equal(["", "5"], api.StreamRequests);
        Assert.Equal(6, feed.Latest!.Id);
        await open.Writer.CompleteAsync();

        // The refetch event's id is where the next connection resumes.
        api.Streams.Enqueue(new Pipe());
        await PollAsync(() => api.StreamRequests.Count == 3, () => "the third connection");
        Assert.Equal("9", api.StreamRequests[2]);
    }

    private static string Notification(long id) =>
        $$"""
        event: notification
        id: {{id}}
        data: {"id":{{id}},"workspaceId":"{{Guid.Empty}}","userId":"{{Guid.Empty}}","at":"2025-01-01T00:00:00Z","kind":"import.finished","title":"Import {{id}}","message":"done","link":null,"readAt":null}


        """;

    private static string Refetch(long latest) => $"event: refetch\nid: {latest}\ndata: {{\"latestId\":{latest}}}\n\n";

    private static Pipe Events(string events)
    {
        var pipe = new Pipe();
        pipe.Writer.WriteAsync(Encoding.UTF8.GetBytes(events)).AsTask().Wait();
        pipe.Writer.Complete();
        return pipe;
    }

    private static ApiKeySource Keys()
    {
        var keys = new ApiKeySource(new NoAuthentication());
        keys.Use(new ClaimsPrincipal(new ClaimsIdentity([new Claim(SignInClaims.ApiKey, "vc_test")], "test")));
        return keys;
    }

    private static async Task PollAsync(Func<bool> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what()}.");
            await Task.Delay(20);
        }
    }

    private sealed class NoAuthentication : AuthenticationStateProvider
    {
        public override Task<AuthenticationState> GetAuthenticationStateAsync() => Task.FromResult(new AuthenticationState(new ClaimsPrincipal()));
    }

    /// <summary>The API's two endpoints the feed uses: the stream (one scripted body per connection) and the unread list.</summary>
    private sealed class ScriptedApi : HttpMessageHandler, IHttpClientFactory
    {
        public Queue<Pipe> Streams { get; } = new();

        public Queue<long[]> Unread { get; } = new();

        /// <summary>Each stream request's Last-Event-ID header ("" when absent).</summary>
        public List<string> StreamRequests { get; } = [];

        public HttpClient CreateClient(string name) => new(this, disposeHandler: false) { BaseAddress = new Uri("http://api.test") };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            lock (this)
            {
                if (request.RequestUri!.AbsolutePath == "/api/notifications/stream")
                {
                    StreamRequests.Add(request.Headers.TryGetValues("Last-Event-ID", out var values) ? string.Join(",", values) : "");
                    var body = Streams.Count > 0 ? Streams.Dequeue() : new Pipe();
                    return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body.Reader.AsStream()) });
                }

                var ids = Unread.Count > 0 ? Unread.Dequeue() : [];
                var items = string.Join(",", ids.Select(id =>
                    $$"""{"id":{{id}},"at":"2025-01-01T00:00:00Z","kind":"import.finished","title":"t","message":"m","link":null,"readAt":null}"""));
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
                {
                    Content = new StringContent($$"""{"items":[{{items}}],"nextBefore":null}""", Encoding.UTF8, "application/json"),
                });
            }
        }
    }
}
