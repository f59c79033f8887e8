using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Jobs;
using VeloConnect.Grains.Imports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// The uploaded file of an import (personal data, up to 256 MB) is deleted by the supervisor once the import's undo window
/// has passed, by the supervisor's clock (an injected TimeProvider set days ahead); the import's record and rows stay.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ImportFilePurgeTests(ApiFixture fixture)
{
    private ImportSupervisor Supervisor(DateTimeOffset now) => new(
        new ImportStore(fixture.DataSource), new ImportRevertStore(fixture.DataSource), new JobTraceStore(fixture.DataSource),
        fixture.ApiServices.GetRequiredService<Orleans.IClusterClient>(), new FixedClock(now),
        fixture.ApiServices.GetRequiredService<IOptions<ImportOptions>>(), fixture.ApiServices.GetRequiredService<IOptions<JobLivenessOptions>>(),
        NullLogger<ImportSupervisor>.Instance);

    private async Task<long> CountAsync(string sql, Guid id)
    {
        await using var command = fixture.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("id", id);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task The_file_is_deleted_after_the_undo_window_and_the_import_and_its_rows_stay()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var done = await ws.Http.ImportAsync("Name,Phone\nAnn,+14155550181\nBob,not a phone\n");
        var id = Guid.Parse(done["id"]!.GetValue<string>());
        var finishedAt = done["finishedAt"]!.GetValue<DateTimeOffset>();
        var rows = await CountAsync("select count(*) from import_rows where import_id = @id", id);
        Assert.Equal(2L, rows);

        // Inside the window (a second before it ends): kept, and the error report still reads it.
        await Supervisor(finishedAt + ImportRevertStore.Window - TimeSpan.FromSeconds(1)).PurgeAsync();
        Assert.Equal(1L, await CountAsync("select count(*) from import_files where import_id = @id", id));
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.GetAsync($"/api/imports/{id}/errors.csv")).StatusCode);

        // Past it: the bytes are gone, the import and its rows are not.
        await Supervisor(finishedAt + ImportRevertStore.Window + TimeSpan.FromSeconds(1)).PurgeAsync();
        Assert.Equal(0L, await CountAsync("select count(*) from import_files where import_id = @id", id));
        Assert.Equal(rows, await CountAsync("select count(*) from import_rows where import_id = @id", id));
        var import = await ReadAsync(await ws.Http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
        Assert.Equal(done["counts"]!.ToJsonString(), import["counts"]!.ToJsonString());

        // The error report, which needs the file, says why it cannot be had any more.
        var report = await ws.Http.GetAsync($"/api/imports/{id}/errors.csv");
        Assert.Equal(HttpStatusCode.Gone, report.StatusCode);
        Assert.Contains("undo window", await report.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
