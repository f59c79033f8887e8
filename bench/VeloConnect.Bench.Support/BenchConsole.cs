using System.Globalization;
using System.Runtime.InteropServices;

namespace VeloConnect.Bench.Support;

/// <summary>
/// What every benchmark prints and how it ends: figures on stdout, one line per measure whose last field is the ratio
/// (<c>measure: X s, baseline Y s, ratio Z</c>); everything else on stderr; the stack stopped without hiding the figures.
/// </summary>
public static class BenchConsole
{
    /// <summary>
    /// A benchmark's Main: parses the command line (exit code 2 on a bad argument), runs <paramref name="run"/> from the
    /// output directory, turns a <see cref="BenchFailure"/> into its message on stderr and exit code 1, and stops the
    /// stack that <paramref name="run"/> last handed to its callback (null: none left to stop). <paramref name="valueOptions"/>:
    /// the benchmark's own options that take a value (<see cref="BenchOptions.Values"/>).
    /// </summary>
    public static async Task<int> MainAsync(string[] args, BenchOptions defaults, string usageLine, IReadOnlyCollection<string> flags,
        Func<BenchOptions, Action<Stack?>, Task<int>> run, IReadOnlyCollection<string>? valueOptions = null)
    {
        if (!BenchOptions.TryParse(args, defaults, usageLine, flags, out var options, out var usage, valueOptions))
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
            return await run(options, s => stack = s);
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

    /// <summary>A row count as measures name it: 50k, 100k, 1m, or the number itself.</summary>
    public static string Label(int rows) => rows switch
    {
        _ when rows % 1_000_000 == 0 => $"{rows / 1_000_000}m",
        _ when rows % 1000 == 0 => $"{rows / 1000}k",
        _ => rows.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The first line: cores, memory, OS, .NET, PostgreSQL, environment and rows.</summary>
    public static void PrintMachine(string serverVersion, string environment, int rows)
    {
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        Print($"machine: {Environment.ProcessorCount} cores, {memory:0.0} GB RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, "
            + $"PostgreSQL {serverVersion.Split(' ')[0]}, {environment}, rows {rows}");
    }

    public static void PrintRatio(string measure, double seconds, string against, double reference) =>
        Print(FormattableString.Invariant($"{measure}: {seconds:0.00} s, {against} {reference:0.00} s, ratio {seconds / reference:0.0}"));

    public static void Print(string line)
    {
        Console.Out.WriteLine(line);
        Console.Out.Flush();
    }

    public static TimeSpan Median(List<TimeSpan> times)
    {
        times.Sort();
        return times[times.Count / 2];
    }

    /// <summary>Stops the stack within 45 s; a failure to stop is said on stderr and changes neither the figures nor the exit code.</summary>
    public static async Task StopAsync(Stack stack)
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
