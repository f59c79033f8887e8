using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using VeloConnect.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// PostgreSQL restarts in the middle of an import (stopped immediately, as in a crash, then started again on the same
/// port and data): the silo and the API reconnect by themselves and the import finishes exactly once. On a PostgreSQL
/// server of its own: the shared one serves every other test of this process.
/// </summary>
public sealed class PostgresRestartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Rows = 20_000;
    private const int RestartAfterRows = 2_000;
    private const string Database = "restart";

    private RestartablePostgres? _postgres;
    private SiloProcess? _silo;
    private WebApplicationFactory<Program>? _api;
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        _postgres = await RestartablePostgres.StartAsync(Database);
        var redis = await TestRedis.InstanceAsync();
        var settings = LocalCluster.Settings(_postgres.ConnectionString(Database), redis.ConnectionString, "pgrestart");
        SiloFaultSupport.NoticeSilenceQuickly(settings);
        settings["VeloConnect:Imports:BatchRows"] = "500";
        // The test's own reads take a new connection each: a pooled one would be cut by the restart.
        _dataSource = NpgsqlDataSource.Create(_postgres.ConnectionString(Database) + ";Pooling=false");
        _silo = await SiloProcess.StartAsync(settings);
        _api = SiloFaultSupport.Api(settings);
    }

    [Fact]
    public async Task An_import_survives_a_PostgreSQL_restart_and_finishes_exactly_once()
    {
        var (workspace, http) = await SiloFaultSupport.SignInAsync(_api!, _dataSource!, "Restart");
        var id = await http.UploadAndMapAsync(SiloFaultSupport.Csv(Rows));
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/imports/{id}/run", null)).StatusCode);
        await SiloFaultSupport.WaitForAsync(http, id, s => SiloFaultSupport.RowsDone(s) >= RestartAfterRows || SiloFaultSupport.Ended(s),
            TimeSpan.FromMinutes(3), $"The import did not reach {RestartAfterRows} rows");

        var watch = Stopwatch.StartNew();
        await _postgres!.StopImmediatelyAsync();
        var down = watch.Elapsed;
        await _postgres.StartAgainAsync();
        var up = watch.Elapsed;
        var state = await SiloFaultSupport.WaitForAsync(http, id, _ => true, TimeSpan.FromMinutes(1), "The API did not answer again after PostgreSQL restarted");
        Assert.True(SiloFaultSupport.Status(state) == "running" && SiloFaultSupport.RowsDone(state) < Rows,
            $"The import ended before PostgreSQL could be restarted under it: {state.ToJsonString()}");
        // Nothing committed was lost by the restart.
        Assert.True(SiloFaultSupport.RowsDone(state) >= RestartAfterRows, $"Committed progress was lost: {state.ToJsonString()}");
        var rowsAtRestart = SiloFaultSupport.RowsDone(state);

        var resumed = await SiloFaultSupport.WaitForAsync(http, id, s => SiloFaultSupport.RowsDone(s) > rowsAtRestart || SiloFaultSupport.Ended(s),
            TimeSpan.FromMinutes(2), "The import made no progress after PostgreSQL restarted");
        var progressAgain = watch.Elapsed;
        var done = await SiloFaultSupport.WaitForAsync(http, id, SiloFaultSupport.Ended, TimeSpan.FromMinutes(4), "The import did not finish after PostgreSQL restarted");
        output.WriteLine($"PostgreSQL stopped in {down.TotalSeconds:F1} s and accepted connections again {up.TotalSeconds:F1} s after the stop began; "
            + $"the import ({rowsAtRestart:N0} rows done) progressed again {progressAgain.TotalSeconds:F1} s after the stop began ({SiloFaultSupport.RowsDone(resumed):N0} rows)");
        Assert.True(_silo!.HasExited is false, $"The silo died with the database:\n{_silo.Output()}");
        await SiloFaultSupport.AssertFinishedExactlyOnceAsync(done, _dataSource!, workspace, id, Rows);
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync();
        }
    }
}
