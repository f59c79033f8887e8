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
/// it matches and what the batches still in flight will have written, and written in one transaction together with
/// every row's result and the job's progress (see <see cref="ImportBatchPlanner"/> and <see cref="ImportBatchStore"/>).
/// Up to <see cref="ImportOptions.WritesInFlight"/> batches are written at once and commit in file order; a batch that
/// reads what one in flight writes waits for it. A batch that meets a concurrent change goes row by row through the
/// contact grains instead, which apply merges one at a time per contact, and the batches after it are planned again.
/// Rows already recorded are skipped, which is what makes a resumed job count every row exactly once.
/// </summary>
public sealed partial class ImportJobGrain(
    ImportStore imports,
    ImportEditStore edits,
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
            // The edits made in the review apply as the rows are read; none can be added once it runs, so a resumed run reads the same rows.
            import = await edits.WithEditsAsync(import);
            done = await imports.RecordedRowsAsync(importId);
            fieldDefinitions = await fields.ListAsync(import.WorkspaceId);
        }

        if (done.Count > 0)
        {
            LogResuming(support.Logger, importId, done.Count);
        }

        _progress = done.Count > 0 ? await imports.UpdateProgressAsync(importId) : ImportCounts.Zero;

        // Three stages overlap: reading and normalising the rows (a thread of its own), planning a batch (this
        // activation) and writing the batches before it (the database, up to WritesInFlight at once). A batch is planned
        // on what the batches in flight will have written; it is written at once when it reads nothing they write, else
        // once the last of those it reads from has committed; batches commit in file order (see ImportBatchStore.WriteInOrderAsync).
        var batches = Channel.CreateBounded<List<PlannedRow>>(1);
        using var stop = new CancellationTokenSource();
        var batchRows = options.Value.BatchRows;
        var writesInFlight = Math.Max(1, options.Value.WritesInFlight);
        var reading = Task.Run(() => ImportPlan.ReadChunksAsync(ImportPlan.Rows(file, import, import.Mapping!, fieldDefinitions).Where(r => !done.Contains(r.Row.RowNumber)),
            batchRows, batches.Writer, stop.Token));
        var inFlight = new List<InFlightWrite>();
        // Rows of batches withdrawn (planned on a batch that did not commit), in file order: planned again before any new batch.
        var again = new List<List<PlannedRow>>();
        try
        {
            while (true)
            {
                var rows = again.Count > 0 ? Take(again) : await NextAsync(batches.Reader);
                if (rows is null)
                {
                    if (inFlight.Count == 0)
                    {
                        break;
                    }

                    await SettleOldestAsync(import, inFlight, again, null);
                    continue;
                }

                var batch = await PlanAsync(import, rows, inFlight);
                if (inFlight.Count >= writesInFlight && !await SettleOldestAsync(import, inFlight, again, rows))
                {
                    // Nothing in flight any more, and this batch's rows wait in line to be planned again.
                    continue;
                }

                inFlight.Add(StartWrite(import, batch, inFlight));
            }
        }
        finally
        {
            await stop.CancelAsync();
            // Stopped by a failure: let the writes in flight end (their transactions commit or not) before leaving.
            foreach (var pending in inFlight)
            {
                await pending.Written.ContinueWith(static _ => { }, TaskScheduler.Current);
            }
        }

        await reading;
    }

    private static List<PlannedRow> Take(List<List<PlannedRow>> again)
    {
        var rows = again[0];
        again.RemoveAt(0);
        return rows;
    }

    private static async Task<List<PlannedRow>?> NextAsync(ChannelReader<List<PlannedRow>> reader)
    {
        while (await reader.WaitToReadAsync())
        {
            if (reader.TryRead(out var rows))
            {
                return rows;
            }
        }

        return null;
    }

    /// <summary>
    /// Plans a batch against the contacts its rows match and what the batches in flight change (owners, contacts),
    /// whether or not they have committed yet (<see cref="ImportBatchPlanner"/>).
    /// </summary>
    private async Task<ImportBatch> PlanAsync(ImportRecord import, List<PlannedRow> rows, List<InFlightWrite> inFlight)
    {
        using var span = ImportTelemetry.Start("import.merge-batch", import.Id);
        span?.SetTag("import.batch.rows", rows.Count);
        span?.SetTag("import.batch.first_row", rows[0].Row.RowNumber);
        span?.SetTag("import.batch.after", inFlight.Count);
        var plan = await new ImportBatchPlanner(contacts).PlanAsync(import.WorkspaceId, Source, rows, inFlight.Select(w => w.Batch));
        return new ImportBatch(rows, plan, support.Clock.GetUtcNow());
    }

    /// <summary>Starts writing a planned batch after the ones in flight (<see cref="InFlightWrite.Start"/>).</summary>
    private InFlightWrite StartWrite(ImportRecord import, ImportBatch batch, List<InFlightWrite> inFlight) =>
        InFlightWrite.Start(batchStore, import, Source, batch, _progress, inFlight);

    /// <summary>
    /// Waits for the oldest batch in flight. Answers true when it committed. Otherwise nothing of it, nor of any batch
    /// after it, was written (they commit after it): those are let end and their rows (and <paramref name="planned"/>'s,
    /// planned on them) are put first in line to be planned again against what is stored. If a contact or identifier of
    /// the oldest changed since it was planned (another import, an edit), its rows go one by one through the contact
    /// grains, which apply each merge to what is really stored, one at a time per contact.
    /// </summary>
    private async Task<bool> SettleOldestAsync(ImportRecord import, List<InFlightWrite> inFlight, List<List<PlannedRow>> again, List<PlannedRow>? planned)
    {
        var oldest = inFlight[0];
        inFlight.RemoveAt(0);
        var written = await oldest.Written;
        // The run lives in the background of this activation: keep it alive while there is work.
        DelayDeactivation(TimeSpan.FromMinutes(5));
        if (written == ImportBatchWrite.Written)
        {
            Account(oldest);
            return true;
        }

        var replan = new List<List<PlannedRow>>();
        foreach (var later in inFlight)
        {
            if (await later.Written == ImportBatchWrite.Written)
            {
                throw new InvalidOperationException($"Import {import.Id}: the batch from row {later.Batch.Rows[0].Row.RowNumber} committed after one before it did not.");
            }

            replan.Add(later.Batch.Rows);
        }

        inFlight.Clear();
        if (planned is not null)
        {
            replan.Add(planned);
        }

        if (written == ImportBatchWrite.Contended)
        {
            LogContended(support.Logger, import.Id, oldest.Batch.Rows[0].Row.RowNumber);
            await WriteOneByOneAsync(import, oldest.Batch.Rows);
        }
        else
        {
            replan.Insert(0, oldest.Batch.Rows);
        }

        again.InsertRange(0, replan);
        return false;
    }

    /// <summary>Counts a committed batch: the progress after it, and its rows and writes in the meters.</summary>
    private void Account(InFlightWrite pending)
    {
        _progress = pending.Progress;
        var plan = pending.Batch.Plan;
        foreach (var group in plan.Outcomes.GroupBy(o => o.Outcome))
        {
            ImportTelemetry.Rows.Add(group.Count(), new KeyValuePair<string, object?>("outcome", group.Key));
        }

        var created = pending.Batch.Changes.Count(c => c.IsNew);
        var updated = pending.Batch.Changes.Count - created;
        CountWrites(created, updated, plan.Outcomes.Count(o => o.Outcome == ImportOutcome.Updated) - updated);
    }

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
