using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>
/// This project's own trace source and meter. ServiceDefaults subscribes to every "VeloConnect.*" source and meter,
/// so whatever is recorded here shows up in the Aspire dashboard next to Orleans' and Npgsql's telemetry.
/// </summary>
public static class VeloConnectTelemetry
{
    public const string Name = "VeloConnect.Contacts";

    public static readonly ActivitySource Source = new(Name);

    public static readonly Meter Meter = new(Name);

    /// <summary>Contact writes by outcome (created, updated, unchanged, conflict, …) and source.</summary>
    public static readonly Counter<long> ContactWrites = Meter.CreateCounter<long>("veloconnect.contacts.writes", "{write}", "Contact writes applied by contact grains");

    public static readonly Counter<long> ContactsDeleted = Meter.CreateCounter<long>("veloconnect.contacts.deleted", "{contact}", "Contacts deleted");

    public static readonly Counter<long> OptInChanges = Meter.CreateCounter<long>("veloconnect.optins.changes", "{change}", "Opt-in changes made through the opt-in endpoint");
}
