using System.Diagnostics;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Grains.Contacts;
using VeloConnect.Grains.Jobs;
using VeloConnect.Workflows.Imports;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Imports;

/// <summary>
/// Runs one import in the background of its activation. Rows are read in file order (so in-file duplicates are
/// decided the same way as in the review) in batches of a few thousand; each batch is planned against the contacts
/// it matches and written in one transaction together with every row's result and the job's progress (see
/// <see cref="ImportBatchPlan"/> and <see cref="ImportBatchStore"/>). A batch that meets a concurrent change goes row
/// by row through the contact grains instead, which apply merges one at a time per contact. Rows already recorded
/// are skipped, which is what makes a resumed job count every row exactly once.
/// </summary>
public sealed partial class ImportJobGrain(
    ImportStore imports,
    ImportBatchStore batchStore,
    ContactStore contacts,
    FieldStore fields,
    IOptions<ImportOptions> options,
    IHostApplicationLifetime lifetime,
    JobSupport<ImportJobGrain> support) : Grain, IImportJobGrain
{
    /// <summary>The job's kind in its trace's name and in the kept start traces.</summary>
    public const string TraceKind = "import";

    private const string Source = ContactSources.Import;

    private readonly BackgroundRun _run = new();

    /// <summary>A job started this many times without ending is failed instead of being resumed again.</summary>
    public const int MaxRuns = 10;

    /// <summary>Tries of the transaction that ends the import, when it fails for a moment (the database away).</summary>
    private const int EndAttempts = 3;

    // Progress as this job has seen it, saved after each batch; the finish recounts the recorded rows, which are the truth.
    private ImportCounts _progress = ImportCounts.Zero;

    public async Task<bool> StartAsync()
    {
        if (!await imports.MarkRunningAsync(this.GetPrimaryKey()))
        {
            return false;
        }

        await support.RememberStartAsync(TraceKind, this.GetPrimaryKey(), replace: false);

        _run.EnsureStarted(RunAsync);
        return true;
    }

    public Task ResumeAsync()
    {
        _run.EnsureStarted(RunAsync);
        return Task.CompletedTask;
    }

    private async Task RunAsync()
    {
        var importId = this.GetPrimaryKey();
        var import = await imports.GetByIdAsync(importId);
        if (import is null || ImportLifecycle.StageOf(import) != ImportStage.Running || import.Mapping is null)
        {
            return;
        }

        var job = new JobRunInfo(TraceKind, importId, $"Import {importId}",
            string.Create(CultureInfo.InvariantCulture, $"{import.FileName}, {import.TotalRows:N0} rows"), ImportTelemetry.Source, "import.id",
            cancellationToken => imports.BeatAsync(importId, cancellationToken));
        await support.RunAsync(job, run => RunAsync(import, run),
            async e => await EndAsync(import, e.Message));
    }

    private async Task RunAsync(ImportRecord import, Activity? run)
    {
        var importId = import.Id;
        var watch = Stopwatch.StartNew();
        if (await imports.StartRunAsync(importId) is not { } runs)
        {
            return;
        }

        run?.SetTag("import.runs", runs);
        if (runs > MaxRuns)
        {
            // Whatever keeps this job from ending would stop every resumption the same way: say so, once.
            LogTooManyRuns(support.Logger, importId, MaxRuns);
            await EndAsync(import,
                $"it was started {MaxRuns} times without ending, see the silo's log; the rows recorded so far stay imported: upload the file again to import the rest");
            return;
        }

        await ProcessAsync(import);
        if (await EndAsync(import, null) is { } counts)
        {
            var seconds = watch.Elapsed.TotalSeconds;
            ImportTelemetry.Duration.Record(seconds);
            ImportTelemetry.RowsPerSecond.Record(counts.Total / Math.Max(seconds, 0.001));
            run?.SetTag("import.rows", counts.Total);
            run?.SetTag("import.added", counts.Added);
            run?.SetTag("import.updated", counts.Updated);
            run?.SetTag("import.skipped", counts.Skipped);
            run?.SetTag("import.invalid", counts.Invalid);
            LogFinished(support.Logger, importId, counts.Added, counts.Updated, counts.Skipped, counts.Invalid, seconds);
        }
    }

    /// <summary>
    /// Ends the import (finished, or failed with <paramref name="error"/>) the one way every import ends
    /// (<see cref="ImportStore.EndAsync"/>: the recorded rows counted, status, audit row and notification in one
    /// transaction), so it ends and is announced exactly once however often this is tried. A transaction that fails for
    /// a moment is tried again a few times. Answers the counts, or null when the import had already ended.
    /// </summary>
    private async Task<ImportCounts?> EndAsync(ImportRecord import, string? error)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var end = await imports.EndAsync(error is null ? ImportAnnouncement.Finished(import.Id) : ImportAnnouncement.Failed(import.Id, error));
                if (end.Outcome == ImportEndOutcome.EndedWithoutNotification)
                {
                    LogNotNotified(support.Logger, import.Id);
                }

                return end.Outcome is ImportEndOutcome.Ended or ImportEndOutcome.EndedWithoutNotification ? end.Counts : null;
            }
            catch (Exception e) when (attempt < EndAttempts && JobFailures.IsTransient(e) && !lifetime.ApplicationStopping.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromSeconds(attempt));
            }
        }
    }

    private async Task ProcessAsync(ImportRecord import)
    {
        var importId = import.Id;
        byte[] file;
        HashSet<int> done;
        IReadOnlyList<ContactRules.Fields.FieldDefinition> fieldDefinitions;
        using (ImportTelemetry.Start("import.load", importId))
        {
            file = await imports.ReadFileAsync(importId);
            done = await imports.RecordedRowsAsync(importId);
            fieldDefinitions = await fields.ListAsync(import.WorkspaceId);
        }

        if (done.Count > 0)
        {
            LogResuming(support.Logger, importId, done.Count);
        }

        _progress = done.Count > 0 ? await imports.UpdateProgressAsync(importId) : ImportCounts.Zero;

        // Three stages overlap: reading and normalising the rows (a thread of its own), planning a batch (this
        // activation) and writing the batch before it (the database). Batches commit in file order, one at a time; a
        // batch is planned against what the one in flight will have written.
        var batches = Channel.CreateBounded<List<PlannedRow>>(1);
        using var stop = new CancellationTokenSource();
        var batchRows = options.Value.BatchRows;
        var reading = Task.Run(() => ReadBatchesAsync(file, import, fieldDefinitions, done, batchRows, batches.Writer, stop.Token));
        PendingWrite? inFlight = null;
        try
        {
            await foreach (var rows in batches.Reader.ReadAllAsync())
            {
                var plan = await PlanAsync(import, rows, inFlight);
                if (inFlight is not null && !await CompleteAsync(import, inFlight))
                {
                    // The batch before went row by row through the grains: plan this one again against what is stored.
                    plan = await PlanAsync(import, rows, null);
                }

                inFlight = StartWrite(import, rows, plan);
            }

            if (inFlight is not null)
            {
                await CompleteAsync(import, inFlight);
                inFlight = null;
            }
        }
        finally
        {
            await stop.CancelAsync();
            if (inFlight is not null)
            {
                // Stopped by a failure: let the write in flight end (its transaction commits or not) before leaving.
                await inFlight.Written.ContinueWith(static _ => { }, TaskScheduler.Current);
            }
        }

        await reading;
    }

    private static async Task ReadBatchesAsync(byte[] file, ImportRecord import, IReadOnlyList<ContactRules.Fields.FieldDefinition> fieldDefinitions,
        HashSet<int> done, int batchRows, ChannelWriter<List<PlannedRow>> batches, CancellationToken cancellationToken)
    {
        Exception? failure = null;
        try
        {
            var batch = new List<PlannedRow>(batchRows);
            foreach (var row in ImportPlan.Rows(file, import, import.Mapping!, fieldDefinitions))
            {
                if (done.Contains(row.Row.RowNumber))
                {
                    continue;
                }

                batch.Add(row);
                if (batch.Count == batchRows)
                {
                    await batches.WriteAsync(batch, cancellationToken);
                    batch = new List<PlannedRow>(batchRows);
                }
            }

            if (batch.Count > 0)
            {
                await batches.WriteAsync(batch, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The writing side stopped (and reports why).
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            batches.TryComplete(failure);
        }
    }

    /// <summary>
    /// Plans a batch against the contacts its rows match: one query for the owners of its phones and emails, one for
    /// those contacts; what the batch in flight changes (owners, contacts) is taken from its plan, whether or not it has
    /// committed yet.
    /// </summary>
    private async Task<ImportBatchPlan> PlanAsync(ImportRecord import, List<PlannedRow> rows, PendingWrite? inFlight)
    {
        using var span = ImportTelemetry.Start("import.merge-batch", import.Id);
        span?.SetTag("import.batch.rows", rows.Count);
        span?.SetTag("import.batch.first_row", rows[0].Row.RowNumber);
        var identifiers = rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()).ToList();
        var owners = await contacts.OwnersAsync(import.WorkspaceId, identifiers);
        var known = new Dictionary<Guid, ContactRecord>();
        if (inFlight is not null)
        {
            foreach (var (identifier, owner) in inFlight.Plan.OwnerChanges)
            {
                if (owner is { } id)
                {
                    owners[identifier] = id;
                }
                else
                {
                    owners.Remove(identifier);
                }
            }

            foreach (var change in inFlight.Changes)
            {
                known[change.Id] = change.AsWritten(import.WorkspaceId, Source, inFlight.Now);
            }
        }

        var missing = owners.Values.Distinct().Where(id => !known.ContainsKey(id)).ToList();
        if (missing.Count > 0)
        {
            foreach (var contact in await contacts.LoadManyAsync(import.WorkspaceId, missing))
            {
                known[contact.Id] = contact;
            }
        }

        // For the rows' warnings: a row whose contact takes an opted-out phone or email says so (the database applies it).
        var optOuts = await contacts.OptOutsAsync(import.WorkspaceId, identifiers, owners.Values);
        var plan = new ImportBatchPlan(owners, known, optOuts);
        foreach (var row in rows)
        {
            plan.Apply(row, Guid.NewGuid);
        }

        return plan;
    }

    /// <summary>Starts writing a planned batch (one transaction with its rows' results and the progress after it).</summary>
    private PendingWrite StartWrite(ImportRecord import, List<PlannedRow> rows, ImportBatchPlan plan)
    {
        var progress = plan.Outcomes.Aggregate(_progress, (counts, o) => counts.Add(o.Outcome, 1));
        var changes = plan.Changes().ToList();
        var now = support.Clock.GetUtcNow();
        // On the thread pool, not this activation's scheduler: the COPY streams while the activation plans the next
        // batch (the write touches no grain state).
        return new PendingWrite(rows, plan, changes, progress, now, Task.Run(WriteAsync));

        async Task<bool> WriteAsync()
        {
            using var persist = ImportTelemetry.Start("import.persist", import.Id);
            persist?.SetTag("import.batch.first_row", rows[0].Row.RowNumber);
            persist?.SetTag("import.batch.contacts", changes.Count);
            var written = await batchStore.WriteAsync(import, Source, changes, [.. plan.Outcomes.Select(ImportBatchPlan.Result)], progress, now);
            persist?.SetTag("import.batch.contended", !written);
            return written;
        }
    }

    /// <summary>
    /// Waits for a batch's write. If a contact or identifier of the batch changed since it was planned (another import,
    /// an edit), nothing of it was written: its rows go one by one through the contact grains, which apply each merge
    /// to what is really stored, one at a time per contact. Returns whether the planned write landed.
    /// </summary>
    private async Task<bool> CompleteAsync(ImportRecord import, PendingWrite pending)
    {
        var written = await pending.Written;
        if (written)
        {
            _progress = pending.Progress;
            foreach (var group in pending.Plan.Outcomes.GroupBy(o => o.Outcome))
            {
                ImportTelemetry.Rows.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key));
            }

            var created = pending.Changes.Count(c => c.IsNew);
            var updated = pending.Changes.Count - created;
            CountWrites(created, updated, pending.Plan.Outcomes.Count(o => o.Outcome == ImportOutcome.Updated) - updated);
        }
        else
        {
            LogContended(support.Logger, import.Id, pending.Rows[0].Row.RowNumber);
            await WriteOneByOneAsync(import, pending.Rows);
        }

        // The run lives in the background of this activation: keep it alive while there is work.
        DelayDeactivation(TimeSpan.FromMinutes(5));
        return written;
    }

    private sealed record PendingWrite(List<PlannedRow> Rows, ImportBatchPlan Plan, IReadOnlyList<PlannedContact> Changes, ImportCounts Progress, DateTimeOffset Now, Task<bool> Written);

    private static void CountWrites(int created, int updated, int unchanged)
    {
        var source = new KeyValuePair<string, object?>("source", Source);
        VeloConnectTelemetry.ContactWrites.Add(created, new KeyValuePair<string, object?>("outcome", "created"), source);
        VeloConnectTelemetry.ContactWrites.Add(updated, new KeyValuePair<string, object?>("outcome", "updated"), source);
        VeloConnectTelemetry.ContactWrites.Add(unchanged, new KeyValuePair<string, object?>("outcome", "unchanged"), source);
    }

    /// <summary>The contended path: each row through the contact writer and its contact's grain (<see cref="ImportRowWriter"/>).</summary>
    private async Task WriteOneByOneAsync(ImportRecord import, List<PlannedRow> rows)
    {
        var outcomes = await ImportRowWriter.WriteAsync(GrainFactory, imports, import, Source, rows);
        foreach (var group in outcomes.GroupBy(o => o))
        {
            ImportTelemetry.Rows.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key));
            _progress = _progress.Add(group.Key, group.Count());
        }

        await imports.SaveProgressAsync(import.Id, _progress);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} finished: {Added} added, {Updated} updated, {Skipped} skipped, {Invalid} invalid in {Seconds:F1} s")]
    private static partial void LogFinished(ILogger logger, Guid importId, int added, int updated, int skipped, int invalid, double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId} resumes: {Done} rows were already recorded")]
    private static partial void LogResuming(ILogger logger, Guid importId, int done);

    [LoggerMessage(Level = LogLevel.Information, Message = "Import {ImportId}: the batch from row {FirstRow} met a concurrent change; writing it row by row")]
    private static partial void LogContended(ILogger logger, Guid importId, int firstRow);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} ended, but the database refused its notification; its audit row says so")]
    private static partial void LogNotNotified(ILogger logger, Guid importId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Import {ImportId} was started {MaxRuns} times without ending; failing it")]
    private static partial void LogTooManyRuns(ILogger logger, Guid importId, int maxRuns);
}
