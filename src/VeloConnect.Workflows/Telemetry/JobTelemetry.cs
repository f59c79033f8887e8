using System.Diagnostics;
using System.Globalization;
using VeloConnect.Data.Jobs;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>
/// How jobs and housekeeping are traced. Each job run (an import, an import's revert, an export) is a trace of its own,
/// named after the job (<c>import 3f2a1b2c (contacts.csv, 50,000 rows)</c>), with its phases as spans and its counts as
/// tags, and a link to the request that started it (its W3C <c>traceparent</c>, kept with the job by
/// <see cref="JobTraceStore"/>, so a run resumed on another silo links to it too). Periodic housekeeping (supervisor
/// rounds, heartbeats) runs under a <see cref="HousekeepingName"/> span, which the service defaults' sampler drops with
/// everything under it, so the operator's trace list shows requests and jobs.
/// </summary>
public static class JobTelemetry
{
    /// <summary>The name of housekeeping spans: the sampler in VeloConnect.ServiceDefaults drops them (keep the two in step).</summary>
    public const string HousekeepingName = "veloconnect.housekeeping";

    /// <summary>
    /// Starts a job's run as the root of a new trace, whatever the current activity is (the call that started or resumed
    /// it), linked to the trace that started the job when <paramref name="startedBy"/> is a valid traceparent. The new
    /// activity is current until disposed.
    /// </summary>
    public static Activity? StartJob(ActivitySource source, string name, string idTag, Guid id, string? startedBy)
    {
        ActivityLink[] links = ActivityContext.TryParse(startedBy, null, out var context) ? [new ActivityLink(context)] : [];
        Activity.Current = null;
        var activity = source.StartActivity(ActivityKind.Internal, parentContext: default, tags: [new(idTag, id.ToString())], links: links, name: name);
        return activity;
    }

    /// <summary>
    /// Marks what follows (until disposed) as housekeeping, not traced: a span the sampler drops, under which every span
    /// (database commands, grain calls) is dropped too. A job a housekeeping round resumes starts a trace of its own.
    /// </summary>
    public static Activity? StartHousekeeping(string what)
    {
        Activity.Current = null;
        var activity = VeloConnectTelemetry.Source.StartActivity(HousekeepingName);
        activity?.SetTag("veloconnect.housekeeping", what);
        return activity;
    }

    /// <summary>The current trace context as a W3C traceparent, to keep with a job a request starts; null outside a trace.</summary>
    public static string? CurrentTraceParent() => Activity.Current is { IdFormat: ActivityIdFormat.W3C } current ? current.Id : null;

    /// <summary>A job's name in its trace: <c>{kind} {first 8 hex digits of its id} ({details})</c>.</summary>
    public static string JobName(string kind, Guid id, string details) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind} {id.ToString("N")[..8]} ({details})");
}
