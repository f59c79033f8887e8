namespace VeloConnect.Data.Jobs;

/// <summary>
/// When a background job (an import, an import's revert, an export) counts as alive (configuration section
/// <c>VeloConnect:Jobs</c>, read by the silos and the API alike). A running job beats its heart in its table every
/// <see cref="HeartbeatInterval"/>, however long its current batch takes; a running job silent for
/// <see cref="SilentAfter"/> has lost its silo: the API says it is waiting for a silo (since its last beat), and the
/// supervisor of any live silo resumes it.
/// </summary>
public sealed class JobLivenessOptions
{
    public const string Section = "VeloConnect:Jobs";

    /// <summary>How often a running job's silo writes its heartbeat.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>A running job whose heartbeat is older than this has lost its silo (at least twice the interval).</summary>
    public TimeSpan SilentAfter { get; set; } = TimeSpan.FromSeconds(15);

    public const string ValidationMessage = $"{Section}: HeartbeatInterval must be positive and SilentAfter at least twice as long.";

    public bool IsValid() => HeartbeatInterval > TimeSpan.Zero && SilentAfter >= 2 * HeartbeatInterval;

    /// <summary>
    /// When a job that should be running stopped reporting, if it has been silent for longer than <see cref="SilentAfter"/>
    /// (its silo is gone and no silo has taken it over yet); null while it reports, or when it is not running.
    /// </summary>
    public DateTimeOffset? StalledAt(bool running, JobHeartbeat? heartbeat) =>
        running && heartbeat is { } beat && beat.Age > SilentAfter ? beat.At : null;
}

/// <summary>A job's last heartbeat as read: when it was written and how long ago (both by the database's clock).</summary>
public sealed record JobHeartbeat(DateTimeOffset At, TimeSpan Age)
{
    /// <summary>The heartbeat of the current row, read from columns <paramref name="ordinal"/> (heartbeat_at) and the next (its age).</summary>
    public static JobHeartbeat? Read(Npgsql.NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : new JobHeartbeat(reader.GetFieldValue<DateTimeOffset>(ordinal), reader.GetFieldValue<TimeSpan>(ordinal + 1));

    /// <summary>The two columns <see cref="Read"/> expects, from a table whose heartbeat column is <c>heartbeat_at</c>.</summary>
    public const string Columns = "heartbeat_at, clock_timestamp() - heartbeat_at";
}
