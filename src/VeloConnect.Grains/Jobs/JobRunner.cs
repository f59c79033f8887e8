using System.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Jobs;

/// <summary>What a job grain tells <see cref="JobRunner"/> about the job it runs.</summary>
/// <param name="Kind">"import", "revert" or "export": the job's kind in its trace's name and in <see cref="JobTraceStore"/>.</param>
/// <param name="Id">The job's id (a revert's is its import's).</param>
/// <param name="Title">The job as the logs name it ("Import {id}", "Revert of import {id}", "Export {id}").</param>
/// <param name="Details">What the trace's name says of the job after its short id ("contacts.csv, 50,000 rows").</param>
/// <param name="Source">The trace source of the job's spans.</param>
/// <param name="IdTag">The tag that carries the job's id on its spans ("import.id", "export.id").</param>
/// <param name="Beat">Writes the job's heartbeat.</param>
public sealed record JobRunInfo(string Kind, Guid Id, string Title, string Details, ActivitySource Source, string IdTag, Func<CancellationToken, Task> Beat)
{
    /// <summary>The log scope's name for the job's id: "ImportId" for "import.id", "ExportId" for "export.id".</summary>
    public string ScopeKey => string.Concat(IdTag.Split('.').Select(part => char.ToUpperInvariant(part[0]) + part[1..]));
}

/// <summary>
/// The shape every job grain's background run shares: a trace of its own, named after the job and linked to the request
/// that started it; a log scope with the job's id; a heartbeat for as long as the run lasts (<see cref="JobHeartbeats"/>);
/// and one way of ending on an exception (<see cref="JobFailures"/>): an interruption leaves the job running for the
/// supervisor to resume, any other failure ends the job failed (and if even that fails, it stays running and is resumed).
/// </summary>
public sealed partial class JobRunner(JobHeartbeats heartbeats, JobTraceStore traces, IHostApplicationLifetime lifetime)
{
    /// <summary>
    /// Keeps the current trace context (the request starting the job, through the grain call) as what started the job;
    /// the first start's, or the latest's with <paramref name="replace"/>. Outside a trace, nothing is kept.
    /// </summary>
    public Task RememberStartAsync(string kind, Guid id, bool replace) =>
        JobTelemetry.CurrentTraceParent() is { } traceParent ? traces.RememberAsync(kind, id, traceParent, replace) : Task.CompletedTask;

    /// <summary>
    /// Runs <paramref name="work"/> (given the job's root span, for its counts) as described above; on a failure that is
    /// not an interruption, <paramref name="fail"/> ends the job failed with the exception.
    /// </summary>
    public async Task RunAsync(JobRunInfo job, ILogger logger, Func<Activity?, Task> work, Func<Exception, Task> fail)
    {
        var startedBy = await traces.StartedByAsync(job.Kind, job.Id);
        using var trace = JobTelemetry.StartJob(job.Source, JobTelemetry.JobName(job.Kind, job.Id, job.Details), job.IdTag, job.Id, startedBy);
        using var scope = logger.BeginScope(new Dictionary<string, object> { [job.ScopeKey] = job.Id });
        // Alive while this run lasts, however long a step takes: a silent job has lost its silo (see the supervisors).
        await using var heartbeat = heartbeats.Start(job.Beat);
        try
        {
            await work(trace);
        }
        catch (Exception e) when (JobFailures.IsInterruption(e, lifetime.ApplicationStopping))
        {
            // The silo is stopping or the database is briefly away: the job stays running and nothing done is lost; the
            // supervisor of a live silo resumes it once it stops beating, and it continues where it stopped.
            trace?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogInterrupted(logger, e, job.Title);
        }
        catch (Exception e)
        {
            // A fault would stop every resumption the same way: say so (failed, audited, notified) rather than retry for ever.
            trace?.SetStatus(ActivityStatusCode.Error, e.Message);
            LogFailed(logger, e, job.Title);
            try
            {
                await fail(e);
            }
            catch (Exception end)
            {
                // Still running: the supervisor resumes it (the end and its announcement are one transaction, tried again then).
                LogNotEnded(logger, end, job.Title);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Job} was interrupted; it will be resumed")]
    private static partial void LogInterrupted(ILogger logger, Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed")]
    private static partial void LogFailed(ILogger logger, Exception exception, string job);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Job} failed and could not be marked failed; it stays running and will be resumed")]
    private static partial void LogNotEnded(ILogger logger, Exception exception, string job);
}
