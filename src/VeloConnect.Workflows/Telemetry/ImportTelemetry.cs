using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>Import jobs' traces and metrics: one trace per job with a span per phase, the import id on each.</summary>
public static class ImportTelemetry
{
    private static readonly TelemetrySource Telemetry = new("VeloConnect.Imports", "import.id");

    public static ActivitySource Source => Telemetry.Source;

    public static Activity? Start(string phase, Guid importId) => Telemetry.Start(phase, importId);

    public static readonly Counter<long> Rows = Telemetry.Meter.CreateCounter<long>("veloconnect.import.rows", "{row}", "Import rows processed, by outcome");

    public static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram<double>("veloconnect.import.duration", "s", "Import job duration");

    public static readonly Histogram<double> RowsPerSecond = Telemetry.Meter.CreateHistogram<double>("veloconnect.import.rows_per_second", "{row}/s", "Import throughput per job");
}
