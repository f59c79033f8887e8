using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;

namespace VeloConnect.Data;

/// <summary>
/// Applies the versioned SQL scripts embedded under <c>Migrations/</c> (<c>NNNN_name.sql</c>), each once,
/// in order, each in its own transaction. Several silos and API replicas may start together: a
/// PostgreSQL advisory lock makes them take turns, and the later ones find nothing left to do.
/// </summary>
public static partial class DatabaseMigrator
{
    // Any constant shared by every process that migrates this database.
    private const long MigrationLockKey = 0x56656C6F_436F6E6E; // "VeloConn"

    public static IReadOnlyList<Migration> Migrations { get; } = LoadMigrations();

    /// <summary>Creates the database named in the connection string if it is missing (a local server has none yet).</summary>
    public static async Task EnsureDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString) { Pooling = false };
        var database = builder.Database ?? throw new InvalidOperationException("The connection string names no database.");
        try
        {
            // Usually there: the application's role (issue 15) may reach only its own database, not the maintenance one.
            await using var target = new NpgsqlConnection(builder.ConnectionString);
            await target.OpenAsync(cancellationToken);
            return;
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
        {
            // Missing: create it from the maintenance database.
        }

        builder.Database = "postgres";
        await using var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @name", connection);
        exists.Parameters.AddWithValue("name", database);
        if (await exists.ExecuteScalarAsync(cancellationToken) is not null)
        {
            return;
        }

        try
        {
            await using var create = new NpgsqlCommand($"create database \"{database.Replace("\"", "\"\"")}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another process created it first (at the same moment, PostgreSQL reports the catalog's unique violation).
        }
    }

    /// <summary>Applies the migrations not yet applied; returns the versions this call applied.</summary>
    public static Task<IReadOnlyList<int>> MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken = default) =>
        MigrateToAsync(dataSource, int.MaxValue, cancellationToken);

    /// <summary>Applies the migrations not yet applied up to <paramref name="lastVersion"/> (a migration's test builds the schema before it).</summary>
    public static async Task<IReadOnlyList<int>> MigrateToAsync(NpgsqlDataSource dataSource, int lastVersion, CancellationToken cancellationToken = default)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await Execute(connection, "select pg_advisory_lock(@key)", cancellationToken, ("key", MigrationLockKey));
        try
        {
            await Execute(connection, """
                create table if not exists schema_migrations (
                    version integer primary key,
                    name text not null,
                    applied_at timestamptz not null default now())
                """, cancellationToken);
            var applied = new HashSet<int>();
            await using (var read = new NpgsqlCommand("select version from schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    applied.Add(reader.GetInt32(0));
                }
            }

            var done = new List<int>();
            foreach (var migration in Migrations.Where(m => !applied.Contains(m.Version) && m.Version <= lastVersion))
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var script = new NpgsqlCommand(migration.Sql, connection, transaction))
                {
                    await script.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand("insert into schema_migrations (version, name) values (@version, @name)", connection, transaction))
                {
                    record.Parameters.AddWithValue("version", migration.Version);
                    record.Parameters.AddWithValue("name", migration.Name);
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
                done.Add(migration.Version);
            }

            return done;
        }
        finally
        {
            await Execute(connection, "select pg_advisory_unlock(@key)", CancellationToken.None, ("key", MigrationLockKey));
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static List<Migration> LoadMigrations()
    {
        var assembly = typeof(DatabaseMigrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = MigrationName().Match(resource);
            if (!match.Success)
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }

        var duplicates = migrations.GroupBy(m => m.Version).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0)
        {
            throw new InvalidOperationException($"Two migrations share version(s) {string.Join(", ", duplicates)}.");
        }

        return [.. migrations.OrderBy(m => m.Version)];
    }

    [GeneratedRegex(@"\.Migrations\.(?<version>\d{4})_(?<name>[A-Za-z0-9_]+)\.sql$")]
    private static partial Regex MigrationName();
}

public sealed record Migration(int Version, string Name, string Sql);
