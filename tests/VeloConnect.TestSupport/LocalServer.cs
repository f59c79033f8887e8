using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

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
    /// them. Each server's directory records its owner's pid, its own and the signal that stops it; this stops the
    /// servers of owners that are gone and removes their directories.
    /// </summary>
    public static void ReapOrphans(string prefix)
    {
        foreach (var directory in Directory.GetDirectories(Path.GetTempPath(), prefix + "*"))
        {
            try
            {
                var ownerFile = Path.Combine(directory, "owner.pid");
                if (!File.Exists(ownerFile) || IsAlive(int.Parse(File.ReadAllText(ownerFile).Trim(), CultureInfo.InvariantCulture)))
                {
                    continue;
                }

                var serverFile = Path.Combine(directory, "server.pid");
                var signalFile = Path.Combine(directory, "server.signal");
                var pid = File.Exists(serverFile) ? int.Parse(File.ReadAllText(serverFile).Trim(), CultureInfo.InvariantCulture) : 0;
                if (pid > 0 && IsAlive(pid))
                {
                    // One signal (SIGQUIT for a postmaster, which ends its children), not a tree kill.
                    using var server = Process.GetProcessById(pid);
                    Signal(pid, File.Exists(signalFile) ? int.Parse(File.ReadAllText(signalFile).Trim(), CultureInfo.InvariantCulture) : ServerProcess.SigKill);
                    if (!server.WaitForExit(TimeSpan.FromSeconds(10)))
                    {
                        server.Kill();
                    }
                }

                Directory.Delete(directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or InvalidOperationException or ArgumentException)
            {
                // Another test run may be reaping the same directory; leftovers are harmless.
            }
        }
    }

    /// <summary>Records the pids in the server's directory and has it stopped (SIGKILL) when the tests end; see <see cref="ServerProcess"/>.</summary>
    public static ServerProcess RecordPids(string directory, Process server) => ServerProcess.Own(server, directory, ServerProcess.SigKill);

    /// <summary>Sends a signal to a process (kill(2)); false when there is no such process.</summary>
    public static bool Signal(int pid, int signal) => Native.Kill(pid, signal) == 0;

    /// <summary>True when the exception (or one inside it) says a port was taken: EADDRINUSE, Kestrel's "address already in use".</summary>
    public static bool IsPortTaken(Exception exception) => exception switch
    {
        null => false,
        PortTakenException => true,
        SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsPortTaken),
        _ => PortTakenException.IsPortTaken(exception.Message) || (exception.InnerException is { } inner && IsPortTaken(inner)),
    };

    /// <summary>
    /// Starts a server on a free port. The port is free when chosen but may be taken before the server binds it (another
    /// test's outgoing connection, another server): then the start throws <see cref="PortTakenException"/> and runs again
    /// on another port.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> start, int attempts = 5)
    {
        ArgumentNullException.ThrowIfNull(start);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await start(FreePort());
            }
            catch (PortTakenException) when (attempt < attempts)
            {
                // Chosen again below.
            }
        }
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

/// <summary>A server could not listen on the port chosen for it: it was taken in the meantime.</summary>
public sealed class PortTakenException(int port, string detail) : Exception($"Port {port} was taken before the server could listen on it: {detail}")
{
    public int Port { get; } = port;

    /// <summary>True when a server's output says its port is taken ("Address already in use", EADDRINUSE).</summary>
    public static bool IsPortTaken(string output) => output.Contains("Address already in use", StringComparison.OrdinalIgnoreCase);
}

internal static partial class Native
{
    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int Kill(int pid, int signal);
}
