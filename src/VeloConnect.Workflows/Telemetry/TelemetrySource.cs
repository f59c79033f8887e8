using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>
/// One of this project's trace sources with its meter, both named <see cref="Name"/>. ServiceDefaults subscribes to every
/// "VeloConnect.*" source and meter, so whatever is recorded here shows up in the Aspire dashboard next to Orleans' and
/// Npgsql's telemetry.
/// </summary>
/// <param name="idTag">The tag that carries a job's id on the spans of its phases (<see cref="Start"/>).</param>
public sealed class TelemetrySource(string name, string idTag = "")
{
    public string Name => name;

    public ActivitySource Source { get; } = new(name);

    public Meter Meter { get; } = new(name);

    /// <summary>A span for one phase of a job, the job's id on it; null when nobody listens.</summary>
    public Activity? Start(string phase, Guid id)
    {
        var activity = Source.StartActivity(phase);
        activity?.SetTag(idTag, id.ToString());
        return activity;
    }
}
