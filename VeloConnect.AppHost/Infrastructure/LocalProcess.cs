using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>Short-lived helper processes for preparing the local servers (initdb, chown, access checks).</summary>
internal static class LocalProcess
{
    /// <summary>PostgreSQL refuses to run as root, so root runs it as the <c>postgres</c> user.</summary>
    public static bool RunsAsRoot => Environment.IsPrivilegedProcess;

    /// <summary>
    /// The command line that runs <paramref name="file"/> as the <c>postgres</c> user when we are root.
    /// setpriv execs the program, so a signal sent to the started process reaches it directly.
    /// </summary>
    public static (string File, string[] Arguments) AsPostgresUser(string file, params string[] arguments) =>
        RunsAsRoot
            ? ("setpriv", ["--reuid=postgres", "--regid=postgres", "--init-groups", "--", file, .. arguments])
            : (file, arguments);

    /// <summary>Runs a command to completion; throws with its output when it fails.</summary>
    public static async Task RunAsync((string File, string[] Arguments) command, ILogger logger, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await TryRunAsync(command, logger, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command.File} {string.Join(' ', command.Arguments)}' failed with exit code {exitCode}: {output}");
        }
    }

    /// <summary>Runs a command to completion and returns its exit code and combined output.</summary>
    public static async Task<(int ExitCode, string Output)> TryRunAsync(
        (string File, string[] Arguments) command, ILogger? logger, CancellationToken cancellationToken)
    {
        var info = new ProcessStartInfo(command.File)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)
            ?? throw new InvalidOperationException($"Could not start '{command.File}'.");
        var output = new System.Text.StringBuilder();
        void Collect(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (output)
            {
                output.AppendLine(line);
            }

            logger?.LogInformation("{Line}", line);
        }

        process.OutputDataReceived += (_, e) => Collect(e.Data);
        process.ErrorDataReceived += (_, e) => Collect(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await process.WaitForExitAsync(cancellationToken);
        lock (output)
        {
            return (process.ExitCode, output.ToString().Trim());
        }
    }

    /// <summary>Finds a program in the given directory or on PATH; null when absent.</summary>
    public static string? Find(string name, string? preferredDirectory)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        IEnumerable<string> directories = preferredDirectory is null ? path.Split(':') : [preferredDirectory, .. path.Split(':')];
        return directories
            .Where(directory => directory.Length > 0)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
