namespace VeloConnect.Api;

/// <summary>The API may start before any silo is up: keep trying to reach the cluster for a while.</summary>
internal static class ClusterConnection
{
    public static Func<Exception, CancellationToken, Task<bool>> RetryFor(TimeSpan patience)
    {
        var deadline = DateTime.UtcNow + patience;
        return async (_, cancellationToken) =>
        {
            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            return true;
        };
    }
}
