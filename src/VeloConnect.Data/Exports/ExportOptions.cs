namespace VeloConnect.Data.Exports;

/// <summary>
/// Where export files live and for how long (configuration section <c>VeloConnect:Exports</c>). The silo writes the
/// files and the API serves them, so both read this same section and must see the same directory.
/// </summary>
public sealed class ExportOptions
{
    public const string Section = "VeloConnect:Exports";

    /// <summary>The directory of export files; default <c>VeloConnect/exports</c> under the user's local application data, which survives restarts.</summary>
    public string? Directory { get; set; }

    /// <summary>How long a finished export can be downloaded; its file is deleted afterwards.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Contacts read from PostgreSQL and written per chunk (the job never holds more than one chunk).</summary>
    public int ChunkRows { get; set; } = 1_000;

    /// <summary>
    /// How often each silo deletes expired files. Exports whose job went silent (<see cref="Jobs.JobLivenessOptions"/>)
    /// are looked for at every heartbeat interval.
    /// </summary>
    public TimeSpan CleanupInterval { get; set; } = TimeSpan.FromMinutes(5);

    public string ResolvedDirectory()
    {
        if (!string.IsNullOrWhiteSpace(Directory))
        {
            return Path.GetFullPath(Directory);
        }

        var root = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create);
        return Path.Combine(string.IsNullOrEmpty(root) ? Path.GetTempPath() : root, "VeloConnect", "exports");
    }

    public const string ValidationMessage = $"{Section}: Retention, ChunkRows and CleanupInterval must be positive.";

    public bool IsValid() => Retention > TimeSpan.Zero && ChunkRows > 0 && CleanupInterval > TimeSpan.Zero;
}
