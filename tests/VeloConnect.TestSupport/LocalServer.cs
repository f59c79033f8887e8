using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace VeloConnect.TestSupport;

/// <summary>Shared plumbing for the throwaway servers the tests start: free ports, processes, readiness.</summary>
public static class LocalServer
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Runs a command to completion and throws with its output when it fails.</summary>
    public static void Run(string file, params string[] arguments)
    {
        using var process = Start(file, arguments);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{file} {string.Join(' ', arguments)}' failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }

    public static Process Start(string file, params string[] arguments)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {file}.");
    }

    /// <summary>Finds a program on PATH or in the given directories; null when absent.</summary>
    public static string? Find(string name, params string[] extraDirectories)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return extraDirectories.Concat(path.Split(':'))
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Test hosts do not always get to run their exit handlers (a killed or crashed test run), so servers may outlive
    /// them. Each server's directory records its owner's pid and its own; this stops the servers of owners that are
    /// gone and removes their directories.
    /// </summary>
    public static void ReapOrphans(string prefix)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), prefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(directory, "owner.pid");
                if (!File.Exists(ownerFile) || IsAlive(int.Parse(File.ReadAllText(ownerFile).Trim())))
                {
                    continue;
                }

                var serverFile = Path.Combine(directory, "server.pid");
                if (File.Exists(serverFile) && IsAlive(int.Parse(File.ReadAllText(serverFile).Trim())))
                {
                    using var server = Process.GetProcessById(int.Parse(File.ReadAllText(serverFile).Trim()));
                    server.Kill(entireProcessTree: true);
                    server.WaitForExit(5000);
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or ArgumentException)
            {
                // Another test run may be reaping the same directory; leftovers are harmless.
            }
        }
    }

    public static void RecordPids(string directory, Process server)
    {
        File.WriteAllText(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString());
        File.WriteAllText(Path.Combine(directory, "server.pid"), server.Id.ToString());

        // A watchdog outlives this process: when the test host is gone (however it ended), it stops the server
        // and removes its directory, so no test run leaves servers behind.
        using var watchdog = Start("sh", "-c",
            $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -9 {server.Id} 2>/dev/null; sleep 1; rm -rf '{directory}'");
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> ready, TimeSpan timeout, Func<string> describeFailure)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await ready())
            {
                return;
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(describeFailure());
    }
}
