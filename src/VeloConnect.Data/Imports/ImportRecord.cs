using System.Text.Json;
using Npgsql;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Data.Imports;

public static class ImportStatus
{
    public const string Uploaded = "uploaded";
    public const string Running = "running";
    public const string Finished = "finished";
    public const string Failed = "failed";
}

/// <summary>How an import's rows arrive: from the uploaded file by the import job, or from the command-line importer through the bulk endpoint.</summary>
public static class ImportKind
{
    public const string Wizard = "wizard";
    public const string CommandLine = "command_line";
}

/// <summary>One import: the upload's analysis, the confirmed mapping, and the job's progress and counts.</summary>
public sealed record ImportRecord(
    Guid Id,
    Guid WorkspaceId,
    Guid UserId,
    string FileName,
    long FileSize,
    string Status,
    DateTimeOffset CreatedAt,
    SniffResult Analysis,
    string? ConvertFrom,
    ImportMapping? Mapping,
    int TotalRows,
    int RowsDone,
    ImportCounts Counts,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    string Kind = ImportKind.Wizard,
    Jobs.JobHeartbeat? Heartbeat = null,
    DateTimeOffset? ReviewedAt = null)
{
    public bool IsCommandLine => Kind == ImportKind.CommandLine;

    /// <summary>
    /// A wizard import whose job a silo runs is running; a command-line import's rows come from its client, so it
    /// never waits for a silo.
    /// </summary>
    public bool IsRunBySilo => Status == ImportStatus.Running && !IsCommandLine;

    /// <summary>
    /// The edits over the uploaded file, in seq order, when loaded (<see cref="ImportEditStore.WithEditsAsync"/>): every
    /// reader of the rows (review, run, error report) loads them, so all read the edited rows. Empty when not loaded.
    /// </summary>
    public IReadOnlyList<ImportEdit> Edits { get; init; } = [];
}

public sealed record ImportCounts(int Added, int Updated, int Skipped, int Invalid)
{
    public static readonly ImportCounts Zero = new(0, 0, 0, 0);

    public int Total => Added + Updated + Skipped + Invalid;

    public ImportCounts Add(string outcome, int rows) => outcome switch
    {
        ImportOutcome.Added => this with { Added = Added + rows },
        ImportOutcome.Updated => this with { Updated = Updated + rows },
        ImportOutcome.Skipped => this with { Skipped = Skipped + rows },
        ImportOutcome.Invalid => this with { Invalid = Invalid + rows },
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, "Not an import outcome."),
    };
}

/// <summary>One row's result as recorded.</summary>
public sealed record ImportRowResult(int RowNumber, string Outcome, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons, IReadOnlyList<string> Warnings);

public static class ImportOutcome
{
    public const string Added = "added";
    public const string Updated = "updated";
    public const string Skipped = "skipped";
    public const string Invalid = "invalid";
}

internal static class ImportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}

internal static class ImportCountParameters
{
    /// <summary>The counts as @added, @updated, @skipped and @invalid.</summary>
    public static void AddCounts(this NpgsqlCommand command, ImportCounts counts)
    {
        command.Parameters.AddWithValue("added", counts.Added);
        command.Parameters.AddWithValue("updated", counts.Updated);
        command.Parameters.AddWithValue("skipped", counts.Skipped);
        command.Parameters.AddWithValue("invalid", counts.Invalid);
    }
}
