using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Npgsql;
using VeloConnect.Bench.Support;
using VeloConnect.TestSupport;
using static VeloConnect.Bench.Support.BenchConsole;

namespace VeloConnect.Bench.Bulk;

/// <summary>
/// The bulk benchmark (bench/README.md). Prints a line describing the machine, then one line per measure whose last
/// field is the ratio of the measure (the median of --runs) to PostgreSQL's own COPY + upsert of the same rows, e.g.
/// <c>bulk-100k: 3.90 s, baseline 0.80 s, ratio 4.9</c>. Everything else (each run's figures, where the client saw the
/// time go, logs, failures) goes to stderr; a failed measure ends the run with exit code 1.
/// </summary>
public static class BenchProgram
{
    private const int BaselineRuns = 3;
    private const string Runs = "--runs";
    private const string InFlight = "--in-flight";
    private const string Cli = "--cli";
    private const string CliOnly = "--cli-only";
    private const string CompareRows = "--compare-rows";
    private const string Usage = "usage: dotnet run -c Release --project bench/VeloConnect.Bench.Bulk [-- --rows 100000] [--runs 3] [--in-flight 2[,1,4…]] [--cli PATH-TO-velo [--cli-only] [--compare-rows 100000]] [--warmup 10000] [--timeout 300] [--environment Production]";

    public static Task<int> Main(string[] args) =>
        MainAsync(args, new BenchOptions(100_000, BulkDriver.BatchSize, 300, "Production"), Usage, [CliOnly], RunAsync, [Runs, InFlight, Cli, CompareRows]);

    private static async Task<int> RunAsync(BenchOptions options, Action<Stack?> started)
    {
        var n = options.Rows;
        var label = Label(n);
        var runs = int.TryParse(options.Values.GetValueOrDefault(Runs, "3"), CultureInfo.InvariantCulture, out var r) && r > 0
            ? r : throw new BenchFailure($"{Runs} takes a whole number of runs, at least 1.\n{Usage}");
        var inFlight = ParseInFlight(options.Values.GetValueOrDefault(InFlight, "2"));
        var cli = options.Values.GetValueOrDefault(Cli);
        var cliOnly = options.Flags.Contains(CliOnly);
        int? compareRows = options.Values.TryGetValue(CompareRows, out var compare)
            ? int.TryParse(compare, CultureInfo.InvariantCulture, out var m) && m > 0 && m < n ? m : throw new BenchFailure($"{CompareRows} takes a number of rows smaller than --rows.\n{Usage}")
            : null;
        if ((cliOnly || compareRows is not null) && cli is null)
        {
            throw new BenchFailure($"{CliOnly} and {CompareRows} measure the command-line importer: give its path with {Cli}.\n{Usage}");
        }

        var generating = Stopwatch.StartNew();
        var contacts = BulkData.Contacts(n, 2_000_000, "");
        var again = BulkData.Again(contacts);
        // Not a measure: what the product's phone rules (libphonenumber), which the API applies to every item, cost alone.
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: generated {n} contacts in {generating.Elapsed.TotalSeconds:0.00} s, each phone checked with the product's phone rules (Phones.TryNormalize)"));

        // The baseline: the same rows, PostgreSQL's own way, on the same server in a database of its own.
        double baselineNew, baselineMerge;
        string serverVersion;
        await using (var baselineData = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("bench_baseline")))
        {
            await using (var version = baselineData.CreateCommand("show server_version"))
            {
                serverVersion = (string)(await version.ExecuteScalarAsync())!;
            }

            var baseline = new UpsertBaseline(baselineData);
            await baseline.CreateTableAsync();
            baselineNew = (await baseline.NewAsync(BulkData.ForBaseline(contacts), BaselineRuns)).TotalSeconds;
            baselineMerge = cliOnly ? double.NaN : (await baseline.MergeAsync(BulkData.ForBaseline(contacts), BulkData.ForBaseline(again), BaselineRuns)).TotalSeconds;
        }

        // For the diagnosis, not the goal: the same rows PostgreSQL's own way into VeloConnect's own tables.
        double schemaNew = double.NaN, schemaUpdate = double.NaN;
        if (!cliOnly)
        {
        await using (var schemaData = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("bench_schema")))
        {
            var (created, updated) = await new SchemaBaseline(schemaData).MeasureAsync(BulkData.ForBaseline(contacts), BulkData.ForBaseline(again), BaselineRuns);
            (schemaNew, schemaUpdate) = (created.TotalSeconds, updated.TotalSeconds);
        }
        }

        // On stderr too, so a run that fails later still shows them.
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: baseline for {n} rows (median of {BaselineRuns}): new {baselineNew:0.000} s, merge {baselineMerge:0.000} s; same tables by COPY: new {schemaNew:0.000} s, update {schemaUpdate:0.000} s"));
        PrintMachine(serverVersion, options.Environment, n);
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: batches of {BulkDriver.BatchSize}; bulk-{label} and bulk-{label}-update with {inFlight[0]} request(s) in flight{string.Concat(inFlight.Skip(1).Select(k => $", bulk-{label}-{k}-in-flight with {k}"))}; median of {runs} run(s)"));

        var stack = await Stack.StartAsync(options.Environment);
        started(stack);
        if (options.WarmupRows > 0)
        {
            // JIT and first connections, in a workspace of its own, through every step the measures use.
            var warm = await NewWorkspaceAsync(stack, "Bench warm-up");
            var warmContacts = BulkData.Contacts(options.WarmupRows, 3_000_000, "warm");
            await warm.Driver.SendAsync(warmContacts, inFlight[0], "created");
            await warm.Driver.SendAsync(BulkData.Again(warmContacts), inFlight[0], "updated");
        }

        // --compare-rows M: the importer's and the silo's peak memory for M rows first, to compare with N's (flat memory).
        CliRun? smaller = null;
        if (compareRows is { } fewer)
        {
            smaller = await CliImportAsync(stack, cli!, BulkData.Contacts(fewer, 2_000_000, ""), options.TimeoutSeconds, $"{Label(fewer)} for comparison");
        }

        var times = inFlight.ToDictionary(k => k, _ => (New: new List<TimeSpan>(), Update: new List<TimeSpan>()));
        List<CliRun> cliRuns = [];
        for (var run = 1; run <= runs; run++)
        {
            // Each level of parallelism in turn within a run, so that a slower spell of a shared machine falls on all of them.
            foreach (var k in cliOnly ? [] : inFlight)
            {
                var (created, updated) = await MeasureAsync(stack, contacts, again, k, $"run {run}, {k} in flight");
                times[k].New.Add(TimeSpan.FromSeconds(created));
                times[k].Update.Add(TimeSpan.FromSeconds(updated));
            }

            if (cli is not null)
            {
                cliRuns.Add(await CliImportAsync(stack, cli, contacts, options.TimeoutSeconds, $"run {run}"));
            }
        }

        foreach (var k in cliOnly ? [] : inFlight)
        {
            var suffix = k == inFlight[0] ? "" : $"-{k}-in-flight";
            PrintRatio($"bulk-{label}{suffix}", Median(times[k].New).TotalSeconds, "baseline", baselineNew);
            PrintRatio($"bulk-{label}-update{suffix}", Median(times[k].Update).TotalSeconds, "baseline", baselineMerge);
        }

        if (!cliOnly)
        {
            PrintRatio($"bulk-{label}-vs-schema", Median(times[inFlight[0]].New).TotalSeconds, "same tables by COPY", schemaNew);
            PrintRatio($"bulk-{label}-update-vs-schema", Median(times[inFlight[0]].Update).TotalSeconds, "same tables by COPY", schemaUpdate);
        }

        if (cli is not null)
        {
            PrintRatio($"cli-{label}", Median([.. cliRuns.Select(c => TimeSpan.FromSeconds(c.Seconds))]).TotalSeconds, "baseline", baselineNew);
            var velo = cliRuns.Max(c => c.VeloPeakMegabytes);
            var silo = cliRuns.Max(c => c.SiloPeakMegabytes);
            if (smaller is { } compared)
            {
                // The silo's peak is the process's since its start, so the comparison's is included in N's: the ratio says how far N's run raised it.
                var ratio = Math.Max(velo / compared.VeloPeakMegabytes, silo / compared.SiloPeakMegabytes);
                Print(FormattableString.Invariant(
                    $"cli-{label}-memory: velo {velo:0} MB, silo {silo:0} MB; {Label(compareRows!.Value)}: velo {compared.VeloPeakMegabytes:0} MB, silo {compared.SiloPeakMegabytes:0} MB; goal 1.3, ratio {ratio:0.00}"));
            }
            else
            {
                Print(FormattableString.Invariant($"cli-{label}-memory: velo {velo:0} MB, silo {silo:0} MB"));
            }
        }

        return 0;
    }

    /// <summary>
    /// One run at one level of parallelism, in a fresh workspace: all contacts new, then the same again with one tag
    /// more (all matches), each checked item by item and in the database; the workspace's contacts are deleted after.
    /// Returns the two passes' seconds.
    /// </summary>
    private static async Task<(double New, double Update)> MeasureAsync(Stack stack, BulkContact[] contacts, BulkContact[] again, int inFlight, string what)
    {
        var workspace = await NewWorkspaceAsync(stack, $"Bench {what}");
        var cpu = await StackCpu.NowAsync(stack);
        var created = await workspace.Driver.SendAsync(contacts, inFlight, "created");
        await cpu.PrintSinceAsync(stack, what + ", new");
        await CheckStoredAsync(stack, workspace.Id, created.ContactIds, contacts.Length, withAgain: false, what + ", new");
        Describe(what + ", new", created);

        // As the baseline does before its merge: vacuum and analyse what the first pass wrote (not timed), so the pass
        // below does not share the two cores with autovacuum cleaning up after it.
        await ExecuteAsync(stack, $"vacuum analyze {ContactsCopy.Tables}");
        cpu = await StackCpu.NowAsync(stack);
        var updated = await workspace.Driver.SendAsync(again, inFlight, "updated");
        await cpu.PrintSinceAsync(stack, what + ", update");
        for (var i = 0; i < contacts.Length; i++)
        {
            if (updated.ContactIds[i] != created.ContactIds[i])
            {
                throw new BenchFailure($"{what}, update: item {i} went to contact {updated.ContactIds[i]}, not to {created.ContactIds[i]} that it created.");
            }
        }

        await CheckStoredAsync(stack, workspace.Id, updated.ContactIds, contacts.Length, withAgain: true, what + ", update");
        Describe(what + ", update", updated);

        // Not timed: the next run starts from tables of the same size.
        await using (var delete = stack.DataSource.CreateCommand("delete from contacts where workspace_id = @ws"))
        {
            delete.Parameters.AddWithValue("ws", workspace.Id);
            delete.CommandTimeout = 0;
            await delete.ExecuteNonQueryAsync();
        }

        await ExecuteAsync(stack, $"vacuum analyze {ContactsCopy.Tables}, bulk_requests, audit_log");
        return (created.Seconds, updated.Seconds);
    }

    /// <summary>
    /// The command-line importer (<c>velo import FILE --api URL --key KEY --yes</c>): the contacts as a CSV file into a
    /// fresh workspace, timed from the process's start to its exit, then checked in the database. PATH is the
    /// <c>velo</c> executable, or its .dll (run with <c>dotnet</c>).
    /// </summary>
    private static async Task<CliRun> CliImportAsync(Stack stack, string path, BulkContact[] contacts, int timeoutSeconds, string what)
    {
        var workspace = await NewWorkspaceAsync(stack, $"Bench CLI {what}");
        var file = Path.Combine(Directory.CreateTempSubdirectory("veloconnect-bench-cli-").FullName, "contacts.csv");
        BulkData.WriteCsv(file, contacts);
        var info = path.EndsWith(".dll", StringComparison.OrdinalIgnoreCase) ? new ProcessStartInfo("dotnet", [path]) : new ProcessStartInfo(path);
        foreach (var argument in new[] { "import", file, "--api", stack.ApiAddress.ToString(), "--key", workspace.Key, "--yes" })
        {
            info.ArgumentList.Add(argument);
        }

        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        var cpu = await StackCpu.NowAsync(stack);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new BenchFailure($"Could not start {path}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        // The importer's peak resident memory (VmHWM), read every 50 ms while it runs: /proc forgets it once it has exited.
        var veloPeak = 0.0;
        var veloCpu = 0.0;
        try
        {
            var exited = process.WaitForExitAsync(timeout.Token);
            while (!exited.IsCompleted)
            {
                veloPeak = Math.Max(veloPeak, Support.SiloProcess.PeakMegabytes(process.Id) ?? 0);
                veloCpu = Math.Max(veloCpu, ProcessCpu.SecondsOrZero(process.Id));
                await Task.WhenAny(exited, Task.Delay(50));
            }

            await exited;
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new BenchFailure($"cli ({what}): {path} import had not finished after {timeoutSeconds} s (--timeout).");
        }

        var seconds = clock.Elapsed.TotalSeconds;
        await cpu.PrintSinceAsync(stack, $"cli ({what}), velo {veloCpu:0.00} s (last seen)");
        if (process.ExitCode != 0)
        {
            throw new BenchFailure($"cli ({what}): {path} import exited {process.ExitCode}: {BenchHttp.Shorten(await output + await errors)}");
        }

        await using (var count = stack.DataSource.CreateCommand("select count(*) from contacts where workspace_id = @ws"))
        {
            count.Parameters.AddWithValue("ws", workspace.Id);
            if ((long)(await count.ExecuteScalarAsync())! != contacts.Length)
            {
                throw new BenchFailure($"cli ({what}): the workspace holds {await count.ExecuteScalarAsync()} contacts after the import, expected {contacts.Length}; its output: {BenchHttp.Shorten(await output)}");
            }
        }

        File.Delete(file);
        var siloPeak = stack.Silo.PeakMegabytes();
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: cli ({what}): {seconds:0.00} s, velo peak {veloPeak:0} MB, silo peak so far {siloPeak:0} MB; its last output: {BenchHttp.Shorten((await output).Trim().Split('\n')[^1])}"));
        return new CliRun(seconds, veloPeak, siloPeak);
    }

    /// <summary>One run of the command-line importer: its time, its own peak memory, and the silo's peak since its start.</summary>
    private sealed record CliRun(double Seconds, double VeloPeakMegabytes, double SiloPeakMegabytes);

    /// <summary>A new workspace with the custom fields the contacts use (Company: text, Plan: single select), its API key and a driver holding it.</summary>
    private static async Task<(Guid Id, string Key, BulkDriver Driver)> NewWorkspaceAsync(Stack stack, string name)
    {
        var (workspaceId, _, client) = await stack.NewWorkspaceAsync(name);
        await BenchHttp.ExpectAsync(await client.PostAsJsonAsync("/api/fields", new { key = "company", label = "Company", type = "text" }), HttpStatusCode.Created);
        await BenchHttp.ExpectAsync(await client.PostAsJsonAsync("/api/fields", new { key = "plan", label = "Plan", type = "single_select", options = BulkData.Plans }), HttpStatusCode.Created);
        return (workspaceId, client.DefaultRequestHeaders.Authorization!.Parameter!, new BulkDriver(client));
    }

    /// <summary>
    /// The workspace holds exactly the contacts the answers named, each with its phone and email identifiers, its plan
    /// and (after the update) the tag "again": a fast wrong answer does not pass.
    /// </summary>
    private static async Task CheckStoredAsync(Stack stack, Guid workspaceId, Guid[] ids, int count, bool withAgain, string what)
    {
        await using var command = stack.DataSource.CreateCommand("""
            select (select count(*) from contacts where workspace_id = @ws),
                   (select count(*) from contacts where workspace_id = @ws and id = any(@ids) and custom ? 'plan' and source = 'API'
                                                     and (not @again or tag_keys @> array['again'])),
                   (select count(*) from contact_identifiers where workspace_id = @ws)
            """);
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("ids", ids);
        command.Parameters.AddWithValue("again", withAgain);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var (all, expected, identifiers) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));
        if (all != count || expected != count || identifiers != 2L * count)
        {
            throw new BenchFailure($"{what}: the workspace holds {all} contacts, {expected} of them named by the answers as expected{(withAgain ? " (tagged 'again')" : "")}, "
                + $"and {identifiers} identifiers; expected {count}, {count} and {2L * count}.");
        }
    }

    /// <summary>Where the client saw a pass's time go (stderr): building bodies, each request's round trip, bytes each way.</summary>
    private static void Describe(string what, BulkPass pass)
    {
        var requests = pass.RequestSeconds.Order().ToList();
        Console.Error.WriteLine(FormattableString.Invariant(
            $"bench: {what}: {pass.Seconds:0.00} s; building bodies {pass.SerializeSeconds:0.000} s in all; {requests.Count} requests, round trip min {requests[0]:0.00} s, median {requests[requests.Count / 2]:0.00} s, max {requests[^1]:0.00} s; ")
            + FormattableString.Invariant($"sent {pass.BodyBytes / (1024.0 * 1024):0.0} MB, received {pass.ResponseBytes / (1024.0 * 1024):0.0} MB"));
    }

    private static int[] ParseInFlight(string text)
    {
        var levels = text.Split(',').Select(t => int.TryParse(t, CultureInfo.InvariantCulture, out var k) && k is > 0 and <= 16 ? k : 0).ToArray();
        return levels.All(k => k > 0) && levels.Distinct().Count() == levels.Length
            ? levels
            : throw new BenchFailure($"{InFlight} takes one or more different numbers of requests in flight (1 to 16), comma-separated, e.g. 2,1,4; the first gives the figures.\n{Usage}");
    }

    private static async Task ExecuteAsync(Stack stack, string sql)
    {
        await using var command = stack.DataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
