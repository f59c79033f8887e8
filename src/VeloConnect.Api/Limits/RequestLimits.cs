using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;

namespace VeloConnect.Api.Limits;

/// <summary>
/// ASP.NET Core's rate limiter, partitioned by workspace: every request takes a token from its workspace's bucket
/// (anonymous requests: their remote address's), and an import review takes one of its workspace's review permits for as
/// long as it runs. Runs after authentication (the partition is the key's workspace) and before authorization.
/// </summary>
public static class RequestLimits
{
    /// <summary>The policy on the import review endpoint: reviews in progress at once per workspace.</summary>
    public const string ReviewPolicy = "import-reviews";

    /// <summary>What a refused review is told to wait: a review of a large file takes a few seconds.</summary>
    public static readonly TimeSpan ReviewRetryAfter = TimeSpan.FromSeconds(5);

    // The orchestrator's probes are never throttled (a busy anonymous caller on the same address must not fail them).
    private static readonly PathString[] Unlimited = ["/health", "/alive"];

    public static IServiceCollection AddWorkspaceLimits(this IServiceCollection services)
    {
        services.AddOptions<LimitOptions>().BindConfiguration(LimitOptions.Section)
            .Validate(o => o.IsValid(), LimitOptions.ValidationMessage).ValidateOnStart();
        services.AddSingleton<JobCaps>();
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<LimitOptions>>((rate, limits) =>
        {
            var options = limits.Value;
            rate.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                Unlimited.Any(p => http.Request.Path.StartsWithSegments(p))
                    ? RateLimitPartition.GetNoLimiter(string.Empty)
                    : RateLimitPartition.GetTokenBucketLimiter(PartitionOf(http), _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = options.RequestBurst,
                        TokensPerPeriod = options.TokensPerTenth,
                        ReplenishmentPeriod = TimeSpan.FromMilliseconds(100),
                        QueueLimit = 0,
                        AutoReplenishment = true,
                    }));
            rate.AddPolicy(ReviewPolicy, http => RateLimitPartition.GetConcurrencyLimiter(PartitionOf(http), _ => new ConcurrencyLimiterOptions
            {
                PermitLimit = options.ConcurrentReviews,
                QueueLimit = 0,
            }));
            rate.OnRejected = (context, _) => new ValueTask(Refusal(context.Lease, options).ExecuteAsync(context.HttpContext));
        });
        services.AddRateLimiter(_ => { });
        return services;
    }

    /// <summary>The workspace of an authenticated request; otherwise the remote address.</summary>
    public static string PartitionOf(HttpContext http) =>
        http.User.FindFirst(CurrentUser.WorkspaceClaim)?.Value is { } workspace
            ? "workspace:" + workspace
            : "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "unknown");

    // Only the token bucket says when to come back; the review limiter's permits come back when a review ends.
    private static TooManyRequests Refusal(RateLimitLease lease, LimitOptions options) =>
        lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? new TooManyRequests(retryAfter, "Request limit reached",
                $"Your workspace sent more requests than its limit ({options.RequestBurst} at once, {options.RequestsPerSecond} a second on average; "
                + $"{LimitOptions.Section}). Wait for Retry-After seconds and send again, spreading requests out (at most {options.RequestsPerSecond} a second); "
                + "for many contacts use POST /api/contacts/bulk.")
            : new TooManyRequests(ReviewRetryAfter, "Too many reviews at once",
                $"Your workspace already has {options.ConcurrentReviews} import review(s) in progress, the most it may run at once. "
                + "Wait for one to finish and ask for this review again (after Retry-After seconds).");
}
