namespace VeloConnect.Contracts.Imports;

/// <summary>
/// One import run (key: the import id). Reads the stored file through the confirmed mapping in batches, plans each
/// batch against the contacts it matches and writes it in one transaction with its rows' results (a batch that meets a
/// concurrent change goes row by row through the contact grains); every row's result is recorded exactly once, so a job
/// resumed on another silo after a crash continues where the last one stopped.
/// </summary>
[Alias("velo.IImportJobGrain")]
public interface IImportJobGrain : IGrainWithGuidKey
{
    /// <summary>Starts the run in the background (uploaded → running); false when the import was not waiting to run.</summary>
    [Alias("Start")]
    Task<bool> StartAsync();

    /// <summary>Continues a running import whose previous job stopped (its silo died); a no-op while it runs here.</summary>
    [Alias("Resume")]
    Task ResumeAsync();
}
