using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Npgsql;
using VeloConnect.TestSupport;

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

    public static async Task<int> Main(string[] args)
    {
        if (!BenchOptions.TryParse(args, out var options, out var usage))
        {
            await Console.Error.WriteLineAsync(usage);
            return 2;
        }

        // WebApplicationFactory finds the API's content root through MvcTestingAppManifest.json in the current directory:
        // run from the output directory, whatever directory 'dotnet run' was started in.
        Directory.SetCurrentDirectory(AppContext.BaseDirectory);
        Stack? stack = null;
        try
        {
            return await RunAsync(options, s => stack = s);
        }
        catch (BenchFailure failure)
        {
            await Console.Error.WriteLineAsync("bench failed: " + failure.Message);
            return 1;
        }
        finally
        {
            if (stack is not null)
            {
                await StopAsync(stack);
            }
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, Action<Stack> started)
    {
        var n = options.Rows;
        var label = n % 1000 == 0 ? $"{n / 1000}k" : n.ToString(CultureInfo.InvariantCulture);
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

            var baseline = new Baseline(baselineData);
            await baseline.CreateTableAsync();
            baselineNew = (await baseline.NewAsync(rows, BaselineRuns)).TotalSeconds;
            baselineMerge = (await baseline.MergeAsync(rows, again, BaselineRuns)).TotalSeconds;
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

        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        Print($"machine: {Environment.ProcessorCount} cores, {memory:0.0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"PostgreSQL {serverVersion.Split(' ')[0]}, {options.Environment}, rows {n}");

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

    private static void PrintRatio(string measure, double seconds, string against, double reference) =>
        Print(FormattableString.Invariant($"{measure}: {seconds:0.00} s, {against} {reference:0.00} s, ratio {seconds / reference:0.0}"));

    private static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    private static async Task StopAsync(Stack stack)
    {
        try
        {
            var stopping = stack.DisposeAsync().AsTask();
            if (await Task.WhenAny(stopping, Task.Delay(TimeSpan.FromSeconds(45))) != stopping)
            {
                await Console.Error.WriteLineAsync("bench: the stack did not stop within 45 s; exiting anyway.");
            }
            else
            {
                await stopping;
            }
        }
        catch (Exception e)
        {
            // Stopping is not measured: say what happened, keep the figures and the exit code.
            await Console.Error.WriteLineAsync("bench: stopping the stack failed: " + e);
        }
    }
}

/// <summary>Command line: --rows N (50000), --warmup N (500, 0 for none), --timeout SECONDS per import run (150), --environment NAME (Production).</summary>
internal sealed record BenchOptions(int Rows, int WarmupRows, int TimeoutSeconds, string Environment)
{
    private const string Usage = "usage: dotnet run -c Release --project bench/VeloConnect.Bench.Import [-- --rows 50000] [--warmup 500] [--timeout 150] [--environment Production]";

    public static bool TryParse(string[] args, out BenchOptions options, out string usage)
    {
        options = new BenchOptions(50_000, 500, 150, "Production");
        usage = Usage;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case "--rows" when int.TryParse(value, CultureInfo.InvariantCulture, out var rows) && rows > 0:
                    options = options with { Rows = rows };
                    break;
                case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var warmup) && warmup >= 0:
                    options = options with { WarmupRows = warmup };
                    break;
                case "--timeout" when int.TryParse(value, CultureInfo.InvariantCulture, out var timeout) && timeout > 0:
                    options = options with { TimeoutSeconds = timeout };
                    break;
                case "--environment" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Environment = value };
                    break;
                default:
                    usage = $"bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}\n{Usage}";
                    return false;
            }

            i++;
        }

        return true;
    }
}
