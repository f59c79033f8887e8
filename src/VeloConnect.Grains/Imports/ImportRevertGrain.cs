using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Grains.Jobs;
using VeloConnect.Workflows.Imports;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// Reverts one import in the background of its activation (see <see cref="IImportRevertGrain"/>). Each chunk of the journal
/// is decided by <see cref="ImportRevert"/> against the contacts as they are now (read in bulk); deletions and restores
/// are version-checked, so a contact that moved between the read and the write is read and decided again. Every
/// decision is recorded in the transaction that carries it out. Opt-ins are never written.
/// </summary>
public sealed partial class ImportRevertGrain(
    ImportStore imports,
    ImportRevertStore reverts,
    ContactStore contacts,
    IOptions<ImportOptions> options,
    JobSupport<ImportRevertGrain> support) : Grain, IImportRevertGrain
{
    /// <summary>A contact that keeps moving under the revert is decided again this many times, then kept and listed.</summary>
    private const int Attempts = 3;

    /// <summary>The job's kind in its trace's name and in the kept start traces.</summary>
    public const string TraceKind = "revert";

    private readonly BackgroundRun _run = new();

    public async Task StartAsync(Guid userId)
    {
        if (await imports.GetByIdAsync(this.GetPrimaryKey()) is { Status: ImportStatus.Finished } import)
        {
            // A revert asked for again after it failed continues where it stopped.
            if (!await reverts.CreateAsync(import, userId))
            {
                await reverts.RetryAsync(import.Id);
            }

            // Asked for again, the revert is started again by this request: its next run links to it.
            await support.RememberStartAsync(TraceKind, import.Id, replace: true);
            _run.EnsureStarted(RunAsync);
        }
    }

    public Task ResumeAsync()
    {
        _run.EnsureStarted(RunAsync);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var importId = this.GetPrimaryKey();
        if (await imports.GetByIdAsync(importId) is not { } import
            || await reverts.GetAsync(import.WorkspaceId, importId) is not { Status: RevertStatus.Running })
        {
            return;
        }

        var job = new JobRunInfo(TraceKind, importId, $"Revert of import {importId}", import.FileName, ImportTelemetry.Source, "import.id",
            cancellationToken => reverts.HeartbeatAsync(importId, cancellationToken));
        await support.RunAsync(job, run => RevertAsync(import, run), async e =>
        {
            // What was decided stays done; asking for the revert again continues with the rest.
            if (await reverts.GetAsync(import.WorkspaceId, importId) is { } revert)
            {
                await reverts.EndAsync(revert, e.Message, RevertAnnouncement.Failed(revert, import.FileName, e.Message));
            }
        });
    }

    private async Task RevertAsync(ImportRecord import, Activity? run)
    {
        var importId = import.Id;
        var watch = Stopwatch.StartNew();
        var attempts = new Dictionary<Guid, int>();
        while (await RevertChunkAsync(import, attempts))
        {
            // The run lives in the background of this activation: keep it alive while there is work.
            DelayDeactivation(TimeSpan.FromMinutes(5));
        }

        var revert = (await reverts.GetAsync(import.WorkspaceId, importId))!;
        if (await reverts.EndAsync(revert, null, RevertAnnouncement.Finished(revert, import.FileName)))
        {
            var counts = revert.Counts;
            run?.SetTag("import.revert.deleted", counts.Deleted);
            run?.SetTag("import.revert.restored", counts.Restored);
            run?.SetTag("import.revert.kept", counts.Kept);
            run?.SetTag("import.revert.unchanged", counts.Unchanged);
            LogFinished(support.Logger, importId, counts.Deleted, counts.Restored, counts.Kept, counts.Unchanged, watch.Elapsed.TotalSeconds);
        }
    }

    /// <summary>Decides and carries out one chunk of undecided journal entries; false when none are left.</summary>
    private async Task<bool> RevertChunkAsync(ImportRecord import, Dictionary<Guid, int> attempts)
    {
        var entries = await reverts.PendingAsync(import.Id, options.Value.RevertChunk);
        if (entries.Count == 0)
        {
            return false;
        }

        using var span = ImportTelemetry.Start("import.revert-chunk", import.Id);
        span?.SetTag("import.revert.entries", entries.Count);
        var ws = import.WorkspaceId;
        var ids = entries.Select(e => e.ContactId).ToList();
        var current = (await contacts.LoadManyAsync(ws, ids)).ToDictionary(c => c.Id);
        var optIns = await reverts.LastOptInChangesAsync(ws, ids);
        var reclaimable = entries.SelectMany(e => e.Before?.Identifiers() ?? []).Distinct().ToList();
        var owners = await contacts.OwnersAsync(ws, reclaimable);
        var optOuts = await contacts.OptOutsAsync(ws, reclaimable, ids);

        var recorded = new List<RevertEntryResult>();
        var deletions = new List<RevertDeletion>();
        var restores = new List<PlannedContact>();
        foreach (var entry in entries)
        {
            var stored = current.GetValueOrDefault(entry.ContactId);
            var decision = ImportRevert.Decide(entry, stored?.Data, optIns.TryGetValue(entry.ContactId, out var at) ? at : null, owners, optOuts);
            // A contact that moved under every attempt so far is not chased for ever.
            if (decision.Action is RevertAction.Delete or RevertAction.Restore && attempts.GetValueOrDefault(entry.ContactId) >= Attempts)
            {
                decision = RevertDecision.Keep("changed again while the revert ran");
            }

            switch (decision.Action)
            {
                case RevertAction.Delete:
                    deletions.Add(new RevertDeletion(entry.ContactId, stored!.Version, entry.At));
                    break;
                case RevertAction.Restore:
                    restores.Add(new PlannedContact(entry.ContactId, stored, decision.Restored!, decision.Gained, decision.Freed));
                    break;
                case RevertAction.Keep:
                    recorded.Add(new RevertEntryResult(entry.ContactId, RevertOutcome.Kept, decision.Reasons));
                    break;
                default:
                    recorded.Add(new RevertEntryResult(entry.ContactId, RevertOutcome.Unchanged, decision.Reasons));
                    break;
            }
        }

        await reverts.RecordAsync(import.Id, recorded);
        if (deletions.Count > 0)
        {
            var deleted = (await reverts.DeleteAsync(ws, import.Id, deletions)).ToHashSet();
            CountMoved(deletions.Select(d => d.ContactId).Where(id => !deleted.Contains(id)), attempts);
        }

        await RestoreAsync(import, restores, attempts);
        span?.SetTag("import.revert.deleted", deletions.Count);
        span?.SetTag("import.revert.restored", restores.Count);
        return true;
    }

    /// <summary>
    /// Restores in one transaction; if a contact of the chunk moved (or an identifier was claimed) meanwhile, one by one, so
    /// that only those that moved are left for the next round, where they are read and decided again.
    /// </summary>
    private async Task RestoreAsync(ImportRecord import, List<PlannedContact> restores, Dictionary<Guid, int> attempts)
    {
        if (restores.Count == 0 || await reverts.RestoreAsync(import.WorkspaceId, import.Id, restores, support.Clock.GetUtcNow()))
        {
            return;
        }

        var moved = new List<Guid>();
        foreach (var restore in restores)
        {
            if (!await reverts.RestoreAsync(import.WorkspaceId, import.Id, [restore], support.Clock.GetUtcNow()))
            {
                moved.Add(restore.Id);
            }
        }

        CountMoved(moved, attempts);
    }

    private void CountMoved(IEnumerable<Guid> moved, Dictionary<Guid, int> attempts)
    {
        foreach (var id in moved)
        {
            attempts[id] = attempts.GetValueOrDefault(id) + 1;
            LogMoved(support.Logger, this.GetPrimaryKey(), id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Revert of import {ImportId} finished: {Deleted} deleted, {Restored} restored, {Kept} kept, {Unchanged} unchanged in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, Guid importId, int deleted, int restored, int kept, int unchanged, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Revert of import {ImportId}: contact {ContactId} changed between its read and its write; deciding it again")]
    private static partial void LogMoved(ILogger logger, Guid importId, Guid contactId);
}
