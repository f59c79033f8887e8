using Microsoft.Extensions.Options;
using VeloConnect.Api.Auth;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>
/// A revert's state: progress over the import's journal, counts per outcome, and the contacts kept with the reasons. A
/// running revert whose silo is gone stays <c>running</c> with <c>waitingForSilo</c> true and <c>stalledAt</c> the time
/// its job last reported; it continues where it stopped once a silo is back.
/// </summary>
public sealed record ImportRevertResponse(Guid ImportId, string Status, DateTimeOffset RequestedAt, DateTimeOffset? FinishedAt, RevertProgress Progress,
    RevertCountsResponse Counts, IReadOnlyList<RevertKeptContact> Kept, string? Error, bool WaitingForSilo, DateTimeOffset? StalledAt);

public sealed record RevertProgress(int Done, int Total);

public sealed record RevertCountsResponse(int Deleted, int Restored, int Kept, int Unchanged);

public sealed record RevertKeptContact(Guid ContactId, IReadOnlyList<string> Reasons);

/// <summary>
/// The last step of an import's life: its revert (issue 5), run by its <see cref="IImportRevertGrain"/>; whether it may
/// be reverted is <see cref="ImportLifecycle.CanRevert"/>'s.
/// </summary>
public sealed class ImportRevertWorkflow(IClusterClient orleans, ImportStore imports, ImportRevertStore reverts, TimeProvider clock,
    IOptions<JobLivenessOptions> liveness)
{
    /// <summary>
    /// Asking again returns the revert already asked for (running or finished), whenever it is asked; one that failed
    /// continues where it stopped. A small revert finishes within the request's patience; a large one carries on in the background.
    /// </summary>
    public async Task<Outcome<ImportRevertResponse>> RevertAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        var asked = await reverts.GetAsync(user.WorkspaceId, id, cancellationToken);
        if (asked is null && ImportLifecycle.CanRevert(import, clock.GetUtcNow(), import.StartedAt is null ? null : await reverts.JournalSinceAsync(cancellationToken)) is { } refused)
        {
            return refused;
        }

        if (asked is null or { Status: RevertStatus.Failed })
        {
            await orleans.GetGrain<IImportRevertGrain>(id).StartAsync(user.UserId);
        }

        var revert = await JobWait.BrieflyAsync(clock, ct => reverts.GetAsync(user.WorkspaceId, id, ct), r => r is { Status: RevertStatus.Running }, cancellationToken);
        if (revert is null)
        {
            // The import's state changed between the check and the start (it cannot, once finished; but say so rather than fail).
            return ImportRefusal.Conflict("Import not finished", $"Import {id} could not be reverted in its current state; see GET /api/imports/{id}.");
        }

        return await ResponseAsync(revert, cancellationToken);
    }

    public async Task<Outcome<ImportRevertResponse>> GetAsync(CurrentUser user, Guid id, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is null)
        {
            return ImportRefusal.NotFound(id);
        }

        if (await reverts.GetAsync(user.WorkspaceId, id, cancellationToken) is not { } revert)
        {
            return new ImportRefusal(StatusCodes.Status404NotFound, "Revert not found", $"Import {id} has not been reverted. To revert it, POST /api/imports/{id}/revert.");
        }

        return await ResponseAsync(revert, cancellationToken);
    }

    private async Task<ImportRevertResponse> ResponseAsync(ImportRevertRecord revert, CancellationToken cancellationToken)
    {
        var counts = revert.Counts;
        var kept = await reverts.KeptAsync(revert.ImportId, cancellationToken);
        var stalledAt = liveness.Value.StalledAt(revert.Status == RevertStatus.Running, revert.Heartbeat);
        return new ImportRevertResponse(revert.ImportId, revert.Status, revert.RequestedAt, revert.FinishedAt, new RevertProgress(counts.Done, revert.Total),
            new RevertCountsResponse(counts.Deleted, counts.Restored, counts.Kept, counts.Unchanged),
            [.. kept.Select(k => new RevertKeptContact(k.ContactId, k.Reasons))], revert.Error, stalledAt is not null, stalledAt);
    }
}
