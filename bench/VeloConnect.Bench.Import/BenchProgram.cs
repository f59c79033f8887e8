using System.Diagnostics;
using Npgsql;
using VeloConnect.Bench.Support;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
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
    private const double FirstPageGoalMilliseconds = 300;
    private const int FirstPageRuns = 5;
    private const double EditGoalMilliseconds = 200;
    private const double PeakMemoryGoalMegabytes = 400;
    private const int BaselineRuns = 3;
    private const double XlsxGoalRatio = 2.0;
    private const string XlsxFlag = "--xlsx";
    private const string Usage = "usage: dotnet run -c Release --project bench/VeloConnect.Bench.Import [-- --rows 50000] [--warmup 500] [--timeout 150] [--environment Production] [--xlsx]";

    public static Task<int> Main(string[] args) =>
        MainAsync(args, new BenchOptions(50_000, 500, 150, "Production"), Usage, [XlsxFlag], RunAsync);

    private static Task<int> RunAsync(BenchOptions options, Action<Stack?> started) =>
        options.Flags.Contains(XlsxFlag) ? RunXlsxAsync(options, started) : RunCsvAsync(options, started);

    private static async Task<int> RunCsvAsync(BenchOptions options, Action<Stack?> started)
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

        var stack = await StartStackAsync(options, serverVersion, started);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

        if (options.WarmupRows > 0)
        {
            // JIT and first connections, in a workspace of its own, through every step the measures use.
            var (warm, warmRows) = await WarmUpAsync(stack, options, timeout);
            var first = await warm.UploadAndMapAsync(BenchData.Csv(warmRows), "warm-up.csv");
            ImportDriver.CheckCounts("warm-up review (new)", await warm.ReviewAsync(first), options.WarmupRows, 0);
            ImportDriver.CheckCounts("warm-up import (new)", await warm.RunToEndAsync(first), options.WarmupRows, 0);
            var second = await warm.UploadAndMapAsync(BenchData.Csv(BenchData.Again(warmRows)), "warm-up-again.csv");
            ImportDriver.CheckCounts("warm-up review (update)", await warm.ReviewAsync(second), 0, options.WarmupRows);
            ImportDriver.CheckCounts("warm-up import (update)", await warm.RunToEndAsync(second), 0, options.WarmupRows);
        }

        var driver = new ImportDriver(await stack.NewWorkspaceClientAsync("Bench"), timeout);

        // All new: upload, mapping, run, until the import reads finished.
        var cpu = await StackCpu.NowAsync(stack);
        var clock = Stopwatch.StartNew();
        var firstId = await driver.UploadAndMapAsync(csvNew, $"bench-{label}.csv");
        var firstSteps = driver.LastSteps;
        var firstDone = await driver.RunToEndAsync(firstId);
        var importNew = clock.Elapsed.TotalSeconds;
        PrintSteps($"import-{label}-new", firstSteps, importNew);
        await cpu.PrintSinceAsync(stack, $"import-{label}-new");
        ImportDriver.CheckCounts($"import-{label}-new", firstDone, n, 0);
        PrintRatio($"import-{label}-new", importNew, "baseline", baselineNew);
        PrintRatio($"import-{label}-new-vs-schema", importNew, "same tables by COPY", schemaNew);

        // As the baseline does before its merge: vacuum and analyse what the first import wrote (not timed), so the
        // measures below do not share the two cores with autovacuum cleaning up after it.
        await using (var vacuum = stack.DataSource.CreateCommand($"vacuum analyze {ContactsCopy.Tables}, import_rows"))
        {
            await vacuum.ExecuteNonQueryAsync();
        }

        // The same contacts again with one tag more: a fresh upload, reviewed (timed alone), then run (upload, mapping and run timed).
        clock.Restart();
        var secondId = await driver.UploadAndMapAsync(csvAgain, $"bench-{label}-again.csv");
        var uploadAndMap = clock.Elapsed.TotalSeconds;

        cpu = await StackCpu.NowAsync(stack);
        clock.Restart();
        var review = await driver.ReviewAsync(secondId);
        var reviewSeconds = clock.Elapsed.TotalSeconds;
        await cpu.PrintSinceAsync(stack, $"review-{label}");
        ImportDriver.CheckCounts($"review-{label}", review, 0, n);
        PrintRatio($"review-{label}", reviewSeconds, "goal", ReviewGoalSeconds);

        // The first page of the review's rows (100, every one an update whose change is computed), alone.
        var firstPage = (await driver.FirstPageAsync(review, FirstPageRuns, Math.Min(n, 100))).TotalMilliseconds;
        Print(FormattableString.Invariant($"review-first-page-{label}: {firstPage:0} ms, goal {FirstPageGoalMilliseconds:0} ms, ratio {firstPage / FirstPageGoalMilliseconds:0.0}"));

        // A cell edit of one row of that review (its phone), answering the review's new counts, alone (issue 14).
        var edit = (await driver.EditCellAsync(secondId, FirstPageRuns, n)).TotalMilliseconds;
        Print(FormattableString.Invariant($"review-edit-{label}: {edit:0} ms, goal {EditGoalMilliseconds:0} ms, ratio {edit / EditGoalMilliseconds:0.0}"));

        cpu = await StackCpu.NowAsync(stack);
        clock.Restart();
        var secondDone = await driver.RunToEndAsync(secondId);
        var importUpdate = uploadAndMap + clock.Elapsed.TotalSeconds;
        PrintSteps($"import-{label}-update", driver.LastSteps, importUpdate);
        await cpu.PrintSinceAsync(stack, $"import-{label}-update (run only)");
        ImportDriver.CheckCounts($"import-{label}-update", secondDone, 0, n);
        PrintRatio($"import-{label}-update", importUpdate, "baseline", baselineMerge);
        PrintRatio($"import-{label}-update-vs-schema", importUpdate, "same tables by COPY", schemaMerge);

        var peak = stack.Silo.PeakMegabytes();
        static void PrintSteps(string what, (double Upload, double Mapping) steps, double total) =>
            Console.Error.WriteLine(FormattableString.Invariant(
                $"bench: {what} steps: upload {steps.Upload:0.00} s, mapping {steps.Mapping:0.00} s, run to finished {total - steps.Upload - steps.Mapping:0.00} s"));

        Print(FormattableString.Invariant($"silo-peak-memory: {peak:0} MB, goal {PeakMemoryGoalMegabytes:0} MB, ratio {peak / PeakMemoryGoalMegabytes:0.0}"));
        return 0;
    }

    /// <summary>
    /// --xlsx: the same N new rows from a CSV and from an .xlsx, each into a fresh workspace through upload, the suggested
    /// mapping and the run (as import-N-new), twice each after one CSV import not counted; each format's figure is the mean of its two imports.
    /// </summary>
    private static async Task<int> RunXlsxAsync(BenchOptions options, Action<Stack?> started)
    {
        var n = options.Rows;
        var label = Label(n);
        var rows = BenchData.Rows(n, 2_000_000, "user");
        var csv = BenchData.Csv(rows);
        var clock = Stopwatch.StartNew();
        var xlsx = BenchWorkbook.Xlsx(rows);
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: files for {n} rows: CSV {csv.Length / 1024.0:0} KB, .xlsx {xlsx.Length / 1024.0:0} KB (written in {clock.Elapsed.TotalSeconds:0.00} s)"));

        // Where the upload step's time goes, not a goal: each file's analysis alone, in this process (median of 3 after one not counted).
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: analysis alone (ImportFiles.Analyse, no row limit): CSV {AnalysisSeconds(csv):0.000} s, .xlsx {AnalysisSeconds(xlsx):0.000} s"));

        string serverVersion;
        await using (var data = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("bench_version")))
        await using (var version = data.CreateCommand("show server_version"))
        {
            serverVersion = (string)(await version.ExecuteScalarAsync())!;
        }

        var stack = await StartStackAsync(options, serverVersion, started);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);

        if (options.WarmupRows > 0)
        {
            // JIT and first connections through both readers: the CSV new, then the same contacts again from an .xlsx.
            var (warm, warmRows) = await WarmUpAsync(stack, options, timeout);
            ImportDriver.CheckCounts("warm-up import (CSV)", await warm.RunToEndAsync(await warm.UploadAndMapAsync(BenchData.Csv(warmRows), "warm-up.csv")), options.WarmupRows, 0);
            var again = BenchData.Again(warmRows);
            ImportDriver.CheckCounts("warm-up import (.xlsx)", await warm.RunToEndAsync(await warm.UploadAndMapAsync(BenchWorkbook.Xlsx(again), "warm-up.xlsx")), 0, options.WarmupRows);
        }

        // The first import of N rows into a stack takes up to twice as long as the next ones whatever follows it: one CSV
        // import first, not counted (on stderr). Then two rounds, the order swapped in the second (.xlsx, CSV, CSV, .xlsx),
        // each import into a fresh workspace after a vacuum of what the one before wrote, so that a slow spell of the
        // shared machine or the growing tables fall on both formats.
        await ImportNewAsync(stack, "csv (first, not counted)", csv, $"bench-{label}-first.csv");
        double csvSeconds = 0, xlsxSeconds = 0;
        foreach (var fromXlsx in new[] { true, false, false, true })
        {
            await using (var vacuum = stack.DataSource.CreateCommand($"vacuum analyze {ContactsCopy.Tables}, import_rows"))
            {
                await vacuum.ExecuteNonQueryAsync();
            }

            if (fromXlsx)
            {
                xlsxSeconds += await ImportNewAsync(stack, "xlsx", xlsx, $"bench-{label}.xlsx") / 2;
            }
            else
            {
                csvSeconds += await ImportNewAsync(stack, "csv", csv, $"bench-{label}.csv") / 2;
            }
        }

        var ratio = xlsxSeconds / csvSeconds;
        Print(FormattableString.Invariant($"import-{label}-xlsx: {xlsxSeconds:0.00} s, csv {csvSeconds:0.00} s, ratio {ratio:0.00}, goal {XlsxGoalRatio:0}"));
        var peak = stack.Silo.PeakMegabytes();
        Print(FormattableString.Invariant($"silo-peak-memory: {peak:0} MB, goal {PeakMemoryGoalMegabytes:0} MB, ratio {peak / PeakMemoryGoalMegabytes:0.0}"));
        return 0;

        async Task<double> ImportNewAsync(Stack on, string what, byte[] file, string fileName)
        {
            var driver = new ImportDriver(await on.NewWorkspaceClientAsync($"Bench {what}"), timeout);
            var watch = Stopwatch.StartNew();
            var id = await driver.UploadAndMapAsync(file, fileName);
            var uploaded = watch.Elapsed.TotalSeconds;
            var done = await driver.RunToEndAsync(id);
            var seconds = watch.Elapsed.TotalSeconds;
            ImportDriver.CheckCounts($"import-{label}-{what}", done, n, 0);
            await Console.Error.WriteLineAsync(FormattableString.Invariant(
                $"bench: import-{label} from {what}: upload and mapping {uploaded:0.00} s, run to finished {seconds - uploaded:0.00} s"));
            return seconds;
        }
    }

    /// <summary>Prints the machine line, then starts the stack and hands it to the caller to stop.</summary>
    private static async Task<Stack> StartStackAsync(BenchOptions options, string serverVersion, Action<Stack?> started)
    {
        PrintMachine(serverVersion, options.Environment, options.Rows);
        var stack = await Stack.StartAsync(options.Environment);
        started(stack);
        return stack;
    }

    /// <summary>The warm-up's workspace and rows (phones apart from the measured ones).</summary>
    private static async Task<(ImportDriver Driver, BenchRow[] Rows)> WarmUpAsync(Stack stack, BenchOptions options, TimeSpan timeout) =>
        (new ImportDriver(await stack.NewWorkspaceClientAsync("Bench warm-up"), timeout), BenchData.Rows(options.WarmupRows, 3_000_000, "warm"));

    private static double AnalysisSeconds(byte[] file)
    {
        var times = new List<TimeSpan>();
        for (var run = 0; run <= BaselineRuns; run++)
        {
            var clock = Stopwatch.StartNew();
            using var stream = new MemoryStream(file, writable: false);
            var analysis = ImportFiles.Analyse(stream, ImportFiles.Detect(stream), new SniffOptions(MaxDataRows: int.MaxValue));
            if (!analysis.CanImport)
            {
                throw new BenchFailure($"The generated file's analysis has errors: {string.Join("; ", analysis.Errors.Select(e => e.Message))}");
            }

            if (run > 0)
            {
                times.Add(clock.Elapsed);
            }
        }

        return Median(times).TotalSeconds;
    }
}
