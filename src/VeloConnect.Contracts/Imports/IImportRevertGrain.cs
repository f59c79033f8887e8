namespace VeloConnect.Contracts.Imports;

/// <summary>
/// The revert of one finished import (key: the import id). Works through the import's journal in chunks: contacts the
/// import created are deleted, what it changed on existing contacts is restored, and contacts changed since are kept and
/// listed. Each decision is recorded with what it wrote, so a revert resumed on another silo continues where it stopped,
/// and an import is reverted at most once.
/// </summary>
[Alias("velo.IImportRevertGrain")]
public interface IImportRevertGrain : IGrainWithGuidKey
{
    /// <summary>
    /// Starts the revert in the background on behalf of <paramref name="userId"/>; a revert already running or finished is
    /// not started again (the caller reads its state). The caller checks that the import may be reverted.
    /// </summary>
    [Alias("Start")]
    Task StartAsync(Guid userId);

    /// <summary>Continues a running revert whose previous job stopped (its silo died); a no-op while it runs here.</summary>
    [Alias("Resume")]
    Task ResumeAsync();
}
