using System.Globalization;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>Where an import is in its life: each step of the workflow is allowed from some stages only.</summary>
public enum ImportStage
{
    /// <summary>The file is stored and analysed; no mapping is confirmed yet. It can be re-analysed, mapped or discarded.</summary>
    Uploaded,

    /// <summary>A mapping is confirmed: it can be reviewed (a dry run), re-mapped, re-analysed, run or discarded.</summary>
    Mapped,

    /// <summary>
    /// Its confirmed mapping was reviewed (a dry run, changing nothing); as <see cref="Mapped"/> it can be reviewed again,
    /// re-mapped or re-analysed (both back to <see cref="Uploaded"/>/<see cref="Mapped"/>), run or discarded. Reviewing
    /// is optional: an import runs from <see cref="Mapped"/> too (the command-line importer does not review).
    /// </summary>
    Reviewed,

    /// <summary>Its rows are being written (by its job grain, or by the command-line importer through its rows endpoint).</summary>
    Running,

    /// <summary>Ended with every row recorded; it can be reverted for 30 days.</summary>
    Finished,

    /// <summary>Ended by an error.</summary>
    Failed,
}

/// <summary>Why a step of the import workflow was refused: the HTTP status the API answers (404, 400, 409), a title and a detail that says what to do.</summary>
public sealed record ImportRefusal(int Status, string Title, string Detail, IReadOnlyDictionary<string, object?>? Extensions = null,
    IReadOnlyDictionary<string, string[]>? Errors = null)
{
    public static ImportRefusal NotFound(Guid id) =>
        new(404, "Import not found", $"There is no import {id} that your key can see (an agent key sees the imports of its own user, an admin key every import of its workspace). See yours with GET /api/imports.");

    public static ImportRefusal BadRequest(string title, string detail) => new(400, title, detail);

    public static ImportRefusal Conflict(string title, string detail) => new(409, title, detail);
}

/// <summary>A step's answer: its value, or why it was refused.</summary>
public readonly record struct Outcome<T>(T? Value, ImportRefusal? Refusal)
{
    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(ImportRefusal refusal) => new(default, refusal);
}

/// <summary>
/// The import's state machine: uploaded → mapped → reviewed (optional: a dry run that changes nothing) → running →
/// finished/failed (→ reverted, kept by the revert's own record). The stage is read from the stored import; each step
/// asks here whether it may run and, when not, gets the refusal that says what to do instead. The storage's conditional
/// updates (<c>status = 'uploaded'</c>, <c>status = 'running'</c>) close the races between the check and the write.
/// </summary>
public static class ImportLifecycle
{
    /// <summary>The stages before the run: the file, its analysis and its mapping can still change, and it can be discarded.</summary>
    public static bool IsBeforeRun(ImportStage stage) => stage is ImportStage.Uploaded or ImportStage.Mapped or ImportStage.Reviewed;

    public static ImportStage StageOf(ImportRecord import) => import.Status switch
    {
        ImportStatus.Uploaded when import.Mapping is null => ImportStage.Uploaded,
        ImportStatus.Uploaded => import.ReviewedAt is null ? ImportStage.Mapped : ImportStage.Reviewed,
        ImportStatus.Running => ImportStage.Running,
        ImportStatus.Finished => ImportStage.Finished,
        _ => ImportStage.Failed,
    };

    /// <summary>Re-analysing, mapping again or discarding: only before the import runs.</summary>
    public static ImportRefusal? CanChange(ImportRecord import, string what) => IsBeforeRun(StageOf(import))
        ? null
        : ImportRefusal.Conflict("Import already run", $"This import is {import.Status}; its {what} can no longer change. Upload the file again to import it with another {what}.");

    public static ImportRefusal? CanReview(ImportRecord import) => import.Mapping is null
        ? ImportRefusal.BadRequest("No mapping yet", $"Confirm the mapping first: PUT /api/imports/{import.Id}/mapping with a target per column.")
        : null;

    /// <summary>Reading the review's rows: the import has a current review (a new mapping, analysis or edit clears it).</summary>
    public static ImportRefusal? CanReadReviewRows(ImportRecord import) => import.ReviewedAt is null
        ? ImportRefusal.Conflict("Not reviewed", $"Review the import first: POST /api/imports/{import.Id}/review. A new mapping, analysis or edit clears the review's rows.")
        : null;

    /// <summary>Running: a confirmed mapping; a wizard import runs once, a command-line import may be started again while it runs (the importer resuming).</summary>
    public static ImportRefusal? CanRun(ImportRecord import)
    {
        if (import.Mapping is null)
        {
            return ImportRefusal.BadRequest("No mapping yet", $"Confirm the mapping first: PUT /api/imports/{import.Id}/mapping, then review and run.");
        }

        return StageOf(import) switch
        {
            ImportStage.Mapped or ImportStage.Reviewed => null,
            ImportStage.Running when import.IsCommandLine => null,
            _ when import.IsCommandLine => ImportRefusal.Conflict("Import already run", $"This import is {import.Status}. To import the file again, run the importer on it again: it starts a new import."),
            _ => AlreadyRun(import),
        };
    }

    public static ImportRefusal AlreadyRun(ImportRecord import) =>
        ImportRefusal.Conflict("Import already run", $"This import is {import.Status}. Follow it with GET /api/imports/{import.Id}; to import the file again, upload it again.");

    /// <summary>Rows and finish come from the command-line importer, to a command-line import that runs.</summary>
    public static ImportRefusal? CanAddRows(ImportRecord import)
    {
        if (!import.IsCommandLine)
        {
            return ImportRefusal.Conflict("Not a command-line import", $"Import {import.Id} was uploaded for the wizard: its rows come from its file. Run it with POST /api/imports/{import.Id}/run.");
        }

        return StageOf(import) switch
        {
            ImportStage.Running => null,
            var stage when IsBeforeRun(stage) => ImportRefusal.Conflict($"Import {import.Status}",
                $"Start the import first: confirm its mapping (PUT /api/imports/{import.Id}/mapping), then POST /api/imports/{import.Id}/run."),
            _ => ImportRefusal.Conflict($"Import {import.Status}", $"Import {import.Id} is {import.Status}; no more rows can be added to it. Run the importer again to start a new import."),
        };
    }

    public static ImportRefusal? CanFinish(ImportRecord import) => import.IsCommandLine
        ? null
        : ImportRefusal.Conflict("Not a command-line import", $"Import {import.Id} is a wizard import: it finishes by itself. Follow it with GET /api/imports/{import.Id}.");

    /// <summary>Reverting: a finished import, within the window, that kept the journal a revert needs.</summary>
    public static ImportRefusal? CanRevert(ImportRecord import, DateTimeOffset now, DateTimeOffset? journalSince)
    {
        if (StageOf(import) != ImportStage.Finished)
        {
            return ImportRefusal.Conflict("Import not finished", StageOf(import) switch
            {
                ImportStage.Failed => "This import failed; only an import that finished can be reverted.",
                var stage when IsBeforeRun(stage) => "This import has not run yet, so there is nothing to revert.",
                _ => $"This import is still running; wait until it has finished (GET /api/imports/{import.Id}), then revert it.",
            });
        }

        if (import.FinishedAt is { } finished && now - finished > ImportRevertStore.Window)
        {
            return new ImportRefusal(410, "Too old to revert",
                $"Imports can be reverted for 30 days after they finish; this one finished on {Day(finished)}. Change or delete its contacts from the contact list instead.");
        }

        if (import.StartedAt is { } started && journalSince is { } since && started < since)
        {
            return ImportRefusal.Conflict("No journal", $"This import ran on {Day(started)}, before imports kept the journal a revert needs, so it cannot be reverted. "
                + "Change or delete its contacts from the contact list instead (e.g. filter by source 'CSV import' and the day they were created).");
        }

        return null;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
