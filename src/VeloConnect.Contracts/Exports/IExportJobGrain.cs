namespace VeloConnect.Contracts.Exports;

/// <summary>
/// One export run (key: the export id). Streams the contacts its filter selects from PostgreSQL into a file in the
/// shared exports directory, then marks the export ready, audits it and notifies the user who asked for it. A run that
/// lost its silo is started again from the beginning by another silo: writing the file again is cheap and exact.
/// </summary>
[Alias("velo.IExportJobGrain")]
public interface IExportJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts writing a running export's file in the background; a no-op while it runs here or once it has ended.</summary>
    [Alias("Start")]
    Task StartAsync();
}
