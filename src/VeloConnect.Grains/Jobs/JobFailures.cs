using System.Net.Sockets;
using Npgsql;

namespace VeloConnect.Grains.Jobs;

/// <summary>
/// The one classification of what stops a job (an import, an import's revert, an export). An interruption leaves the job
/// running: its silo is stopping, or the cluster or the database is briefly away, and the supervisor of a live silo
/// resumes it once it stops beating its heart. Anything else is the job's own failure: it ends failed, once, and says why.
/// </summary>
public static class JobFailures
{
    /// <summary>An interruption: the silo is stopping (<paramref name="stopping"/>), or <paramref name="e"/> is <see cref="IsTransient">transient</see>.</summary>
    public static bool IsInterruption(Exception e, CancellationToken stopping) => stopping.IsCancellationRequested || IsTransient(e);

    /// <summary>
    /// A failure of the cluster or the database, not of the job: Orleans' own, a timeout or cancellation, an object
    /// disposed or an activation torn down under the job (its silo is stopping), a transient Npgsql failure, a socket
    /// failure; also when one of these is the cause (inner exceptions, and any of an aggregate's). A failure of the job's
    /// own files (a full disk, a missing directory: a bare <see cref="IOException"/>) is not: trying again cannot help.
    /// </summary>
    public static bool IsTransient(Exception? e) =>
        e is not null
        && (e is OrleansException or TimeoutException or OperationCanceledException or ObjectDisposedException
                or NpgsqlException { IsTransient: true } or SocketException
            || (e is InvalidOperationException && e.Message.Contains("invalid activation", StringComparison.OrdinalIgnoreCase))
            || IsTransient(e.InnerException)
            || (e is AggregateException aggregate && aggregate.InnerExceptions.Any(IsTransient)));
}
