using System.Diagnostics;
using Npgsql;
using VeloConnect.Data;

namespace VeloConnect.TestSupport;

/// <summary>
/// A PostgreSQL server of one test's own, which the test can stop at once (<c>pg_ctl stop -m immediate</c>: every
/// connection is cut, nothing is shut down cleanly, as in a crash) and start again on the same port and data directory.
/// The shared <see cref="TestPostgres"/> serves every other test of the process, so a restart test must not use it.
/// </summary>
public sealed class RestartablePostgres : IAsyncDisposable
{
    private const string Binaries = "/usr/lib/postgresql/15/bin";
    private const string DirectoryPrefix = "velo-pgr-";

    private readonly string _directory;
    private readonly string _data;
    private readonly string[] _asUser;
    private Process? _server;
    private ServerProcess? _owned;

    private RestartablePostgres(string directory, string[] asUser, int port)
    {
        _directory = directory;
        _data = Path.Combine(directory, "data");
        _asUser = asUser;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>Creates a server (initdb), starts it, and creates a migrated database <paramref name="database"/> in it.</summary>
    public static async Task<RestartablePostgres> StartAsync(string database)
    {
        var initdb = LocalServer.Find("initdb", Binaries)
            ?? throw new InvalidOperationException("PostgreSQL server binaries (initdb, postgres) were not found: install postgresql-15 (./test.sh does).");
        LocalServer.ReapOrphans(DirectoryPrefix);
        var directory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        // initdb and postgres refuse to run as root: run them as the postgres user, who must own the directory.
        string[] asUser = LocalServer.IsRoot ? ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--"] : [];
        if (LocalServer.IsRoot)
        {
            LocalServer.Run("chown", "postgres:postgres", directory);
        }

        var server = new RestartablePostgres(directory, asUser, LocalServer.FreePort());
        server.Run(initdb, "-D", server._data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync");
        await server.StartAgainAsync();
        var connectionString = server.ConnectionString(database);
        await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await DatabaseMigrator.MigrateAsync(dataSource);
        return server;
    }

    /// <summary>Stops the server immediately: the postmaster kills its backends; clients see their connections drop.</summary>
    public async Task StopImmediatelyAsync()
    {
        if (_server is null || _server.HasExited)
        {
            return;
        }

        Run(Path.Combine(Binaries, "pg_ctl"), "stop", "-D", _data, "-m", "immediate", "-w");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _server.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Starts the server on its port and data directory (after <see cref="StopImmediatelyAsync"/>: crash recovery first) and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        // The server stopped before is forgotten (its directory is this one's too) and its Process object let go.
        _owned?.Release();
        _server?.Dispose();
        // Commits are durable as in production (synchronous_commit on: an immediate stop loses no committed transaction);
        // fsync stays off for speed, which only an operating-system crash could tell.
        var server = Launch(Path.Combine(Binaries, "postgres"), "-D", _data, "-p", Port.ToString(), "-k", _directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=on", "-c", "max_connections=200");
        _server = server;
        _owned = LocalServer.RecordPids(_directory, server);
        var log = new System.Text.StringBuilder();
        server.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        server.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        server.BeginErrorReadLine();
        server.BeginOutputReadLine();
        await LocalServer.WaitUntilAsync(async () =>
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"postgres exited ({server.ExitCode}): {log}");
            }

            try
            {
                await using var connection = new NpgsqlConnection(ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                await connection.OpenAsync();
                return true;
            }
            catch (NpgsqlException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(60), () => $"postgres did not accept connections on port {Port} within 60 s: {log}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopImmediatelyAsync();
        }
        finally
        {
            // Stopped and forgotten before its Process object is disposed: the end of the test assembly has nothing left to stop.
            _owned?.Stop();
            _server?.Dispose();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // The watchdog removes it when the test host ends.
            }
        }
    }

    private Process Launch(string file, params string[] arguments) =>
        _asUser.Length == 0 ? LocalServer.Start(file, arguments) : LocalServer.Start(_asUser[0], [.. _asUser[1..], file, .. arguments]);

    private void Run(string file, params string[] arguments)
    {
        if (_asUser.Length == 0)
        {
            LocalServer.Run(file, arguments);
        }
        else
        {
            LocalServer.Run(_asUser[0], [.. _asUser[1..], file, .. arguments]);
        }
    }
}
