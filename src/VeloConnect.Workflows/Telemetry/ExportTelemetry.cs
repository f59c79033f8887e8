using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>Export jobs' traces and metrics: one trace per job with a span per phase (query, write, finish), the export id on each.</summary>
public static class ExportTelemetry
{
    public const string Name = "VeloConnect.Exports";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    public static readonly Counter<long> Rows = Meter.CreateCounter<long>("veloconnect.export.rows", "{row}", "Contacts written to export files, by format");

    public static readonly Counter<long> Bytes = Meter.CreateCounter<long>("veloconnect.export.bytes", "By", "Size of finished export files, by format");

    public static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("veloconnect.export.duration", "s", "Export job duration, by format and outcome");

    public static Activity? Start(string phase, Guid exportId)
    {
        var activity = Source.StartActivity(phase);
        activity?.SetTag("export.id", exportId.ToString());
        return activity;
    }
}
