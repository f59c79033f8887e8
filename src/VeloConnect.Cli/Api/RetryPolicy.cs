using System.Net;

namespace VeloConnect.Cli.Api;

/// <summary>
/// Retries what may succeed a moment later: no connection, a timeout, 5xx, 429 (honouring Retry-After), 408, and the bulk
/// endpoint's 409 "request in progress" (the same Idempotency-Key is still being applied). Each retry sends the very same
/// request again (the caller builds it from the same bytes), after an exponential backoff with a little jitter.
/// </summary>
public sealed class RetryPolicy(int maxAttempts, TimeSpan firstDelay, TimeSpan maxDelay, Func<TimeSpan, CancellationToken, Task>? delay = null)
{
    private readonly Func<TimeSpan, CancellationToken, Task> _delay = delay ?? Task.Delay;

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
    /// Sends the request made by <paramref name="request"/> until it gets an answer that is not transient, or the attempts
    /// run out (then the last answer is returned, or the last exception thrown). onRetry hears why each retry happens.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(HttpClient http, Func<HttpRequestMessage> request, Action<string>? onRetry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(request);
        for (var attempt = 1; ; attempt++)
        {
            string why;
            TimeSpan? retryAfter = null;
            try
            {
                using var message = request();
                var response = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancellationToken);
                if (!await IsTransientAsync(response, cancellationToken) || attempt == maxAttempts)
                {
                    return response;
                }

                why = $"{(int)response.StatusCode} {response.ReasonPhrase}";
                retryAfter = response.Headers.RetryAfter?.Delta
                    ?? (response.Headers.RetryAfter?.Date is { } date ? date - DateTimeOffset.UtcNow : null);
                response.Dispose();
            }
            catch (HttpRequestException e) when (attempt < maxAttempts)
            {
                why = e.Message;
            }
            catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested && attempt < maxAttempts)
            {
                // HttpClient's own timeout, not the user's cancellation.
                why = "timed out: " + e.Message;
            }

            var wait = Backoff(attempt);
            if (retryAfter is { } after && after > wait)
            {
                wait = after < maxDelay ? after : maxDelay;
            }

            wait += TimeSpan.FromMilliseconds(Random.Shared.Next(0, (int)Math.Min(250, wait.TotalMilliseconds / 5 + 1)));
            onRetry?.Invoke($"{why}; retry {attempt} of {maxAttempts - 1} in {wait.TotalSeconds:0.#} s");
            await _delay(wait, cancellationToken);
        }
    }

    public static async Task<bool> IsTransientAsync(HttpResponseMessage response, CancellationToken cancellationToken)
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
}
