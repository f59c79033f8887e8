using System.Net;
using Polly;
using Polly.Retry;

namespace VeloConnect.Cli.Api;

/// <summary>
/// Retries what may succeed a moment later: no connection, a timeout, 5xx, 429 (honouring Retry-After), 408, and the bulk
/// endpoint's 409 "request in progress" (the same Idempotency-Key is still being applied). Each retry sends the very same
/// request again (the caller builds it from the same bytes), after an exponential backoff with a little jitter. A Polly
/// retry pipeline runs the attempts; this class says which answers are transient and how long to wait.
/// </summary>
public sealed class RetryPolicy(int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Ten attempts, waiting 0.5 s, 1 s, 2 s, … up to 30 s between them: about three minutes in all.</summary>
    public static RetryPolicy Default { get; } = new(10, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30));

    public int MaxAttempts => maxAttempts;

    /// <summary>The wait before retry number <paramref name="retry"/> (1 for the first retry), without jitter.</summary>
    public TimeSpan Backoff(int retry)
    {
        var ticks = firstDelay.Ticks * Math.Pow(2, Math.Min(retry - 1, 30));
        return TimeSpan.FromTicks((long)Math.Min(ticks, maxDelay.Ticks));
    }

    /// <summary>
    /// The pipeline that sends a request until it gets an answer that is not transient, or the attempts run out (then the
    /// last answer is returned, or the last exception thrown). <paramref name="onRetry"/> hears why each retry happens.
    /// </summary>
    public ResiliencePipeline<HttpResponseMessage> Pipeline(Action<string>? onRetry) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = _time }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = maxAttempts - 1,
                ShouldHandle = args => args.Outcome switch
                {
                    { Result: { } response } => IsTransientAsync(response, args.Context.CancellationToken),
                    // HttpClient's own timeout, not the user's cancellation.
                    { Exception: TaskCanceledException } => ValueTask.FromResult(!args.Context.CancellationToken.IsCancellationRequested),
                    { Exception: var e } => ValueTask.FromResult(e is HttpRequestException),
                },
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(Wait(args.AttemptNumber + 1, args.Outcome.Result)),
                OnRetry = args =>
                {
                    var why = args.Outcome.Result is { } response ? $"{(int)response.StatusCode} {response.ReasonPhrase}"
                        : (args.Outcome.Exception is TaskCanceledException ? "timed out: " : "") + args.Outcome.Exception?.Message;
                    onRetry?.Invoke($"{why}; retry {args.AttemptNumber + 1} of {maxAttempts - 1} in {args.RetryDelay.TotalSeconds:0.#} s");
                    return default;
                },
            })
            .Build();

    public static async ValueTask<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(response);
        var status = (int)response.StatusCode;
        if (status >= 500 || response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            return false;
        }

        // Only "in progress" is worth waiting for; any other conflict (an import already finished, …) is an answer.
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return body.Contains("in progress", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The backoff, or the answer's Retry-After when longer (at most the cap), plus up to 250 ms of jitter.</summary>
    private TimeSpan Wait(int retry, HttpResponseMessage? response)
    {
        var wait = Backoff(retry);
        var retryAfter = response?.Headers.RetryAfter is { } header ? header.Delta ?? header.Date - _time.GetUtcNow() : null;
        if (retryAfter is { } after && after > wait)
        {
            wait = after < maxDelay ? after : maxDelay;
        }

        return wait + TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(250, wait.TotalMilliseconds / 5 + 1)));
    }
}
