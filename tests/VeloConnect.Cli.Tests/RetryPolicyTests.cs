using System.Net;
using System.Text;
using VeloConnect.Client;
using ApiException = VeloConnect.Cli.Api.ApiException;
using VeloConnect.Cli.Api;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class RetryPolicyTests
{
    /// <summary>Answers from a script, one per request, and keeps what each request carried.</summary>
    private sealed class ScriptedHandler(params Func<HttpResponseMessage>[] answers) : HttpMessageHandler
    {
        private int _next;

        public List<(string? Key, string Body)> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = request.Content is null ? "" : await request.Content.ReadAsStringAsync(cancellationToken);
            Requests.Add((request.Headers.TryGetValues(VeloApi.IdempotencyKeyHeader, out var keys) ? keys.Single() : null, body));
            return answers[Math.Min(_next++, answers.Length - 1)]();
        }
    }

    /// <summary>A clock whose timers fire at once: the policy's waits are recorded, not waited.</summary>
    private sealed class SkippedWaits(List<TimeSpan> waits) : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            lock (waits)
            {
                waits.Add(dueTime);
            }

            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }

    private static RetryPolicy Policy(List<TimeSpan> waits, int attempts = 5) =>
        new(attempts, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), new SkippedWaits(waits));

    private static Func<HttpResponseMessage> Status(HttpStatusCode status, string body = "") =>
        () => new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, "application/problem+json") };

    private static readonly Func<HttpResponseMessage> BulkOk = () => new HttpResponseMessage(HttpStatusCode.OK)
    {
        Content = new StringContent("""{"counts":{"created":1,"updated":0,"skipped":0,"error":0},"results":[{"index":0,"row":2,"status":"created","reasons":[],"warnings":[]}]}""", Encoding.UTF8, "application/json"),
    };

    private static async Task<(BulkResponse Answer, ScriptedHandler Handler)> SendBatch(List<TimeSpan> waits, params Func<HttpResponseMessage>[] answers)
    {
        var handler = new ScriptedHandler(answers);
        using var http = VeloApi.CreateClient("http://velo.test", "vc_key", handler);
        var api = new VeloApi(http, Policy(waits));
        var id = Guid.Parse("11111111-2222-3333-4444-555555555555");
        var answer = await api.SendBatchAsync(id, 2, [new ImportRowDoc { Row = 2, Cells = ["Ann"] }], CancellationToken.None);
        return (answer, handler);
    }

    [Fact]
    public async Task Transient_failures_are_retried_with_the_same_key_and_body()
    {
        var waits = new List<TimeSpan>();
        var (answer, handler) = await SendBatch(waits,
            Status(HttpStatusCode.ServiceUnavailable),
            () => throw new HttpRequestException("Connection refused"),
            Status(HttpStatusCode.Conflict, """{"title":"Request in progress","detail":"A request with this Idempotency-Key is still being applied; retry in a few seconds to get its answer."}"""),
            Status(HttpStatusCode.InternalServerError),
            BulkOk);

        Assert.Equal(1, answer.Counts.Created);
        Assert.Equal(5, handler.Requests.Count);
        Assert.All(handler.Requests, r => Assert.Equal(("11111111-2222-3333-4444-555555555555:2", """[{"row":2,"cells":["Ann"]}]"""), r));
        Assert.Equal(4, waits.Count);
    }

    [Fact]
    public async Task Backoff_doubles_up_to_the_cap_and_honours_retry_after()
    {
        var policy = new RetryPolicy(10, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));
        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30], Enumerable.Range(1, 8).Select(r => policy.Backoff(r).TotalSeconds));

        var waits = new List<TimeSpan>();
        var tooMany = () =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(7));
            return response;
        };
        await SendBatch(waits, tooMany, BulkOk);

        Assert.InRange(waits.Single().TotalSeconds, 7, 7.3);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest, """{"title":"Unreadable body","detail":"send a JSON array"}""", "400 Bad Request (Unreadable body). send a JSON array")]
    [InlineData(HttpStatusCode.UnprocessableEntity, """{"title":"Idempotency-Key reused","detail":"Use a new key."}""", "Idempotency-Key reused")]
    [InlineData(HttpStatusCode.Conflict, """{"title":"Import not running","detail":"Run it first."}""", "409 Conflict (Import not running). Run it first.")]
    [InlineData(HttpStatusCode.RequestEntityTooLarge, """{"title":"Too many contacts","detail":"at most 10,000"}""", "at most 10,000")]
    public async Task An_answer_that_retrying_cannot_change_fails_at_once_with_the_api_detail(HttpStatusCode status, string body, string expected)
    {
        var waits = new List<TimeSpan>();
        var failure = await Assert.ThrowsAsync<ApiException>(() => SendBatch(waits, Status(status, body), BulkOk));

        Assert.Contains(expected, failure.Message, StringComparison.Ordinal);
        Assert.Empty(waits);
    }

    [Fact]
    public async Task After_the_last_attempt_the_last_answer_is_the_failure()
    {
        var waits = new List<TimeSpan>();
        var failure = await Assert.ThrowsAsync<ApiException>(() => SendBatch(waits, Status(HttpStatusCode.BadGateway)));

        Assert.Equal(HttpStatusCode.BadGateway, failure.Status);
        Assert.Equal(4, waits.Count);
    }

    [Fact]
    public async Task Connection_errors_past_the_last_attempt_are_thrown()
    {
        var waits = new List<TimeSpan>();
        await Assert.ThrowsAsync<HttpRequestException>(() => SendBatch(waits, () => throw new HttpRequestException("Connection refused")));

        Assert.Equal(4, waits.Count);
    }
}
