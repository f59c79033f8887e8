using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VeloConnect.Contracts.Imports;
using VeloConnect.TestSupport;
using Xunit;
using Xunit.Abstractions;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Silos die during an import: stopped gracefully (their grains deactivate), or killed hard as a crash kills a process
/// (no deactivation, no goodbye to the cluster). The job is resumed by a live silo, or by the next one to start, and
/// finishes with every row counted exactly once; while no silo runs it, the import says it is waiting for a silo.
/// Each test has its own cluster on its own database, so stopping and killing silos disturbs no other test.
/// </summary>
public sealed class ImportResumeTests(ITestOutputHelper output) : IAsyncLifetime
{
    // With the 50 duplicates and 50 invalid rows below, a file of 50,000 data rows: the most the wizard takes.
    private const int Rows = 49_900;

    // The hard-kill tests need fewer: the kill comes after the first few batches.
    private const int KillRows = 20_000;
    private const int KillAfterRows = 2_000;

    private readonly List<WebApplication> _silos = [];
    private readonly List<SiloProcess> _siloProcesses = [];
    private Dictionary<string, string?> _shared = [];
    private WebApplicationFactory<Program>? _api;
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("resume");
        var redis = await TestRedis.InstanceAsync();
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "resume");
        // A stopped job is noticed after a few seconds of silence instead of fifteen.
        SiloFaultSupport.NoticeSilenceQuickly(_shared);
        // Small batches: the job takes long enough to be stopped in the middle, twice.
        _shared["VeloConnect:Imports:BatchRows"] = "500";
    }

    [Fact]
    public async Task Silos_stopped_mid_import_leave_every_row_counted_exactly_once()
    {
        await StartSiloAsync();
        await StartSiloAsync();
        _api = SiloFaultSupport.Api(_shared);
        var (workspace, http) = await SiloFaultSupport.SignInAsync(_api, _dataSource!, "Resume");
        var id = await http.UploadAndMapAsync(SiloFaultSupport.Csv(Rows));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/imports/{id}/run", null)).StatusCode);

        // Twice, once the job has made progress: find the silo its grain lives on and stop exactly that one, while the
        // import is still running (a fresh silo joins first, so the cluster never runs out of silos).
        for (var round = 0; round < 2; round++)
        {
            await WaitForProgressAsync(http, id, (round + 1) * Rows / 4);
            await StartSiloAsync();
            var port = await JobSiloPortAsync(Guid.Parse(id), _silos.Select(SiloPortOf));
            var host = _silos.Single(s => SiloPortOf(s) == port);
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            Assert.True(state["status"]!.GetValue<string>() == "running", $"The import ended before round {round + 1} could stop its silo: {state.ToJsonString()}");
            _silos.Remove(host);
            await host.StopAsync();
            await host.DisposeAsync();
        }

        var done = await WaitForEndAsync(http, id);
        await SiloFaultSupport.AssertFinishedExactlyOnceAsync(done, _dataSource!, workspace, id, Rows);
    }

    [Fact]
    public async Task A_silo_killed_hard_mid_batch_is_taken_over_by_another_and_every_row_is_counted_exactly_once()
    {
        _siloProcesses.Add(await SiloProcess.StartAsync(_shared));
        _siloProcesses.Add(await SiloProcess.StartAsync(_shared));
        _api = SiloFaultSupport.Api(_shared);
        var (workspace, http) = await SiloFaultSupport.SignInAsync(_api, _dataSource!, "Killed");
        var id = await http.UploadAndMapAsync(SiloFaultSupport.Csv(KillRows));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/imports/{id}/run", null)).StatusCode);

        // Once the job has written a few batches, the process of the silo its grain lives on is killed (SIGKILL), while
        // the job is in the middle of the file.
        await WaitForProgressAsync(http, id, KillAfterRows);
        var port = await JobSiloPortAsync(Guid.Parse(id), _siloProcesses.Select(s => s.SiloPort));
        var host = _siloProcesses.Single(s => s.SiloPort == port);
        await host.KillAsync();
        var killed = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.True(SiloFaultSupport.Status(killed) == "running" && SiloFaultSupport.RowsDone(killed) < KillRows,
            $"The import ended before its silo could be killed: {killed.ToJsonString()}");
        output.WriteLine($"Killed silo {host.ProcessId} (port {port}) at {SiloFaultSupport.RowsDone(killed):N0} rows");

        // The other silo's supervisor resumes the silent job.
        var done = await SiloFaultSupport.WaitForAsync(http, id, SiloFaultSupport.Ended, TimeSpan.FromMinutes(4), "The import did not finish on the silo left");
        await SiloFaultSupport.AssertFinishedExactlyOnceAsync(done, _dataSource!, workspace, id, KillRows);
    }

    [Fact]
    public async Task With_its_only_silo_killed_an_import_says_waiting_for_a_silo_since_it_stalled_and_resumes_when_a_silo_starts()
    {
        _siloProcesses.Add(await SiloProcess.StartAsync(_shared));
        _api = SiloFaultSupport.Api(_shared);
        var (workspace, http) = await SiloFaultSupport.SignInAsync(_api, _dataSource!, "Alone");
        var id = await http.UploadAndMapAsync(SiloFaultSupport.Csv(KillRows));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/imports/{id}/run", null)).StatusCode);
        var running = await SiloFaultSupport.WaitForAsync(http, id, s => SiloFaultSupport.RowsDone(s) >= KillAfterRows || SiloFaultSupport.Ended(s),
            TimeSpan.FromMinutes(3), $"The import did not reach {KillAfterRows} rows");
        Assert.False(running["waitingForSilo"]?.GetValue<bool>() ?? false, $"A job that reports is not waiting: {running.ToJsonString()}");

        var killedAt = DateTimeOffset.UtcNow;
        await _siloProcesses[0].KillAsync();
        var watch = Stopwatch.StartNew();
        var stalled = await SiloFaultSupport.WaitForAsync(http, id, s => s["waitingForSilo"]?.GetValue<bool>() == true || SiloFaultSupport.Ended(s),
            TimeSpan.FromSeconds(60), "The import did not say it was waiting for a silo");
        var noticed = watch.Elapsed;
        Assert.Equal("running", SiloFaultSupport.Status(stalled));
        var stalledAt = stalled["stalledAt"]!.GetValue<DateTimeOffset>();
        // Its job's last sign of life: before the kill, and no older than a heartbeat interval and a batch before it.
        Assert.InRange(stalledAt, killedAt - TimeSpan.FromSeconds(10), killedAt + TimeSpan.FromSeconds(1));
        var rowsAtStall = SiloFaultSupport.RowsDone(stalled);
        Assert.True(rowsAtStall < KillRows + SiloFaultSupport.Duplicates + SiloFaultSupport.Invalid, stalled.ToJsonString());
        // The history says the same.
        var listed = (await ReadArrayAsync(await http.GetAsync("/api/imports"))).Single(i => i!["id"]!.GetValue<string>() == id)!;
        Assert.True(listed["waitingForSilo"]!.GetValue<bool>(), listed.ToJsonString());
        Assert.Equal(stalledAt, listed["stalledAt"]!.GetValue<DateTimeOffset>());

        // The silo starts again, as the AppHost restarts a crashed one (same settings and ports): it resumes the job where it stopped.
        watch.Restart();
        _siloProcesses.Add(await _siloProcesses[0].StartAgainAsync());
        var joined = watch.Elapsed;
        var resumed = await SiloFaultSupport.WaitForAsync(http, id, s => SiloFaultSupport.RowsDone(s) > rowsAtStall || SiloFaultSupport.Ended(s),
            TimeSpan.FromMinutes(2), "The import did not resume on the new silo");
        var resumedAfter = watch.Elapsed;
        Assert.False(resumed["waitingForSilo"]!.GetValue<bool>(), resumed.ToJsonString());
        output.WriteLine($"Killed at {rowsAtStall:N0} rows; waiting for a silo shown {noticed.TotalSeconds:F1} s after the kill (stalled at {stalledAt:O}); "
            + $"the new silo was active {joined.TotalSeconds:F1} s after its start and the import resumed {resumedAfter.TotalSeconds:F1} s after its start");

        var done = await SiloFaultSupport.WaitForAsync(http, id, SiloFaultSupport.Ended, TimeSpan.FromMinutes(4), "The import did not finish on the new silo");
        await SiloFaultSupport.AssertFinishedExactlyOnceAsync(done, _dataSource!, workspace, id, KillRows);
    }

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silos);
        foreach (var silo in _siloProcesses)
        {
            await silo.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private async Task StartSiloAsync() => _silos.Add(await LocalCluster.StartSiloAsync(_shared));

    private static int SiloPortOf(WebApplication silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.Port;

    /// <summary>The silo port of the silo the import's job grain is active on (waiting for it to be active again after a stop).</summary>
    private async Task<int> JobSiloPortAsync(Guid importId, IEnumerable<int> running)
    {
        var client = _api!.Services.GetRequiredService<IClusterClient>();
        var grain = client.GetGrain<IImportJobGrain>(importId).GetGrainId();
        var ports = running.ToHashSet();
        int? port = null;
        await LocalServer.WaitUntilAsync(async () =>
        {
            var active = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            port = active.FirstOrDefault(g => g.GrainId == grain)?.SiloAddress.Endpoint.Port;
            return port is { } p && ports.Contains(p);
        }, TimeSpan.FromMinutes(1), () => $"The job grain of import {importId} is not active on any running silo.");
        return port!.Value;
    }

    private static async Task<System.Text.Json.Nodes.JsonArray> ReadArrayAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsArray();
    }

    private static Task WaitForProgressAsync(HttpClient http, string id, int rows) =>
        SiloFaultSupport.WaitForAsync(http, id, s => SiloFaultSupport.RowsDone(s) >= rows || SiloFaultSupport.Status(s) != "running",
            TimeSpan.FromMinutes(3), $"No progress to {rows} rows");

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitForEndAsync(HttpClient http, string id)
    {
        var done = await SiloFaultSupport.WaitForAsync(http, id, SiloFaultSupport.Ended, TimeSpan.FromMinutes(5), "The import did not finish");
        Assert.True(SiloFaultSupport.Status(done) == "finished", done.ToJsonString());
        return done;
    }
}
