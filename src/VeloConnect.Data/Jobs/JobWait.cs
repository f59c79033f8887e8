namespace VeloConnect.Data.Jobs;

/// <summary>
/// A request that starts a job (an import's run, a revert, an export) waits briefly for a small one to end, so that it
/// can answer with the result; a larger one carries on in the background and the answer says where to follow it.
/// </summary>
public static class JobWait
{
    /// <summary>How long a request waits for its job.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(2);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Reads the job until <paramref name="running"/> says it ended or <see cref="Patience"/> (by <paramref name="clock"/>)
    /// has passed; returns the last read.
    /// </summary>
    public static async Task<T> BrieflyAsync<T>(TimeProvider clock, Func<CancellationToken, Task<T>> read, Func<T, bool> running, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + Patience;
        var current = await read(cancellationToken);
        while (running(current) && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, clock, cancellationToken);
            current = await read(cancellationToken);
        }

        return current;
    }
}
