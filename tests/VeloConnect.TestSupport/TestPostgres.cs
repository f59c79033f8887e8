using System.Diagnostics;
using Npgsql;
using VeloConnect.Data;

namespace VeloConnect.TestSupport;

/// <summary>
/// A throwaway PostgreSQL server for the tests of one process: initdb into a temporary directory,
/// started on a free loopback port with durability off (fast), stopped (immediate shutdown) when the assembly's tests end
/// (see <see cref="ServerProcess"/>). Each test class asks for its own database, migrated to the current schema.
/// </summary>
public sealed class TestPostgres
{
    private static readonly Lazy<Task<TestPostgres>> Shared = new(StartAsync);
    private static int _databaseCounter;

    private TestPostgres(ServerProcess server, int port)
    {
        Server = server;
        Port = port;
    }

    /// <summary>The postmaster; <see cref="ServerProcess.Stop"/> shuts it down with its children.</summary>
    public ServerProcess Server { get; }

    public int Port { get; }

    public static Task<TestPostgres> InstanceAsync() => Shared.Value;

    /// <summary>Starts a separate server (for tests of the server's own life: stopping it, losing its owner).</summary>
    public static Task<TestPostgres> StartOwnAsync() => StartAsync();

    /// <summary>The superuser's connection string: for the bootstrap, and tests of what only it may do.</summary>
    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Include Error Detail=true";

    /// <summary>The application role's connection string (the services never hold the superuser's).</summary>
    public string AppConnectionString(string database) =>
        DatabaseRole.ConnectionStringFor(ConnectionString(database), DatabaseRole.DefaultName, password: null);

    /// <summary>
    /// Creates a fresh database as the superuser, hands it to the application role (the bootstrap of issue 15), applies
    /// every migration as that role, and returns the role's connection string: so every test proves the role suffices.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var server = await InstanceAsync();
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}".ToLowerInvariant();
        // Trust authentication: the role needs no password here.
        var connectionString = await DatabaseRole.BootstrapAsync(server.ConnectionString(name), DatabaseRole.DefaultName, password: null);
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

        return await LocalServer.StartOnFreePortAsync(port => StartServerAsync(asUser, postgres, directory, data, port));
    }

    private static async Task<TestPostgres> StartServerAsync(string[] asUser, string postgres, string directory, string data, int port)
    {
        var process = Launch(asUser, postgres, "-D", data, "-p", port.ToString(), "-k", directory,
            "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "synchronous_commit=off",
            "-c", "full_page_writes=off", "-c", "max_connections=300", "-c", "shared_buffers=256MB");
        var server = ServerProcess.Own(process, directory, ServerProcess.SigQuit);
        var instance = new TestPostgres(server, port);
        try
        {
            await server.WaitUntilServingAsync("postgres", port, async () =>
            {
                try
                {
                    await using var connection = new NpgsqlConnection(instance.ConnectionString("postgres") + ";Pooling=false;Timeout=2");
                    await connection.OpenAsync();
                    // Its data directory tells this server from one that took the port in the meantime.
                    await using var command = new NpgsqlCommand("show data_directory", connection);
                    return await command.ExecuteScalarAsync() as string == data;
                }
                catch (NpgsqlException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(30));
        }
        catch (PortTakenException)
        {
            // The data directory serves the next attempt.
            server.Release();
            throw;
        }

        return instance;
    }

    private static Process Launch(string[] prefix, string file, params string[] arguments) =>
        prefix.Length == 0 ? LocalServer.Start(file, arguments) : LocalServer.Start(prefix[0], [.. prefix[1..], file, .. arguments]);
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
