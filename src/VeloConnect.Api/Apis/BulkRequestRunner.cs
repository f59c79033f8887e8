using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Api.Apis;

/// <summary>How long an Idempotency-Key's lease lasts without renewal, and how often its owner renews it (section <c>VeloConnect:BulkRequests</c>).</summary>
public sealed class BulkRequestOptions
{
    public const string Section = "VeloConnect:BulkRequests";

    /// <summary>A dead owner's claim is taken over by a retry this long after its last renewal.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The owner renews its lease this often while it works: several renewals fit in one lease.</summary>
    public TimeSpan Renew { get; set; } = TimeSpan.FromSeconds(5);

    public bool IsValid() => Lease > TimeSpan.Zero && Renew > TimeSpan.Zero && Renew * 2 <= Lease;

    public const string ValidationMessage = "VeloConnect:BulkRequests: Lease and Renew must be positive and Renew at most half the Lease (e.g. Lease 00:00:30, Renew 00:00:05).";
}

/// <summary>A bulk request's answer (JSON, kept verbatim for retries) and its audit row, if it has one.</summary>
public sealed record BulkAnswer(string Json, BulkAudit? Audit);

/// <summary>The <c>contacts.bulk</c> audit row of a bulk request, written once: with the kept answer, in its transaction.</summary>
public sealed record BulkAudit(Guid WorkspaceId, Guid? UserId, IReadOnlyDictionary<string, object?> Details)
{
    public const string Action = "contacts.bulk";
}

public enum BulkOutcomeKind
{
    /// <summary>Applied, and the answer kept.</summary>
    Answered,

    /// <summary>Nothing could be applied (the command-line import stopped running); the key was given back.</summary>
    NotApplied,

    /// <summary>A retry took the request over (this attempt's lease expired); that retry's answer is the answer.</summary>
    TakenOver,

    /// <summary>It failed part way; what it applied is recorded and a retry resumes it.</summary>
    Failed,

    /// <summary>The API process stopped before it ended; a retry resumes it once its lease expired.</summary>
    Stopped,
}

public sealed record BulkOutcome(BulkOutcomeKind Kind, string? Json = null);

/// <summary>
/// Runs the work of bulk requests sent with an Idempotency-Key in this API process, apart from their HTTP requests: a
/// client that goes away does not stop it, and its answer is kept for the retry. While a work runs its lease is renewed;
/// if a renewal finds the lease lost (a retry took the request over), the work is cancelled. The process's lifetime
/// bounds it: stopping waits for the works in flight for half the host's shutdown timeout, then cancels them (their leases
/// then expire and retries resume them from what they recorded). The other half is left to the services stopped after
/// this one, the Orleans client among them: a blocked work once took the whole budget, and the client's own stop then
/// failed, cancelled before it began.
/// </summary>
public sealed partial class BulkRequestRunner(BulkRequestStore store, IOptions<BulkRequestOptions> options, IOptions<HostOptions> host, TimeProvider clock,
    ILogger<BulkRequestRunner> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<Task, bool> _running = new();

    /// <summary>Who holds the leases this process takes (stored with each lease, for people reading the table).</summary>
    public string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public BulkRequestOptions Options => options.Value;

    /// <summary>
    /// Applies the request under <paramref name="lease"/> (renewed until it ends) and keeps its answer with its audit
    /// row. Never throws: a failure releases the lease (what was applied is recorded; a retry resumes the rest).
    /// </summary>
    public Task<BulkOutcome> Start(BulkLease lease, Func<BulkLease, CancellationToken, Task<BulkAnswer?>> apply)
    {
        var task = Task.Run(() => RunAsync(lease, apply));
        _running.TryAdd(task, true);
        _ = task.ContinueWith(t => _running.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return task;
    }

    private async Task<BulkOutcome> RunAsync(BulkLease lease, Func<BulkLease, CancellationToken, Task<BulkAnswer?>> apply)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(_stopping.Token);
        using var done = new CancellationTokenSource();
        var lost = false;
        var renewing = RenewAsync(lease, () =>
        {
            lost = true;
            cancel.Cancel();
        }, done.Token);
        try
        {
            if (await apply(lease, cancel.Token) is not { } answer)
            {
                await store.ReleaseAsync(lease);
                return new BulkOutcome(BulkOutcomeKind.NotApplied);
            }

            Func<Npgsql.NpgsqlConnection, Npgsql.NpgsqlTransaction, Task>? audit = answer.Audit is { } a
                ? (connection, transaction) => Data.Audit.AuditLog.WriteAsync(connection, transaction, a.WorkspaceId, a.UserId, BulkAudit.Action, "contact", null, a.Details, cancel.Token)
                : null;
            return await store.AnswerAsync(lease, answer.Json, audit, cancel.Token)
                ? new BulkOutcome(BulkOutcomeKind.Answered, answer.Json)
                : new BulkOutcome(BulkOutcomeKind.TakenOver);
        }
        catch (Exception) when (lost)
        {
            return new BulkOutcome(BulkOutcomeKind.TakenOver);
        }
        catch (Exception e)
        {
            var stopping = _stopping.IsCancellationRequested;
            if (!stopping)
            {
                LogFailed(logger, e, lease.RequestId);
            }

            try
            {
                await store.ReleaseAsync(lease);
            }
            catch (Exception release) when (release is not OutOfMemoryException)
            {
                // The lease expires by itself.
                LogReleaseFailed(logger, release, lease.RequestId);
            }

            return new BulkOutcome(stopping ? BulkOutcomeKind.Stopped : BulkOutcomeKind.Failed);
        }
        finally
        {
            await done.CancelAsync();
            await renewing;
        }
    }

    private async Task RenewAsync(BulkLease lease, Action onLost, CancellationToken done)
    {
        try
        {
            while (true)
            {
                await Task.Delay(options.Value.Renew, clock, done);
                try
                {
                    if (!await store.RenewAsync(lease, options.Value.Lease, done))
                    {
                        LogLeaseLost(logger, lease.RequestId);
                        onLost();
                        return;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A passing database fault: keep trying. Should the lease expire meanwhile, a retry may take the request
                    // over; this attempt's writes then fail their lease check, so nothing is applied twice.
                    LogRenewalFailed(logger, e, lease.RequestId);
                }
            }
        }
        catch (OperationCanceledException) when (done.IsCancellationRequested)
        {
        }
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_running.Keys).WaitAsync(host.Value.ShutdownTimeout / 2, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            LogStoppedWithWorkInFlight(logger, _running.Count);
        }
        catch (OperationCanceledException)
        {
            LogStoppedWithWorkInFlight(logger, _running.Count);
        }
        finally
        {
            await _stopping.CancelAsync();
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk request {RequestId}: its lease was taken over by a retry; this attempt stops")]
    private static partial void LogLeaseLost(ILogger logger, Guid requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk request {RequestId}: renewing its lease failed; trying again")]
    private static partial void LogRenewalFailed(ILogger logger, Exception exception, Guid requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stopping with {Count} bulk request(s) still running; their leases will expire and their retries resume them")]
    private static partial void LogStoppedWithWorkInFlight(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "Bulk request {RequestId} failed; its lease is released so that a retry resumes it")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid requestId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Bulk request {RequestId}: releasing its lease failed; it expires by itself")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception, Guid requestId);
}
