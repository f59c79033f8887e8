using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>Import jobs' traces and metrics: one trace per job with a span per phase, the import id on each.</summary>
public static class ImportTelemetry
{
    public const string Name = "VeloConnect.Imports";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Rows = Meter.CreateCounter<long>("veloconnect.import.rows", "{row}", "Import rows processed, by outcome");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("veloconnect.import.duration", "s", "Import job duration");

    public static readonly Histogram<double> RowsPerSecond = Meter.CreateHistogram<double>("veloconnect.import.rows_per_second", "{row}/s", "Import throughput per job");

    public static Activity? Start(string phase, Guid importId)
    {
        var activity = Source.StartActivity(phase);
        activity?.SetTag("import.id", importId.ToString());
        return activity;
    }
}
