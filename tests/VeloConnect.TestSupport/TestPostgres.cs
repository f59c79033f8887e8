using System.Diagnostics;
using Npgsql;
using VeloConnect.Data;

namespace VeloConnect.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for the tests of one process: initdb into a temporary directory,
/// started on a free loopback port with durability off (fast), killed when the process exits.
/// Each test class asks for its own database, migrated to the current schema.
/// </summary>
public sealed class TestPostgres
{
    private static readonly Lazy<Task<TestPostgres>> Shared = new(StartAsync);
    private static int _databaseCounter;

    private readonly Process _server;
    private readonly string _directory;

    private TestPostgres(Process server, string directory, int port)
    {
        _server = server;
        _directory = directory;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    public int Port { get; }

    public static Task<TestPostgres> InstanceAsync() => Shared.Value;

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>Creates a fresh database, applies every migration, and returns its connection string.</summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var server = await InstanceAsync();
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}".ToLowerInvariant();
        var connectionString = server.ConnectionString(name);
        await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await DatabaseMigrator.MigrateAsync(dataSource);
        return connectionString;
    }

    private static async Task<TestPostgres> StartAsync()
    {
        const string binaries = "/usr/lib/postgresql/15/bin";
        var initdb = LocalServer.Find("initdb", binaries)
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, postgres) were not found: install postgresql-15 (./test.sh does).");
        var postgres = Path.Combine(Path.GetDirectoryName(initdb)!, "postgres");

        LocalServer.ReapOrphans("velo-pg-");
        var directory = Directory.CreateTempSubdirectory("velo-pg-").FullName;
        var data = Path.Combine(directory, "data");
        // initdb and postgres refuse to run as root: run them as the postgres user, who must own the directory.
        string[] asUser = LocalServer.IsRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
        if (LocalServer.IsRoot)
        {
            LocalServer.Run("chown", "postgres:postgres", directory);
        }

        Launch(asUser, initdb, "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync").WaitForExitOrThrow("initdb");

        var port = LocalServer.FreePort();
        var server = Launch(asUser, postgres, "-D", data, "-p", port.ToString(), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=256MB");
        LocalServer.RecordPids(directory, server);
        var log = new System.Text.StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();

        var instance = new TestPostgres(server, directory, port);
        await LocalServer.WaitUntilAsync(async () =>
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"postgres exited ({server.ExitCode}): {log}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(instance.ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(30), () => $"postgres did not accept connections on port {port} within 30 s: {log}");
        return instance;
    }

    private static Process Launch(string[] prefix, string file, params string[] arguments) =>
        prefix.Length == 0 ? LocalServer.Start(file, arguments) : LocalServer.Start(prefix[0], [.. prefix[1..], file, .. arguments]);

    private void Stop()
    {
        try
        {
            if (!_server.HasExited)
            {
                _server.Kill(entireProcessTree: true);
                _server.WaitForExit(5000);
            }

            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception)
        {
            // Best effort at process exit: a temp directory left behind is harmless.
        }
    }
}

internal static class ProcessExtensions
{
    public static void WaitForExitOrThrow(this Process process, string what)
    {
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{what} failed ({process.ExitCode}): {output.Result}{error.Result}");
        }
    }
}
