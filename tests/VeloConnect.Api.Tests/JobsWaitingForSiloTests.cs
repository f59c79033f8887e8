using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Imports;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// An import's revert and an export whose only silo died: their answers say they wait for a silo, since when, instead
/// of plain "running"; once the silo is started again they resume and end. (The import itself: <see cref="ImportResumeTests"/>.)
/// </summary>
public sealed class JobsWaitingForSiloTests : IAsyncLifetime
{
    private Dictionary<string, string?> _shared = [];
    private SiloProcess? _silo;
    private SiloProcess? _restarted;
    private WebApplicationFactory<Program>? _api;
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("waiting");
        var redis = await TestRedis.InstanceAsync();
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "waiting");
        SiloFaultSupport.NoticeSilenceQuickly(_shared);
        _shared["VeloConnect:Exports:Directory"] = Directory.CreateTempSubdirectory("veloconnect-exports-").FullName;
        _silo = await SiloProcess.StartAsync(_shared);
        _api = SiloFaultSupport.Api(_shared);
    }

    [Fact]
    public async Task A_revert_and_an_export_whose_silo_died_say_waiting_for_a_silo_and_end_once_a_silo_is_back()
    {
        var (workspace, user, http) = await SiloFaultSupport.SignInAsUserAsync(_api!, _dataSource!, "Waiting");
        var imported = await http.ImportAsync("Name,Phone\nAda,+14155550101\nBea,+14155550102\nCy,+14155550103\n");
        Assert.Equal((3, 0, 0, 0), ImportTestSupport.Counts(imported));
        var importId = Guid.Parse(imported["id"]!.GetValue<string>());

        // The silo dies just as it took on a revert and an export (both running, neither ever reported again).
        await _silo!.KillAsync();
        var import = (await new ImportStore(_dataSource!).GetByIdAsync(importId))!;
        Assert.True(await new ImportRevertStore(_dataSource!).CreateAsync(import, user));
        var exportId = Guid.NewGuid();
        await new ExportStore(_dataSource!).CreateAsync(new ExportRecord(exportId, workspace, user, ExportFormat.Csv, ContactFilter.None,
            JsonSerializer.SerializeToElement(new { }), ExportStatus.Running, null, 0, null, null, DateTimeOffset.UtcNow, null, null, null));
        var startedAt = DateTimeOffset.UtcNow;

        var revert = await SiloFaultSupport.WaitForAnswerAsync(http, $"/api/imports/{importId}/revert", WaitingForSilo, TimeSpan.FromSeconds(30),
            "The revert did not say it was waiting for a silo");
        AssertWaitingSince(revert, startedAt);
        var export = await SiloFaultSupport.WaitForAnswerAsync(http, $"/api/exports/{exportId}", WaitingForSilo, TimeSpan.FromSeconds(30),
            "The export did not say it was waiting for a silo");
        AssertWaitingSince(export, startedAt);
        var listed = JsonNode.Parse(await http.GetStringAsync("/api/exports"))!.AsArray().Single(e => e!["id"]!.GetValue<string>() == exportId.ToString())!;
        Assert.True(listed["waitingForSilo"]!.GetValue<bool>(), listed.ToJsonString());

        // The silo starts again: its supervisors resume the revert and start the export again.
        _restarted = await _silo.StartAgainAsync();
        revert = await SiloFaultSupport.WaitForAnswerAsync(http, $"/api/imports/{importId}/revert", s => s["status"]!.GetValue<string>() != "running",
            TimeSpan.FromMinutes(1), "The revert did not end once the silo was back");
        Assert.True(revert["status"]!.GetValue<string>() == "finished" && !revert["waitingForSilo"]!.GetValue<bool>(), revert.ToJsonString());
        Assert.Equal(3, revert["counts"]!["deleted"]!.GetValue<int>());
        export = await SiloFaultSupport.WaitForAnswerAsync(http, $"/api/exports/{exportId}", s => s["status"]!.GetValue<string>() != "running",
            TimeSpan.FromMinutes(1), "The export did not end once the silo was back");
        Assert.True(export["status"]!.GetValue<string>() == "ready" && !export["waitingForSilo"]!.GetValue<bool>(), export.ToJsonString());
    }

    public async Task DisposeAsync()
    {
        if (_api is not null)
        {
            await _api.DisposeAsync();
        }

        foreach (var silo in new[] { _silo, _restarted })
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }

        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private static bool WaitingForSilo(JsonObject state) => state["waitingForSilo"]?.GetValue<bool>() == true || state["status"]!.GetValue<string>() != "running";

    private static void AssertWaitingSince(JsonObject state, DateTimeOffset startedAt)
    {
        Assert.True(state["status"]!.GetValue<string>() == "running" && state["waitingForSilo"]!.GetValue<bool>(), state.ToJsonString());
        Assert.InRange(state["stalledAt"]!.GetValue<DateTimeOffset>(), startedAt - TimeSpan.FromSeconds(5), startedAt);
    }
}
