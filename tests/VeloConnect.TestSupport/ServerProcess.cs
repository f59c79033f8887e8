using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace VeloConnect.TestSupport;

/// <summary>
/// A server process the tests started (PostgreSQL's postmaster, redis-server) and its temporary directory. It is stopped
/// by one signal: SIGQUIT makes the postmaster end its own children (an immediate shutdown), redis-server has none. So no
/// step can be cut short half-way: killing a process tree takes one scan, one stop and one kill per process, and a test
/// host killed between a stop and a kill leaves a stopped child behind. Whichever comes first stops it:
/// <list type="bullet">
/// <item>the end of the test assembly (<see cref="TestServersFramework"/>: inside the test run, waited for);</item>
/// <item>the process's exit handlers (signals only, which take no time);</item>
/// <item>a watchdog outside the test host's process group and process tree (so no kill of the host takes it along): it
/// reads a pipe from the test host, and the end of that pipe (however the host ended) makes it stop the server, kill
/// whatever still works in the directory, and remove the directory.</item>
/// </list>
/// </summary>
public sealed class ServerProcess
{
    public const int SigKill = 9;

    /// <summary>PostgreSQL's immediate shutdown: the postmaster ends its children, then itself.</summary>
    public const int SigQuit = 3;

    private const string Released = "released";

    // Reads the pipe until the owner writes "released" (it stopped the server itself) or the pipe ends (the owner is
    // gone): then stops the server if it is still the process that was started (its start time in /proc guards against
    // a reused pid; SIGCONT in case it was stopped), waits for it, kills whatever still works in the directory (children
    // left stopped by a process-tree kill cut short), and removes the directory.
    private const string WatchdogScript = """
        exec >/dev/null 2>&1
        pid=$1 start=$2 signal=$3 dir=$4
        while read -r line; do [ "$line" = released ] && exit 0; done
        alive() { s=$(cat "/proc/$pid/stat") || return 1; set -- ${s##*) }; [ "$1" != Z ] && [ "${20}" = "$start" ]; }
        if alive; then
            kill -s "$signal" "$pid"; kill -s CONT "$pid"
            i=0; while alive && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
            alive && kill -s KILL "$pid"
        fi
        find /proc/[0-9]*/cwd -maxdepth 0 \( -lname "$dir" -o -lname "$dir/*" \) | while read -r cwd; do
            cwd=${cwd#/proc/}; kill -s KILL "${cwd%/cwd}"
        done
        rm -rf "$dir"
        """;

    private static readonly Lock Gate = new();
    private static readonly List<ServerProcess> Running = [];
    private static bool _exitHandlerAdded;

    private readonly int _stopSignal;
    private readonly Process? _watchdog;

    private ServerProcess(Process process, string directory, int stopSignal)
    {
        Process = process;
        Directory = directory;
        _stopSignal = stopSignal;
        _watchdog = StartWatchdog(process.Id, directory, stopSignal);
    }

    public Process Process { get; }

    /// <summary>The server's temporary directory: removed once the server is stopped.</summary>
    public string Directory { get; }

    /// <summary>Servers of this process not stopped yet.</summary>
    public static int RunningCount
    {
        get
        {
            lock (Gate)
            {
                return Running.Count;
            }
        }
    }

    /// <summary>
    /// Takes charge of a server just started: its pids recorded in its directory (for <see cref="LocalServer.ReapOrphans"/>),
    /// its watchdog started, and stopped with <paramref name="stopSignal"/> when the assembly's tests end at the latest.
    /// </summary>
    public static ServerProcess Own(Process process, string directory, int stopSignal)
    {
        ArgumentNullException.ThrowIfNull(process);
        File.WriteAllText(Path.Combine(directory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, "server.pid"), process.Id.ToString(CultureInfo.InvariantCulture));
        File.WriteAllText(Path.Combine(directory, "server.signal"), stopSignal.ToString(CultureInfo.InvariantCulture));
        var server = new ServerProcess(process, directory, stopSignal);
        lock (Gate)
        {
            Running.Add(server);
            if (!_exitHandlerAdded)
            {
                // A fallback for test runs that do not end through TestServersFramework: signals only (a test host has
                // about 100 ms between the end of its session and being killed); the watchdogs wait and clean up.
                AppDomain.CurrentDomain.ProcessExit += (_, _) => SignalAll();
                _exitHandlerAdded = true;
            }
        }

        return server;
    }

    /// <summary>
    /// Reads the server's output and polls <paramref name="serving"/> until it is true. A server that exits meanwhile fails
    /// the wait with its output, as a <see cref="PortTakenException"/> when its port was taken before it could bind it.
    /// </summary>
    public async Task WaitUntilServingAsync(string name, int port, Func<Task<bool>> serving, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(serving);
        var log = new StringBuilder();
        void Collect(string? line)
        {
            if (line is not null)
            {
                lock (log)
                {
                    log.AppendLine(line);
                }
            }
        }

        string Output()
        {
            lock (log)
            {
                return log.ToString();
            }
        }

        Process.OutputDataReceived += (_, e) => Collect(e.Data);
        Process.ErrorDataReceived += (_, e) => Collect(e.Data);
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
        await LocalServer.WaitUntilAsync(async () =>
        {
            if (Process.HasExited)
            {
                Process.WaitForExit();
                throw PortTakenException.IsPortTaken(Output())
                    ? new PortTakenException(port, Output())
                    : new InvalidOperationException($"{name} exited ({Process.ExitCode}): {Output()}");
            }

            return await serving();
        }, timeout, () => $"{name} did not answer on port {port} within {timeout.TotalSeconds:0} s: {Output()}");
    }

    /// <summary>Stops the server (its signal, then SIGKILL after 10 s), waits for it, and removes its directory. Idempotent.</summary>
    public void Stop()
    {
        if (!Forget())
        {
            return;
        }

        try
        {
            if (!Process.HasExited)
            {
                LocalServer.Signal(Process.Id, _stopSignal);
                if (!Process.WaitForExit(TimeSpan.FromSeconds(10)))
                {
                    Process.Kill();
                    Process.WaitForExit(TimeSpan.FromSeconds(5));
                }
            }

            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Already gone, or a file still held: a temporary directory left behind is harmless; a process is not, and
            // the watchdog (released below only once the server has exited) has the last word on that.
        }
        finally
        {
            ReleaseWatchdog(HasExited());
        }
    }

    /// <summary>For a server that exited by itself whose directory is used again (a retry on another port): forgets it, keeps the directory.</summary>
    public void Release()
    {
        if (Forget())
        {
            ReleaseWatchdog(HasExited());
        }
    }

    /// <summary>
    /// Forgets the server without stopping it and ends its watchdog's pipe, as the end of a killed test host does: the
    /// watchdog stops the server and removes its directory. For tests of the watchdog.
    /// </summary>
    public void Abandon()
    {
        if (Forget())
        {
            ReleaseWatchdog(serverGone: false);
        }
    }

    /// <summary>Stops every server of this process (the end of a test assembly).</summary>
    public static void StopAll()
    {
        ServerProcess[] servers;
        lock (Gate)
        {
            servers = [.. Running];
        }

        // Every server is signalled first, so they shut down at the same time.
        foreach (var server in servers)
        {
            server.SignalStop();
        }

        foreach (var server in servers)
        {
            server.Stop();
        }
    }

    private static void SignalAll()
    {
        lock (Gate)
        {
            foreach (var server in Running)
            {
                server.SignalStop();
            }
        }
    }

    private void SignalStop()
    {
        try
        {
            if (!Process.HasExited)
            {
                LocalServer.Signal(Process.Id, _stopSignal);
            }
        }
        catch (InvalidOperationException)
        {
            // Not started or already reaped.
        }
    }

    /// <summary>
    /// Whether the server has exited; false when that cannot be told any more (its owner disposed the <see cref="Process"/>):
    /// then the watchdog, whose pipe ends, looks in /proc itself and stops the server if it still runs.
    /// </summary>
    private bool HasExited()
    {
        try
        {
            return Process.HasExited;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private bool Forget()
    {
        lock (Gate)
        {
            return Running.Remove(this);
        }
    }

    /// <summary>Tells the watchdog it has nothing left to do, or, while the server still runs, ends its pipe so it stops it.</summary>
    private void ReleaseWatchdog(bool serverGone)
    {
        if (_watchdog is null)
        {
            return;
        }

        try
        {
            if (serverGone)
            {
                _watchdog.StandardInput.WriteLine(Released);
            }

            _watchdog.StandardInput.Close();
        }
        catch (Exception e) when (e is IOException or InvalidOperationException)
        {
            // The watchdog is gone already.
        }
        finally
        {
            _watchdog.Dispose();
        }
    }

    private static Process? StartWatchdog(int pid, string directory, int stopSignal)
    {
        var start = StartTime(pid);
        if (start is null)
        {
            // No /proc (not Linux): the exit handlers and ReapOrphans remain.
            return null;
        }

        // setsid --fork: the watchdog is neither in the test host's session and process group nor among its descendants,
        // so neither a group kill nor a process-tree kill of the host reaches it.
        var setsid = LocalServer.Find("setsid");
        var info = new ProcessStartInfo(setsid ?? "sh")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        string[] arguments = [.. setsid is null ? [] : new[] { "--fork", "sh" }, "-c", WatchdogScript, "velo-server-watchdog",
            pid.ToString(CultureInfo.InvariantCulture), start, stopSignal == SigQuit ? "QUIT" : "KILL", directory];
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info);
    }

    /// <summary>Field 22 of /proc/pid/stat: when the process started, in clock ticks since boot; null without /proc.</summary>
    private static string? StartTime(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].Split(' ');
            return fields[19];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
