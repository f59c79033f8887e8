using System.Diagnostics;
using VeloConnect.Bench.Support;
using VeloConnect.ContactRules.Exports;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Workspaces;
using static VeloConnect.Bench.Support.BenchConsole;

namespace VeloConnect.Bench.Export;

/// <summary>
/// The export benchmark (bench/README.md). Prints a line describing the machine, then one line per measure, e.g.
/// <c>export-100k-csv: 2.41 s, baseline 0.14 s, ratio 17.2</c>, the silo's peak memory and, with --memory-check, the
/// same at 1,000,000 contacts in a fresh stack and the ratio of the two peaks. Everything else (seeding, baselines,
/// where each export's time went, logs, failures) goes to stderr; a failed measure ends the run with exit code 1.
/// </summary>
public static class BenchProgram
{
    private const int BaselineRuns = 3;
    private const int MemoryCheckRows = 1_000_000;
    private const string MemoryCheck = "--memory-check";
    private const string List = "--list";
    private const string Requests = "--requests";
    private const string Usage = "usage: dotnet run -c Release --project bench/VeloConnect.Bench.Export [-- --rows 100000] [--warmup 1000] [--timeout 300] [--environment Production] [--memory-check] [--list [--requests 200]]";
    private static readonly string[] Formats = ["csv", "json"];

    public static Task<int> Main(string[] args) =>
        MainAsync(args, new BenchOptions(100_000, 1000, 300, "Production"), Usage, [MemoryCheck, List], RunAsync, [Requests]);

    private static async Task<int> RunAsync(BenchOptions options, Action<Stack?> started)
    {
        if (options.Flags.Contains(List))
        {
            return await ListPhaseAsync(options, started);
        }

        var peak = await PhaseAsync(options, options.Rows, started, printMachine: true);
        if (options.Flags.Contains(MemoryCheck))
        {
            // A fresh stack, so the silo's peak is that of the same work (warm-up, CSV, JSON) on ten times the contacts.
            var large = await PhaseAsync(options, MemoryCheckRows, started, printMachine: false);
            Print(FormattableString.Invariant($"export-memory-{Label(MemoryCheckRows)}-vs-{Label(options.Rows)}: {large:0} MB, {peak:0} MB, ratio {large / peak:0.00}"));
        }

        return 0;
    }

    /// <summary>
    /// One stack from start to stop: warm-up, <paramref name="rows"/> contacts seeded, the baseline, the CSV and JSON
    /// exports; returns the silo's peak resident memory in MB.
    /// </summary>
    private static async Task<double> PhaseAsync(BenchOptions options, int rows, Action<Stack?> started, bool printMachine)
    {
        var label = Label(rows);
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var files = Directory.CreateTempSubdirectory("veloconnect-bench-export-files-").FullName;
        var stack = await Stack.StartAsync(options.Environment);
        started(stack);
        try
        {
            if (printMachine)
            {
                await using var version = stack.DataSource.CreateCommand("show server_version");
                PrintMachine((string)(await version.ExecuteScalarAsync())!, options.Environment, rows);
            }

            if (options.WarmupRows > 0)
            {
                // JIT and first connections, in a workspace of its own, through every step the measures use.
                var warm = await ExportData.SeedAsync(stack, "Bench warm-up", options.WarmupRows);
                foreach (var format in Formats)
                {
                    await ExportAndCheckAsync(new ExportDriver(warm.Client, timeout), format, Path.Combine(files, "warm-up." + format), options.WarmupRows);
                }
            }

            var workspace = await ExportData.SeedAsync(stack, "Bench", rows);
            var baseline = (await new ExportBaseline(stack.DataSource, files).MeasureAsync(workspace, rows, BaselineRuns)).TotalSeconds;
            // On stderr too, so a run that fails later still shows it.
            await Console.Error.WriteLineAsync(FormattableString.Invariant($"bench: baseline for {rows} contacts (COPY (select …) TO STDOUT into a file, median of {BaselineRuns}): {baseline:0.000} s"));

            var driver = new ExportDriver(workspace.Client, timeout);
            // The first large export of a silo process is the slow one, whichever its format (bench/README.md): it is
            // measured and printed on its own, and the measures that follow are the steady state.
            foreach (var (measure, format) in Formats.Select(f => ($"export-{label}-{f}", f)).Prepend(($"export-{label}-first-{Formats[0]}", Formats[0])))
            {
                var run = await ExportAndCheckAsync(driver, format, Path.Combine(files, $"{measure}.{format}"), rows);
                PrintRatio(measure, run.Seconds, "baseline", baseline);
                await Console.Error.WriteLineAsync(FormattableString.Invariant(
                    $"bench: {measure}: start request answered at {run.PostSeconds:0.00} s, ready seen at {run.ReadySeconds:0.00} s (the job's createdAt → finishedAt {run.JobSeconds:0.00} s), download {run.DownloadSeconds:0.00} s, {run.Bytes / (1024.0 * 1024):0.0} MB"));
            }

            // Where the job's time goes: its reads alone, and its reads and writes, in this process (not measures; stderr).
            var reading = await WorkLikeTheJobAsync(stack, workspace, rows, null);
            var csv = await WorkLikeTheJobAsync(stack, workspace, rows, ExportFormat.Csv);
            var json = await WorkLikeTheJobAsync(stack, workspace, rows, ExportFormat.Json);
            await Console.Error.WriteLineAsync(FormattableString.Invariant(
                $"bench: the job's work for {rows} contacts in the bench's process (one streamed query with the opt-ins joined, no grain, no file): reading alone {reading:0.00} s, reading and writing CSV {csv:0.00} s, JSON {json:0.00} s"));

            var peak = stack.Silo.PeakMegabytes();
            Print(FormattableString.Invariant($"silo-peak-memory-{label}: {peak:0} MB"));
            return peak;
        }
        finally
        {
            started(null);
            await StopAsync(stack);
            Directory.Delete(files, recursive: true);
        }
    }

    /// <summary>
    /// <c>--list</c>: instead of the exports, the list and search measures (<see cref="ListBench"/>) over the same
    /// seeded contacts, in a stack of their own.
    /// </summary>
    private static async Task<int> ListPhaseAsync(BenchOptions options, Action<Stack?> started)
    {
        var requests = 200;
        if (options.Values.TryGetValue(Requests, out var text) && (!int.TryParse(text, out requests) || requests < 1))
        {
            await Console.Error.WriteLineAsync($"{Requests} takes a positive number of requests, not '{text}'.\n{Usage}");
            return 2;
        }

        var stack = await Stack.StartAsync(options.Environment);
        started(stack);
        try
        {
            await using (var version = stack.DataSource.CreateCommand("show server_version"))
            {
                PrintMachine((string)(await version.ExecuteScalarAsync())!, options.Environment, options.Rows);
            }

            if (options.WarmupRows > 0)
            {
                // JIT and first connections, in a workspace of its own.
                var warm = await ExportData.SeedAsync(stack, "Bench warm-up", options.WarmupRows);
                await ListBench.RunAsync(warm.Client, "warm-up", 5, print: false);
            }

            var workspace = await ExportData.SeedAsync(stack, "Bench", options.Rows);
            await ListBench.RunAsync(workspace.Client, Label(options.Rows), requests, print: true);
            return 0;
        }
        finally
        {
            started(null);
            await StopAsync(stack);
        }
    }

    /// <summary>Exports into <paramref name="path"/>, checks that the file holds <paramref name="rows"/> contacts and deletes it.</summary>
    private static async Task<ExportRun> ExportAndCheckAsync(ExportDriver driver, string format, string path, int rows)
    {
        var run = await driver.RunAsync(format, path);
        var written = await ExportDriver.CountRowsAsync(format, path);
        File.Delete(path);
        if (written != rows)
        {
            throw new BenchFailure($"The {format} export holds {written} contacts, expected {rows}.");
        }

        return run;
    }

    /// <summary>
    /// Diagnosis, not a measure: the job's work in the bench's process, without grains, progress updates or a file —
    /// the same streamed <see cref="ContactQuery.StreamWithConsentAsync"/> in list order with the opt-ins joined; with a
    /// <paramref name="format"/>, each contact also written (flushed every 1000) by the product's <see cref="ExportFileWriter"/> to
    /// <see cref="Stream.Null"/>. Without one, what reading alone costs; the difference, what writing costs.
    /// </summary>
    private static async Task<double> WorkLikeTheJobAsync(Stack stack, SeededWorkspace workspace, int rows, ExportFormat? format)
    {
        var query = new ContactQuery(stack.DataSource);
        var fields = await new FieldStore(stack.DataSource).ListAsync(workspace.WorkspaceId);
        var agents = (await new WorkspaceStore(stack.DataSource).ListUsersAsync(workspace.WorkspaceId)).ToDictionary(u => u.Id, u => u.Name);
        var clock = Stopwatch.StartNew();
        await using var writer = format is { } f ? ExportFileWriter.Create(f, Stream.Null, fields) : null;
        long read = 0;
        await foreach (var (contact, consent) in query.StreamWithConsentAsync(workspace.WorkspaceId, ContactFilter.None))
        {
            if (writer is not null)
            {
                writer.Write(new ExportContact(contact.Id, contact.Data, contact.Source, contact.CreatedAt, contact.LastActivityAt,
                    contact.Data.AssignedAgentId is { } agent ? agents.GetValueOrDefault(agent) : null,
                    consent.ToDictionary(p => p.Key, p => new ExportOptIn(p.Value.Status, p.Value.SetAt, p.Value.Source))));
                if (++read % 1000 == 0)
                {
                    await writer.FlushAsync();
                }
            }
            else
            {
                read++;
            }
        }

        if (writer is not null)
        {
            await writer.CompleteAsync();
        }

        if (read != rows)
        {
            throw new BenchFailure($"Working the job's way found {read} contacts, expected {rows}.");
        }

        return clock.Elapsed.TotalSeconds;
    }
}
