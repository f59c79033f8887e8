using System.Diagnostics;
using Npgsql;
using VeloConnect.Bench.Support;
using VeloConnect.TestSupport;
using static VeloConnect.Bench.Support.BenchConsole;

namespace VeloConnect.Bench.Import;

/// <summary>
/// The import benchmark (bench/README.md). Prints a line describing the machine, then one line per measure whose last
/// field is the ratio of the measure to its baseline or goal, e.g. <c>import-50k-new: 2.41 s, baseline 0.47 s, ratio 5.1</c>.
/// Everything else (logs, failures) goes to stderr; a failed measure ends the run with exit code 1.
/// </summary>
public static class BenchProgram
{
    private const double ReviewGoalSeconds = 1.0;
    private const double PeakMemoryGoalMegabytes = 400;
    private const int BaselineRuns = 3;
    private const string Usage = "usage: dotnet run -c Release --project bench/VeloConnect.Bench.Import [-- --rows 50000] [--warmup 500] [--timeout 150] [--environment Production]";

    public static Task<int> Main(string[] args) =>
        MainAsync(args, new BenchOptions(50_000, 500, 150, "Production"), Usage, [], RunAsync);

    private static async Task<int> RunAsync(BenchOptions options, Action<Stack?> started)
    {
        var n = options.Rows;
        var label = Label(n);
        var rows = BenchData.Rows(n, 2_000_000, "user");
        var again = BenchData.Again(rows);
        var csvNew = BenchData.Csv(rows);
        var csvAgain = BenchData.Csv(again);

        // The baseline: the same rows, PostgreSQL's own way, on the same server in a database of its own.
        var baselineConnection = await TestPostgres.CreateDatabaseAsync("bench_baseline");
        double baselineNew, baselineMerge;
        string serverVersion;
        await using (var baselineData = NpgsqlDataSource.Create(baselineConnection))
        {
            await using (var version = baselineData.CreateCommand("show server_version"))
            {
                serverVersion = (string)(await version.ExecuteScalarAsync())!;
            }

            var baseline = new UpsertBaseline(baselineData);
            await baseline.CreateTableAsync();
            baselineNew = (await baseline.NewAsync(BenchData.ForBaseline(rows), BaselineRuns)).TotalSeconds;
            baselineMerge = (await baseline.MergeAsync(BenchData.ForBaseline(rows), BenchData.ForBaseline(again), BaselineRuns)).TotalSeconds;
        }

        // For the diagnosis, not the goal: the same rows PostgreSQL's own way into VeloConnect's own tables.
        double schemaNew, schemaMerge;
        await using (var schemaData = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("bench_schema")))
        {
            var (created, merged) = await new SchemaBaseline(schemaData).MeasureAsync(rows, again, BaselineRuns);
            (schemaNew, schemaMerge) = (created.TotalSeconds, merged.TotalSeconds);
        }

        // On stderr too, so a run that fails later still shows them.
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: baseline for {n} rows (median of {BaselineRuns}): new {baselineNew:0.000} s, merge {baselineMerge:0.000} s"));

        PrintMachine(serverVersion, options.Environment, n);

        var stack = await Stack.StartAsync(options.Environment);
        started(stack);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

        if (options.WarmupRows > 0)
        {
            // JIT and first connections, in a workspace of its own, through every step the measures use.
            var warmRows = BenchData.Rows(options.WarmupRows, 3_000_000, "warm");
            var warm = new ImportDriver(await stack.NewWorkspaceClientAsync("Bench warm-up"), timeout);
            var first = await warm.UploadAndMapAsync(BenchData.Csv(warmRows), "warm-up.csv");
            ImportDriver.CheckCounts("warm-up review (new)", await warm.ReviewAsync(first), options.WarmupRows, 0);
            ImportDriver.CheckCounts("warm-up import (new)", await warm.RunToEndAsync(first), options.WarmupRows, 0);
            var second = await warm.UploadAndMapAsync(BenchData.Csv(BenchData.Again(warmRows)), "warm-up-again.csv");
            ImportDriver.CheckCounts("warm-up review (update)", await warm.ReviewAsync(second), 0, options.WarmupRows);
            ImportDriver.CheckCounts("warm-up import (update)", await warm.RunToEndAsync(second), 0, options.WarmupRows);
        }

        var driver = new ImportDriver(await stack.NewWorkspaceClientAsync("Bench"), timeout);

        // All new: upload, mapping, run, until the import reads finished.
        var clock = Stopwatch.StartNew();
        var firstId = await driver.UploadAndMapAsync(csvNew, $"bench-{label}.csv");
        var firstDone = await driver.RunToEndAsync(firstId);
        var importNew = clock.Elapsed.TotalSeconds;
        ImportDriver.CheckCounts($"import-{label}-new", firstDone, n, 0);
        PrintRatio($"import-{label}-new", importNew, "baseline", baselineNew);
        PrintRatio($"import-{label}-new-vs-schema", importNew, "same tables by COPY", schemaNew);

        // As the baseline does before its merge: vacuum and analyse what the first import wrote (not timed), so the
        // measures below do not share the two cores with autovacuum cleaning up after it.
        await using (var vacuum = stack.DataSource.CreateCommand("vacuum analyze contacts, contact_identifiers, import_rows"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        // The same contacts again with one tag more: a fresh upload, reviewed (timed alone), then run (upload, mapping and run timed).
        clock.Restart();
        var secondId = await driver.UploadAndMapAsync(csvAgain, $"bench-{label}-again.csv");
        var uploadAndMap = clock.Elapsed.TotalSeconds;

        clock.Restart();
        var review = await driver.ReviewAsync(secondId);
        var reviewSeconds = clock.Elapsed.TotalSeconds;
        ImportDriver.CheckCounts($"review-{label}", review, 0, n);
        PrintRatio($"review-{label}", reviewSeconds, "goal", ReviewGoalSeconds);

        clock.Restart();
        var secondDone = await driver.RunToEndAsync(secondId);
        var importUpdate = uploadAndMap + clock.Elapsed.TotalSeconds;
        ImportDriver.CheckCounts($"import-{label}-update", secondDone, 0, n);
        PrintRatio($"import-{label}-update", importUpdate, "baseline", baselineMerge);
        PrintRatio($"import-{label}-update-vs-schema", importUpdate, "same tables by COPY", schemaMerge);

        var peak = stack.Silo.PeakMegabytes();
        Print(FormattableString.Invariant($"silo-peak-memory: {peak:0} MB, goal {PeakMemoryGoalMegabytes:0} MB, ratio {peak / PeakMemoryGoalMegabytes:0.0}"));
        return 0;
    }
}
