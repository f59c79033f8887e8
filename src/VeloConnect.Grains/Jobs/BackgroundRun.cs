namespace VeloConnect.Grains.Jobs;

/// <summary>
/// The background run of a job grain's activation (an import, a revert, an export): started on request, and started
/// again only once the previous run has ended, so asking twice never runs the job twice at once.
/// </summary>
internal sealed class BackgroundRun
{
    private Task? _task;

    public void EnsureStarted(Func<Task> run)
    {
        if (_task is null || _task.IsCompleted)
        {
            _task = run();
        }
    }
}
