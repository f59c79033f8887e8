using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Workflows.Telemetry;
using Xunit;
using Xunit.Abstractions;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// What an operator sees in the trace list (the silo's and the API's OpenTelemetry pipelines, sampler included): each job
/// is one trace named after it, with its phases as spans and its counts as tags, linked to the request that started it,
/// also when a silo resumes it; grain-timer callbacks and housekeeping are not recorded.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class JobTraceTests(ApiFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_import_is_one_trace_named_after_it_linked_to_the_request_that_started_it()
    {
        using var spans = new SpanRecorder();
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("name,phone\nAnn,+14155550701\nBob,+14155550702\nCid,+14155550703\n");
        var request = NewTraceContext();
        ws.Http.DefaultRequestHeaders.Add("traceparent", Traceparent(request));
        await ws.Http.RunToEndAsync(id);

        var root = await spans.WaitForRootAsync("import.id", id);
        Assert.Equal($"import {Guid.Parse(id).ToString("N")[..8]} (contacts.csv, 3 rows)", root.DisplayName);
        Assert.NotEqual(request.TraceId, root.TraceId);
        Assert.Contains(root.Links, link => link.Context.TraceId == request.TraceId);
        Assert.Equal(3, root.GetTagItem("import.added"));
        var phases = spans.Recorded.Where(a => a.TraceId == root.TraceId).Select(a => a.OperationName).ToHashSet();
        Assert.Superset(new HashSet<string> { "import.load", "import.merge-batch", "import.persist" }, phases);
    }

    [Fact]
    public async Task Rows_of_one_contact_in_batches_written_together_merge_in_file_order_each_batch_whole()
    {
        // Batches of 7 rows (the fixture's), two written while the next is planned. Each stored contact is met three
        // times, in three consecutive batches: by its phone, by its other phone, then by its email with a new phone.
        using var spans = new SpanRecorder();
        var ws = await fixture.NewWorkspaceAsync();
        var csv = new System.Text.StringBuilder("Name,Phone,Email,Tags\n");
        for (var i = 0; i < 7; i++)
        {
            await ws.Http.CreateContactAsync(new { name = $"Stored {i}", phones = new[] { $"+1415555{2100 + i}", $"+1415555{2200 + i}" }, email = $"s{i}@example.com", tags = new[] { "stored" } });
        }

        foreach (var (name, cells) in new[] { ("First", "+1415555{0},,first"), ("Second", "+1415555{1},,second"), ("Third", "+1415555{2},s{3}@example.com,third") })
        {
            for (var i = 0; i < 7; i++)
            {
                csv.Append(name).Append(' ').Append(i).Append(',')
                    .Append(string.Format(System.Globalization.CultureInfo.InvariantCulture, cells, 2100 + i, 2200 + i, 2300 + i, i)).Append('\n');
            }
        }

        var id = await ws.Http.UploadAndMapAsync(csv.ToString());
        var review = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);

        Assert.Equal((0, 21, 0, 0), ImportTestSupport.Counts(review));
        Assert.Equal((0, 21, 0, 0), ImportTestSupport.Counts(done));
        for (var i = 0; i < 7; i++)
        {
            var contact = await ws.Http.ContactByPhoneAsync($"+1415555{2300 + i}");
            Assert.Equal($"Third {i}", contact["name"]!.GetValue<string>());
            Assert.Equal(["first", "second", "stored", "third"], contact["tags"]!.AsArray().Select(t => t!.GetValue<string>()).Order(StringComparer.Ordinal));
            Assert.Equal([$"+1415555{2100 + i}", $"+1415555{2200 + i}", $"+1415555{2300 + i}"],
                contact["phones"]!.AsArray().Select(p => p!.GetValue<string>()).Order(StringComparer.Ordinal));
        }

        // The third batch was planned while the first two were in flight; the second and third each waited for the
        // batch before (they read its contacts) and were written whole, not row by row.
        var root = await spans.WaitForRootAsync("import.id", id);
        var trace = spans.Recorded.Where(a => a.TraceId == root.TraceId).ToList();
        Assert.Contains(trace, a => a.OperationName == "import.merge-batch" && Equals(a.GetTagItem("import.batch.after"), 2));
        var persisted = trace.Where(a => a.OperationName == "import.persist").OrderBy(a => a.GetTagItem("import.batch.first_row")).ToList();
        Assert.Equal(["Written", "Written", "Written"], persisted.Select(a => a.GetTagItem("import.batch.outcome")));
        Assert.Equal([false, true, true], persisted.Select(a => a.GetTagItem("import.batch.waited")));
    }

    [Fact]
    public async Task A_resumed_import_links_to_the_request_that_started_it_before()
    {
        using var spans = new SpanRecorder();
        var ws = await fixture.NewWorkspaceAsync();
        var id = Guid.Parse(await ws.Http.UploadAndMapAsync("name,phone\nAnn,+14155550711\nBob,+14155550712\n"));
        // As if a request had started it on a silo that died before its job ran: running, its start kept, no job.
        var request = NewTraceContext();
        Assert.True(await new ImportStore(fixture.DataSource).MarkRunningAsync(id));
        await new JobTraceStore(fixture.DataSource).RememberAsync("import", id, Traceparent(request), replace: false);

        // The supervisor's way, outside any trace.
        Activity.Current = null;
        await fixture.ApiServices.GetRequiredService<IClusterClient>().GetGrain<IImportJobGrain>(id).ResumeAsync();

        var root = await spans.WaitForRootAsync("import.id", id.ToString());
        Assert.StartsWith($"import {id.ToString("N")[..8]} (", root.DisplayName);
        Assert.NotEqual(request.TraceId, root.TraceId);
        Assert.Contains(root.Links, link => link.Context.TraceId == request.TraceId && link.Context.SpanId == request.SpanId);
        Assert.Contains(spans.Recorded, a => a.TraceId == root.TraceId && a.OperationName == "import.persist");
    }

    [Fact]
    public async Task An_export_is_one_trace_named_after_it_linked_to_the_request_that_started_it()
    {
        using var spans = new SpanRecorder();
        var ws = await fixture.NewWorkspaceAsync();
        await ws.Http.CreateContactAsync(new { name = "Ann", phones = new[] { "+14155550721" } });
        var request = NewTraceContext();
        ws.Http.DefaultRequestHeaders.Add("traceparent", Traceparent(request));
        var id = (await ws.Http.ExportToEndAsync("format=csv"))["id"]!.GetValue<string>();

        var root = await spans.WaitForRootAsync("export.id", id);
        Assert.Equal($"export {Guid.Parse(id).ToString("N")[..8]} (csv)", root.DisplayName);
        Assert.Contains(root.Links, link => link.Context.TraceId == request.TraceId);
        Assert.Equal(1L, root.GetTagItem("export.rows"));
        Assert.Contains(spans.Recorded, a => a.TraceId == root.TraceId && a.OperationName == "export.write");
    }

    [Fact]
    public async Task A_revert_is_one_trace_named_after_it_linked_to_the_request_that_asked_for_it()
    {
        using var spans = new SpanRecorder();
        var ws = await fixture.NewWorkspaceAsync();
        var id = await ws.Http.UploadAndMapAsync("name,phone\nAnn,+14155550731\nBob,+14155550732\n");
        await ws.Http.RunToEndAsync(id);
        var request = NewTraceContext();
        ws.Http.DefaultRequestHeaders.Add("traceparent", Traceparent(request));
        Assert.Equal(HttpStatusCode.Accepted, (await ws.Http.PostAsync($"/api/imports/{id}/revert", null)).StatusCode);
        await ImportRevertTests.WaitForRevertAsync(ws.Http, id);

        var root = await spans.WaitForRootAsync("import.id", id, "revert ");
        Assert.Equal($"revert {Guid.Parse(id).ToString("N")[..8]} (contacts.csv)", root.DisplayName);
        Assert.Contains(root.Links, link => link.Context.TraceId == request.TraceId);
        Assert.Equal(2, root.GetTagItem("import.revert.deleted"));
        Assert.Contains(spans.Recorded, a => a.TraceId == root.TraceId && a.OperationName == "import.revert-chunk");
    }

    [Fact]
    public async Task Grain_timer_callbacks_and_housekeeping_are_not_recorded()
    {
        using var spans = new SpanRecorder();
        // Orleans' timers tick every second or so, the supervisors' rounds every few seconds: wait until both were seen.
        var deadline = DateTime.UtcNow + Patience;
        while (!(spans.Stopped.Any(IsGrainTimer) && spans.Stopped.Any(a => a.OperationName == JobTelemetry.HousekeepingName)))
        {
            Assert.True(DateTime.UtcNow < deadline, "No grain-timer callback or housekeeping round was seen: " + string.Join(", ", spans.Stopped.Select(a => a.DisplayName).Distinct()));
            await Task.Delay(100);
        }

        output.WriteLine($"Seen: {spans.Stopped.Count(IsGrainTimer)} grain-timer callbacks, {spans.Stopped.Count(a => a.OperationName == JobTelemetry.HousekeepingName)} housekeeping spans; recorded: {spans.Recorded.Count()} spans");
        Assert.DoesNotContain(spans.Recorded, IsGrainTimer);
        Assert.DoesNotContain(spans.Recorded, a => a.OperationName == JobTelemetry.HousekeepingName);
        // Nothing under a housekeeping span either (the supervisors' queries and grain calls).
        var housekeeping = spans.Stopped.Where(a => a.OperationName == JobTelemetry.HousekeepingName).Select(a => a.TraceId).ToHashSet();
        Assert.DoesNotContain(spans.Recorded, a => housekeeping.Contains(a.TraceId));
    }

    private static bool IsGrainTimer(Activity a) => a.DisplayName.Contains("IGrainTimerInvoker", StringComparison.Ordinal);

    private static ActivityContext NewTraceContext() => new(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);

    private static string Traceparent(ActivityContext context) => $"00-{context.TraceId}-{context.SpanId}-01";

    /// <summary>
    /// Sees every span of this process as it ends, without voting on which are recorded (the pipelines' samplers decide):
    /// the recorded ones are what the exporters send.
    /// </summary>
    private sealed class SpanRecorder : IDisposable
    {
        private readonly ActivityListener _listener;

        public SpanRecorder()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = _ => true,
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.None,
                ActivityStopped = Stopped.Enqueue,
            };
            ActivitySource.AddActivityListener(_listener);
        }

        public ConcurrentQueue<Activity> Stopped { get; } = new();

        public IEnumerable<Activity> Recorded => Stopped.Where(a => a.Recorded);

        /// <summary>The recorded root span of the job whose id tag is <paramref name="id"/>, once it has ended.</summary>
        public async Task<Activity> WaitForRootAsync(string idTag, string id, string kind = "")
        {
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                if (Recorded.FirstOrDefault(a => a.ParentSpanId == default && Equals(a.GetTagItem(idTag), id) && a.DisplayName.StartsWith(kind, StringComparison.Ordinal)) is { } root)
                {
                    return root;
                }

                Assert.True(DateTime.UtcNow < deadline, $"No root span for {idTag} {id}: "
                    + string.Join(", ", Stopped.Where(a => Equals(a.GetTagItem(idTag), id)).Select(a => $"{a.DisplayName} (parent {a.ParentSpanId}, recorded {a.Recorded})")));
                await Task.Delay(50);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
