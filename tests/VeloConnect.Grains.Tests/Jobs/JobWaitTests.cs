using System.Diagnostics;
using VeloConnect.Data.Jobs;
using Xunit;

namespace VeloConnect.Grains.Tests.Jobs;

/// <summary>The request's brief wait for a small job: it answers as soon as the job ends, and no later than its patience.</summary>
public sealed class JobWaitTests
{
    [Fact]
    public async Task A_job_that_ends_is_answered_at_once()
    {
        var reads = 0;
        var watch = Stopwatch.StartNew();
        var last = await JobWait.BrieflyAsync(TimeProvider.System, _ => Task.FromResult(++reads), n => n < 3, CancellationToken.None);
        Assert.Equal(3, last);
        Assert.True(watch.Elapsed < JobWait.Patience, $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_job_still_running_after_the_patience_is_answered_running()
    {
        var watch = Stopwatch.StartNew();
        var reads = 0;
        var last = await JobWait.BrieflyAsync(TimeProvider.System, _ => Task.FromResult(++reads), _ => true, CancellationToken.None);
        Assert.True(watch.Elapsed >= JobWait.Patience, $"took {watch.Elapsed}");
        Assert.True(watch.Elapsed < 3 * JobWait.Patience, $"took {watch.Elapsed}");
        Assert.Equal(reads, last);
        Assert.True(reads > 1);
    }
}
