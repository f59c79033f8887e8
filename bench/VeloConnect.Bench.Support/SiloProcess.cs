using System.Diagnostics;
using System.Globalization;
using Npgsql;
using VeloConnect.TestSupport;

namespace VeloConnect.Bench.Support;

/// <summary>
/// The silo in a process of its own (<c>dotnet VeloConnect.Silo.dll</c>, configured through environment variables as
/// the AppHost configures it), so that its memory is measured apart from the API and the bench's own data.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private SiloProcess(Process process, string directory)
    {
        _process = process;
        _directory = directory;
    }

    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, string environment, NpgsqlDataSource dataSource)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "VeloConnect.Silo.dll"));
        foreach (var (key, value) in LocalCluster.SiloSettings(settings))
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = environment;
        info.Environment["DOTNET_ENVIRONMENT"] = environment;
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        var process = Process.Start(info) ?? throw new BenchFailure("Could not start the silo process.");
        var directory = Directory.CreateTempSubdirectory("veloconnect-bench-silo-").FullName;
        LocalServer.RecordPids(directory, process);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => Keep(output, line.Data);
        process.ErrorDataReceived += (_, line) => Keep(output, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var clusterId = settings["Orleans:ClusterId"];
        await LocalServer.WaitUntilAsync(async () =>
        {
            if (process.HasExited)
            {
                throw new BenchFailure($"The silo process exited ({process.ExitCode}): {string.Join('\n', output)}");
            }

            // Active (3) in the membership table: the silo has joined and its gateway takes clients.
            await using var command = dataSource.CreateCommand("select count(*) from orleans_membership where deployment_id = @cluster and status = 3");
            command.Parameters.AddWithValue("cluster", clusterId!);
            return (long)(await command.ExecuteScalarAsync())! > 0;
        }, TimeSpan.FromSeconds(60), () => "The silo process did not join the cluster within 60 s: " + string.Join('\n', output));
        return new SiloProcess(process, directory);
    }

    /// <summary>The most memory the silo process has held resident so far (VmHWM).</summary>
    public double PeakMegabytes() => PeakMegabytes(_process.Id) ?? throw new BenchFailure("/proc gives no VmHWM for the silo process.");

    /// <summary>A process's peak resident memory so far (VmHWM), or null when /proc no longer has it (the process has ended).</summary>
    public static double? PeakMegabytes(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line["VmHWM:".Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024.0;
                }
            }
        }
        catch (IOException)
        {
            // Gone (DirectoryNotFoundException, FileNotFoundException, or ESRCH while reading).
        }

        return null;
    }

    /// <summary>
    /// The processor time the silo process has used so far (user and system, <c>/proc/&lt;pid&gt;/stat</c>), in seconds: a
    /// diagnosis less sensitive than wall time to other work on the machine.
    /// </summary>
    public double CpuSeconds() => ProcessCpu.Seconds(_process.Id);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Asked to stop first (SIGTERM: the host stops, the silo leaves the cluster and a diagnostics trace of it, if
            // any, is written whole); killed when it has not stopped within a few seconds.
            if (OperatingSystem.IsLinux() && Kill(_process.Id, 15) == 0)
            {
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    // Killed below.
                }
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // The watchdog removes it as well.
        }
    }

    private static void Keep(System.Collections.Concurrent.ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 200)
        {
            output.TryDequeue(out _);
        }
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
