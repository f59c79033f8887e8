using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>Export jobs' traces and metrics: one trace per job with a span per phase (query, write, finish), the export id on each.</summary>
public static class ExportTelemetry
{
    private static readonly TelemetrySource Telemetry = new("VeloConnect.Exports", "export.id");

    public static readonly Counter<long> Rows = Telemetry.Meter.CreateCounter<long>("veloconnect.export.rows", "{row}", "Contacts written to export files, by format");

    public static readonly Counter<long> Bytes = Telemetry.Meter.CreateCounter<long>("veloconnect.export.bytes", "By", "Size of finished export files, by format");

    public static readonly Histogram<double> Duration = Telemetry.Meter.CreateHistogram<double>("veloconnect.export.duration", "s", "Export job duration, by format and outcome");

    public static ActivitySource Source => Telemetry.Source;

    public static Activity? Start(string phase, Guid exportId) => Telemetry.Start(phase, exportId);
}
