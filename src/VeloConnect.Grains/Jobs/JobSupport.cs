using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace VeloConnect.Grains.Jobs;

/// <summary>
/// What every job grain (an import's run, its revert, an export) is given besides its stores: the <see cref="JobRunner"/>
/// that runs the job in the background (its trace, log scope, heartbeat and one way of ending on a failure), the clock,
/// and the grain's logger. One parameter of the grain's constructor instead of three.
/// </summary>
public sealed class JobSupport<TGrain>(JobRunner runner, TimeProvider clock, ILogger<TGrain> logger)
{
    public TimeProvider Clock => clock;

    public ILogger Logger => logger;

    /// <inheritdoc cref="JobRunner.RememberStartAsync"/>
    public Task RememberStartAsync(string kind, Guid id, bool replace) => runner.RememberStartAsync(kind, id, replace);

    /// <summary>Runs the job through <see cref="JobRunner.RunAsync"/>, logging with the grain's logger.</summary>
    public Task RunAsync(JobRunInfo job, Func<Activity?, Task> work, Func<Exception, Task> fail) => runner.RunAsync(job, logger, work, fail);
}
