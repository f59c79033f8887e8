using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace VeloConnect.Workflows.Telemetry;

/// <summary>The contacts' own trace source and meter (<c>VeloConnect.Contacts</c>): contact writes, deletes and opt-in changes.</summary>
public static class VeloConnectTelemetry
{
    private static readonly TelemetrySource Telemetry = new("VeloConnect.Contacts");

    public static ActivitySource Source => Telemetry.Source;

    /// <summary>Contact writes by outcome (created, updated, unchanged, conflict, …) and source.</summary>
    public static readonly Counter<long> ContactWrites = Telemetry.Meter.CreateCounter<long>("veloconnect.contacts.writes", "{write}", "Contact writes applied by contact grains");

    public static readonly Counter<long> ContactsDeleted = Telemetry.Meter.CreateCounter<long>("veloconnect.contacts.deleted", "{contact}", "Contacts deleted");

    public static readonly Counter<long> OptInChanges = Telemetry.Meter.CreateCounter<long>("veloconnect.optins.changes", "{change}", "Opt-in changes made through the opt-in endpoint");
}
