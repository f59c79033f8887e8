using VeloConnect.Cli.Api;
using VeloConnect.Cli.Imports;

namespace VeloConnect.Cli;

/// <summary>velo's entry point (a named class, so that its tests can also see the API's Program).</summary>
internal static class VeloCommandLine
{
    public static async Task<int> Main(string[] args)
    {
        var parsed = CliArguments.Parse(args, Environment.GetEnvironmentVariable);
        if (parsed.Error is { } error)
        {
            Console.Error.WriteLine(error);
            Console.Error.WriteLine("Usage: velo import <file.csv> [--api URL] [--key KEY] [--mapping \"Header=target,...\"] [--yes]; see velo --help.");
            return 2;
        }

        if (parsed.Import is not { } import)
        {
            // Help, completions ([suggest] directive), --version.
            return await parsed.Result.InvokeAsync();
        }

        using var interrupted = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C stops cleanly (the progress file is current); a second one ends the process at once.
            e.Cancel = !interrupted.IsCancellationRequested;
            interrupted.Cancel();
        };

        using var http = VeloApi.CreateClient(import.ApiUrl, import.ApiKey);
        var api = new VeloApi(http, RetryPolicy.Default, message => Console.Error.WriteLine($"{Environment.NewLine}{message}"));
        var console = new CliConsole(Console.In, Console.Out, Console.Error, !Console.IsErrorRedirected, !Console.IsOutputRedirected);
        return await new ImportCommand(import, api, console).RunAsync(interrupted.Token);
    }
}
