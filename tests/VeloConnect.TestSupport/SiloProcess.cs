using System.Diagnostics;
using Npgsql;

namespace VeloConnect.TestSupport;

/// <summary>
/// A silo as a process of its own: the built <c>VeloConnect.Silo.dll</c> run by <c>dotnet</c> with the settings
/// <see cref="LocalCluster"/> gives an in-process silo (as environment variables, the way Aspire passes them), so a test
/// can kill it hard (SIGKILL: no shutdown, no deactivation, no goodbye to the membership table) the way a crash or an
/// out-of-memory kill ends a silo. A watchdog kills it if the test host dies first.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const string DirectoryPrefix = "velo-silo-";
    private const int OutputLines = 200;

    private readonly Process _process;
    private readonly ServerProcess _owned;
    private readonly string _directory;
    private readonly Queue<string> _output = new();

    private readonly IReadOnlyDictionary<string, string?> _settings;

    private SiloProcess(Process process, ServerProcess owned, string directory, IReadOnlyDictionary<string, string?> settings)
    {
        _process = process;
        _owned = owned;
        _directory = directory;
        _settings = settings;
        SiloPort = int.Parse(settings["Orleans:Endpoints:SiloPort"]!);
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>The silo-to-silo port: with 127.0.0.1, what tells this silo apart in the membership table and in silo addresses.</summary>
    public int SiloPort { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>
    /// Starts a silo process with the shared settings of a test cluster (<see cref="LocalCluster.Settings"/>, plus any
    /// test overrides) and waits until it is an active member of the cluster.
    /// Its Orleans ports are chosen free, but another process may take one before the silo binds it (the silo then exits
    /// saying "Address already in use"): it starts again on other ports, as <see cref="LocalCluster.StartSiloAsync"/> does.
    /// </summary>
    public static async Task<SiloProcess> StartAsync(IReadOnlyDictionary<string, string?> settings, TimeSpan? timeout = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await LaunchAsync(LocalCluster.SiloSettings(settings), timeout);
            }
            catch (InvalidOperationException e) when (attempt < 5 && LocalServer.IsPortTaken(e))
            {
                // Another attempt on other ports.
            }
        }
    }

    /// <summary>
    /// Starts this (exited) silo again with the very same settings, ports included, as the AppHost restarts a crashed
    /// silo: the new incarnation (a new generation on the same address) supersedes the dead one in the membership table.
    /// </summary>
    public Task<SiloProcess> StartAgainAsync(TimeSpan? timeout = null)
    {
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"The silo process {_process.Id} still runs: kill it first.");
        }

        return LaunchAsync(_settings, timeout);
    }

    private static async Task<SiloProcess> LaunchAsync(IReadOnlyDictionary<string, string?> siloSettings, TimeSpan? timeout)
    {
        LocalServer.ReapOrphans(DirectoryPrefix);
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(SiloAssembly)!,
        };
        info.ArgumentList.Add(SiloAssembly);
        foreach (var (key, value) in siloSettings)
        {
            info.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        }

        info.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        info.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        // Nothing of the test host's own hosting set-up leaks into the silo.
        info.Environment.Remove("ASPNETCORE_HOSTINGSTARTUPASSEMBLIES");
        info.Environment.Remove("OTEL_EXPORTER_OTLP_ENDPOINT");

        // A silo started again on the same port joins as a new generation: only a generation newer than any before counts.
        var previousGeneration = await LatestGenerationAsync(siloSettings);
        var directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {SiloAssembly}.");
        var owned = LocalServer.RecordPids(directory, process);
        var silo = new SiloProcess(process, owned, directory, siloSettings);
        try
        {
            await silo.WaitUntilActiveAsync(previousGeneration, timeout ?? TimeSpan.FromMinutes(2));
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }

        return silo;
    }

    /// <summary>Ends the process at once with SIGKILL, as a crash would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>The last lines the silo wrote (for failure messages).</summary>
    public string Output()
    {
        lock (_output)
        {
            return string.Join('\n', _output);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await KillAsync();
        }
        finally
        {
            // Stopped and forgotten before its Process object is disposed: the end of the test assembly has nothing left to stop.
            _owned.Stop();
            _process.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (IOException)
            {
                // The watchdog removes it when the test host ends.
            }
        }
    }

    private void Remember(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.Enqueue(line);
            if (_output.Count > OutputLines)
            {
                _output.Dequeue();
            }
        }
    }

    /// <summary>Active (status 3) in the cluster's membership table as a generation after <paramref name="previousGeneration"/>: joined, and its grains can be placed on it.</summary>
    private Task WaitUntilActiveAsync(int previousGeneration, TimeSpan timeout) => LocalServer.WaitUntilAsync(async () =>
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The silo process exited ({_process.ExitCode}) before it joined the cluster:\n{Output()}");
        }

        return await MembershipAsync(_settings, "count(*) filter (where status = 3 and generation > @previous)", previousGeneration) > 0;
    }, timeout, () => $"The silo process on port {SiloPort} did not become active in the cluster within {timeout.TotalSeconds:F0} s:\n{Output()}");

    private static Task<int> LatestGenerationAsync(IReadOnlyDictionary<string, string?> settings) =>
        MembershipAsync(settings, "coalesce(max(generation), 0)", 0);

    /// <summary>An aggregate over the membership rows of the silo port in <paramref name="settings"/>.</summary>
    private static async Task<int> MembershipAsync(IReadOnlyDictionary<string, string?> settings, string aggregate, int previous)
    {
        await using var connection = new NpgsqlConnection(settings["ConnectionStrings:contactsdb"]);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            $"select {aggregate} from orleans_membership where deployment_id = @cluster and port = @port", connection);
        command.Parameters.AddWithValue("cluster", settings["Orleans:ClusterId"]!);
        command.Parameters.AddWithValue("port", int.Parse(settings["Orleans:Endpoints:SiloPort"]!));
        command.Parameters.AddWithValue("previous", previous);
        return Convert.ToInt32(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// The silo's entry assembly as built for this test run: test projects reference the silo project, so its dll (with
    /// its runtimeconfig.json and deps.json) is copied next to theirs; otherwise the silo project's own output of the same
    /// configuration and target framework.
    /// </summary>
    public static string SiloAssembly { get; } = FindSiloAssembly();

    private static string FindSiloAssembly()
    {
        const string name = "VeloConnect.Silo";
        var here = AppContext.BaseDirectory;
        if (File.Exists(Path.Combine(here, name + ".dll")) && File.Exists(Path.Combine(here, name + ".runtimeconfig.json")))
        {
            return Path.Combine(here, name + ".dll");
        }

        // …/tests/<project>/bin/<configuration>/<framework>/
        var framework = new DirectoryInfo(here.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!;
        for (var directory = framework; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "src", name, "bin", configuration.Name, framework.Name, name + ".dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{name}.dll was not found next to the tests ({here}) nor in src/{name}/bin/{configuration.Name}/{framework.Name}: "
            + $"reference the silo project from the test project (so the build copies it) or build src/{name}.");
    }

    /// <summary>The dotnet host running the tests (DOTNET_HOST_PATH, set by the SDK), else the one on PATH.</summary>
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host)
            ? host
            : LocalServer.Find("dotnet", "/usr/share/dotnet", "/usr/lib/dotnet") ?? "dotnet";
}
