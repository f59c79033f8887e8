namespace VeloConnect.Grains.Imports;

/// <summary>How import jobs run (configuration section <c>VeloConnect:Imports</c>).</summary>
public sealed class ImportOptions
{
    public const string Section = "VeloConnect:Imports";

    /// <summary>Rows planned and written per transaction. Tests make it small so that files cross batch boundaries.</summary>
    public int BatchRows { get; set; } = 5_000;

    /// <summary>
    /// Batches of one import written at once (each in its own transaction, committed in file order) while the next is
    /// planned: PostgreSQL works on each in its own process. 2 (the default) was measured on 2 cores ~9 % faster than 1
    /// for new contacts and ~5–10 % for updates, for ~50 MB more at the silo's peak (docs/decisions.md, "Two import writes
    /// in flight by default"); 1 writes one batch at a time.
    /// </summary>
    public int WritesInFlight { get; set; } = 2;

    /// <summary>Journal entries a revert decides and writes per round. Tests make it small so that reverts cross chunks.</summary>
    public int RevertChunk { get; set; } = 1_000;

    /// <summary>
    /// How often each silo's supervisor looks for silent imports and reverts (silent: see
    /// <see cref="Data.Jobs.JobLivenessOptions.SilentAfter"/>), which it resumes.
    /// </summary>
    public TimeSpan SupervisorInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an upload that is never run is kept (with its stored file) before the supervisor discards it.</summary>
    public TimeSpan UploadExpiry { get; set; } = TimeSpan.FromDays(7);
}
