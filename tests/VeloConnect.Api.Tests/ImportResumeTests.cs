using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Silos die during an import: the job is resumed by a live silo and finishes with every row counted exactly once.
/// Its own cluster (two silos, then a third) on its own database, so stopping silos disturbs no other test.
/// </summary>
public sealed class ImportResumeTests : IAsyncLifetime
{
    // With the 50 duplicates and 50 invalid rows below, a file of 50,000 data rows: the most the wizard takes.
    private const int Rows = 49_900;
    private readonly List<WebApplication> _silos = [];
    private Dictionary<string, string?> _shared = [];
    private WebApplicationFactory<Program>? _api;
    private NpgsqlDataSource? _dataSource;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("resume");
        var redis = await TestRedis.InstanceAsync();
        _dataSource = NpgsqlDataSource.Create(connectionString);
        _shared = LocalCluster.Settings(connectionString, redis.ConnectionString, "resume");
        // A stopped job is noticed after a few seconds of silence instead of thirty.
        _shared["VeloConnect:Imports:ResumeAfterSilence"] = "00:00:03";
        _shared["VeloConnect:Imports:SupervisorInterval"] = "00:00:01";
        // Small batches: the job takes long enough to be stopped in the middle, twice.
        _shared["VeloConnect:Imports:BatchRows"] = "500";
        await StartSiloAsync();
        await StartSiloAsync();
        _api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in _shared)
            {
                web.UseSetting(key, value);
            }
        });
        _ = _api.Server;
    }

    [Fact]
    public async Task Silos_stopped_mid_import_leave_every_row_counted_exactly_once()
    {
        var (workspace, _, key) = await new WorkspaceStore(_dataSource!).CreateWorkspaceAsync("Resume", "US", "Agent", null);
        var http = _api!.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var csv = new StringBuilder("Name,Phone,Email,Tags\n");
        for (var i = 0; i < Rows; i++)
        {
            csv.Append($"Person {i},+1415{2_000_000 + i},p{i}@example.com,resume\n");
        }

        // 50 rows that duplicate earlier ones and 50 invalid ones, so every outcome is counted across the restarts.
        for (var i = 0; i < 50; i++)
        {
            csv.Append($"Again {i},+1415{2_000_000 + i},,\n").Append($"Broken {i},123,,\n");
        }

        var id = await http.UploadAndMapAsync(csv.ToString());
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/api/imports/{id}/run", null)).StatusCode);

        // Twice, once the job has made progress: find the silo its grain lives on and stop exactly that one, while the
        // import is still running (a fresh silo joins first, so the cluster never runs out of silos).
        for (var round = 0; round < 2; round++)
        {
            await WaitForProgressAsync(http, id, (round + 1) * Rows / 4);
            await StartSiloAsync();
            var host = await JobHostAsync(Guid.Parse(id));
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            Assert.True(state["status"]!.GetValue<string>() == "running", $"The import ended before round {round + 1} could stop its silo: {state.ToJsonString()}");
            _silos.Remove(host);
            await host.StopAsync();
            await host.DisposeAsync();
        }

        var done = await WaitForEndAsync(http, id);
        Assert.Equal((Rows, 0, 50, 50), ImportTestSupport.Counts(done));
        await using var contacts = _dataSource!.CreateCommand("select count(*), count(distinct phones[1]) from contacts where workspace_id = @ws");
        contacts.Parameters.AddWithValue("ws", workspace.Id);
        await using var reader = await contacts.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(Rows, reader.GetInt64(0));
        Assert.Equal(Rows, reader.GetInt64(1));
        await using var rows = _dataSource.CreateCommand("select count(*) from import_rows where import_id = @id");
        rows.Parameters.AddWithValue("id", Guid.Parse(id));
        Assert.Equal((long)Rows + 100, await rows.ExecuteScalarAsync());
    }

    public async Task DisposeAsync()
    {
        await LocalCluster.StopAsync(_api, _silos);
        if (_dataSource is not null)
        {
            await _dataSource.DisposeAsync();
        }
    }

    private async Task StartSiloAsync() => _silos.Add(await LocalCluster.StartSiloAsync(_shared));

    /// <summary>The silo the import's job grain is active on (waiting for it to be active again after a stop).</summary>
    private async Task<WebApplication> JobHostAsync(Guid importId)
    {
        var client = _api!.Services.GetRequiredService<IClusterClient>();
        var grain = client.GetGrain<IImportJobGrain>(importId).GetGrainId();
        WebApplication? host = null;
        await LocalServer.WaitUntilAsync(async () =>
        {
            var active = await client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
            var address = active.FirstOrDefault(g => g.GrainId == grain)?.SiloAddress;
            host = _silos.FirstOrDefault(s => s.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Equals(address));
            return host is not null;
        }, TimeSpan.FromMinutes(1), () => $"The job grain of import {importId} is not active on any running silo.");
        return host!;
    }

    private static async Task WaitForProgressAsync(HttpClient http, string id, int rows)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(3);
        while (true)
        {
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            if (state["progress"]!["rowsDone"]!.GetValue<int>() >= rows || state["status"]!.GetValue<string>() != "running")
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"No progress to {rows} rows: {state.ToJsonString()}");
            await Task.Delay(100);
        }
    }

    private static async Task<System.Text.Json.Nodes.JsonObject> WaitForEndAsync(HttpClient http, string id)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(5);
        while (true)
        {
            var state = await ReadAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            var status = state["status"]!.GetValue<string>();
            if (status is "finished" or "failed")
            {
                Assert.True(status == "finished", state.ToJsonString());
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Import did not finish: {state.ToJsonString()}");
            await Task.Delay(200);
        }
    }
}
