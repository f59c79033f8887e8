using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Contracts.Exports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Notifications;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Jobs;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Exports;

/// <summary>
/// Writes one export file in the background of its activation. Contacts are read by one streamed query in the list's
/// order with their consent joined (<see cref="ContactQuery.StreamWithConsentAsync"/>, the list's filter SQL, so the
/// export selects exactly what the list shows, from one snapshot) and written as they arrive to a <c>.partial</c> file,
/// which becomes the export's file only once complete; every chunk of rows is flushed and its progress recorded.
/// Nothing but the current row and the writer's buffer is held in memory.
/// </summary>
public sealed partial class ExportJobGrain(
    ExportStore exports,
    ContactQuery query,
    FieldStore fields,
    WorkspaceStore workspaces,
    ExportEmail email,
    IOptions<ExportOptions> options,
    JobSupport<ExportJobGrain> support) : Grain, IExportJobGrain
{
    /// <summary>The job's kind in its trace's name and in the kept start traces.</summary>
    public const string TraceKind = "export";

    private readonly BackgroundRun _run = new();

    /// <summary>
    /// Started by the request that asks for the export (its trace is kept as what started the export), and again by a
    /// silo's cleanup when the export's job went silent (the first start's trace stays).
    /// </summary>
    public async Task StartAsync()
    {
        await support.RememberStartAsync(TraceKind, this.GetPrimaryKey(), replace: false);
        _run.EnsureStarted(RunAsync);
    }

    private async Task RunAsync()
    {
        var exportId = this.GetPrimaryKey();
        var export = await exports.GetByIdAsync(exportId);
        if (export is null || export.Status != ExportStatus.Running)
        {
            return;
        }

        var format = new KeyValuePair<string, object?>("format", ExportFormats.Name(export.Format));
        var watch = Stopwatch.StartNew();
        var directory = options.Value.ResolvedDirectory();
        var fileName = $"{exportId:N}.{ExportFormats.Name(export.Format)}";
        var partial = Path.Combine(directory, fileName + ".partial");
        var job = new JobRunInfo(TraceKind, exportId, $"Export {exportId}", ExportFormats.Name(export.Format), ExportTelemetry.Source, "export.id",
            cancellationToken => exports.BeatAsync(exportId, cancellationToken));
        await support.RunAsync(job, async run =>
        {
            run?.SetTag("export.format", ExportFormats.Name(export.Format));
            Directory.CreateDirectory(directory);
            var phases = new Phases();
            var (rows, bytes) = await WriteFileAsync(export, partial, phases);
            File.Move(partial, Path.Combine(directory, fileName), overwrite: true);
            phases.Finish.Start();
            await FinishAsync(export, rows, bytes, fileName);
            phases.Finish.Stop();
            ExportTelemetry.Bytes.Add(bytes, format);
            ExportTelemetry.Duration.Record(watch.Elapsed.TotalSeconds, format, new("outcome", "ready"));
            run?.SetTag("export.rows", rows);
            run?.SetTag("export.bytes", bytes);
            LogFinished(support.Logger, exportId, rows, bytes, watch.Elapsed.TotalSeconds, phases.Setup.Elapsed.TotalSeconds,
                phases.Progress.Elapsed.TotalSeconds, phases.Sync.Elapsed.TotalSeconds, phases.Finish.Elapsed.TotalSeconds);
        }, e =>
        {
            DeleteQuietly(partial);
            ExportTelemetry.Duration.Record(watch.Elapsed.TotalSeconds, format, new("outcome", "failed"));
            return FailAsync(export, e.Message);
        });
    }

    private async Task<(long Rows, long Bytes)> WriteFileAsync(ExportRecord export, string path, Phases phases)
    {
        phases.Setup.Start();
        var (workspaceId, exportId) = (export.WorkspaceId, export.Id);
        var fieldDefinitions = await fields.ListAsync(workspaceId);
        var agents = (await workspaces.ListUsersAsync(workspaceId)).ToDictionary(u => u.Id, u => u.Name);
        using (var count = ExportTelemetry.Start("export.query", exportId))
        {
            var total = await query.CountAsync(workspaceId, export.Filter);
            count?.SetTag("export.total_rows", total);
            await exports.StartAsync(exportId, total);
        }

        phases.Setup.Stop();

        var format = new KeyValuePair<string, object?>("format", ExportFormats.Name(export.Format));
        var chunkRows = options.Value.ChunkRows;
        long rows = 0;
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
        await using (var writer = ExportFileWriter.Create(export.Format, file, fieldDefinitions))
        {
            // One query for the whole export, written as its rows arrive; every chunk of rows is flushed and reported.
            // A chunk's progress update runs while the next chunk is read and written (one in flight, so they land in order).
            var chunk = 0;
            var progress = Task.CompletedTask;
            var write = ExportTelemetry.Start("export.write", exportId);
            try
            {
                await foreach (var (contact, consent) in query.StreamWithConsentAsync(workspaceId, export.Filter))
                {
                    writer.Write(new ExportContact(contact.Id, contact.Data, contact.Source, contact.CreatedAt, contact.LastActivityAt,
                        contact.Data.AssignedAgentId is { } agent ? agents.GetValueOrDefault(agent) : null, OptIns(consent)));
                    if (++chunk == chunkRows)
                    {
                        rows += await EndChunkAsync(chunk);
                        chunk = 0;
                        write = ExportTelemetry.Start("export.write", exportId);
                    }
                }

                rows += await EndChunkAsync(chunk);
                write = null;
                await AwaitProgressAsync();
            }
            catch
            {
                // The run fails with the read's or write's error; an update still in flight ends first (any error of its own is moot).
                await progress.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing | ConfigureAwaitOptions.ContinueOnCapturedContext);
                throw;
            }
            finally
            {
                write?.Dispose();
            }

            await writer.CompleteAsync();

            async Task<int> EndChunkAsync(int count)
            {
                await writer.FlushAsync();
                write?.SetTag("export.chunk.rows", count);
                write?.Dispose();
                ExportTelemetry.Rows.Add(count, format);
                await AwaitProgressAsync();
                progress = exports.ProgressAsync(exportId, rows + count);
                // The run lives in the background of this activation: keep it alive while there is work.
                DelayDeactivation(TimeSpan.FromMinutes(5));
                return count;
            }

            async Task AwaitProgressAsync()
            {
                phases.Progress.Start();
                await progress;
                phases.Progress.Stop();
            }
        }

        // On disk before the export can be "ready" (the file is closed, then renamed, then marked ready): a crash after
        // the ready commit can never leave a short file behind a download link.
        phases.Sync.Start();
        file.Flush(flushToDisk: true);
        phases.Sync.Stop();
        return (rows, file.Length);
    }

    /// <summary>
    /// Ready, audited and notified in one transaction (only the run that made the export ready announces it), then the
    /// email, which never fails the export.
    /// </summary>
    private async Task FinishAsync(ExportRecord export, long rows, long bytes, string fileName)
    {
        using var finish = ExportTelemetry.Start("export.finish", export.Id);
        var now = support.Clock.GetUtcNow();
        var expiresAt = now + options.Value.Retention;
        var what = string.Create(CultureInfo.InvariantCulture, $"{rows:N0} contact{(rows == 1 ? "" : "s")} as {ExportFormats.Name(export.Format).ToUpperInvariant()} ({Size(bytes)})");
        var notification = new NotificationText("export.ready", "Export ready",
            string.Create(CultureInfo.InvariantCulture, $"{what}. Download it before {expiresAt:yyyy-MM-dd HH:mm} UTC."), $"/api/exports/{export.Id}/download");
        if (await exports.FinishAsync(export, rows, bytes, fileName, now, expiresAt, notification))
        {
            await email.SendReadyAsync(export, what, expiresAt);
        }
    }

    /// <summary>Failed, audited and notified in one transaction, once, and only while the export is still running.</summary>
    private Task FailAsync(ExportRecord export, string error) =>
        exports.FailAsync(export, error, new NotificationText("export.failed", "Export failed",
            $"The export stopped ({error}). Start it again from the contact list; if it keeps failing, tell support the export id {export.Id}.",
            $"/api/exports/{export.Id}"));

    private static Dictionary<Channel, ExportOptIn> OptIns(IReadOnlyDictionary<Channel, ChannelConsent> consent) =>
        consent.ToDictionary(p => p.Key, p => new ExportOptIn(p.Value.Status, p.Value.SetAt, p.Value.Source));

    private static string Size(long bytes) => bytes switch
    {
        < 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:F1} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):F1} MB"),
    };

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // A file left behind is overwritten by the next run of this export, or never served (it is not the export's file).
        }
    }

    /// <summary>Where a run's time went besides reading and writing rows (the log line of its end).</summary>
    private sealed class Phases
    {
        public Stopwatch Setup { get; } = new();

        public Stopwatch Progress { get; } = new();

        public Stopwatch Sync { get; } = new();

        public Stopwatch Finish { get; } = new();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Export {ExportId} ready: {Rows} contacts, {Bytes} bytes in {Seconds:F2} s (setup and count {Setup:F2} s, "
        + "waiting for progress updates {Progress:F2} s, flush to disk {Sync:F2} s, finish {Finish:F2} s; the rest reading and writing)")]
    private static partial void LogFinished(ILogger logger, Guid exportId, long rows, long bytes, double seconds, double setup, double progress, double sync, double finish);
}
