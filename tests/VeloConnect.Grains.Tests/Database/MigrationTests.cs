using Npgsql;
using VeloConnect.Data;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Grains.Tests.Database;

public sealed class MigrationTests
{
    [Fact]
    public async Task Concurrent_starts_apply_each_migration_exactly_once()
    {
        var server = await TestPostgres.InstanceAsync();
        var connectionString = server.ConnectionString("migrate_" + Guid.NewGuid().ToString("N")[..8]);

        // Five processes starting together: database creation and migrations must not race.
        var runs = await Task.WhenAll(Enumerable.Range(0, 5).Select(async _ =>
        {
            await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
            await using var dataSource = NpgsqlDataSource.Create(connectionString);
            return await DatabaseMigrator.MigrateAsync(dataSource);
        }));

        var expected = DatabaseMigrator.Migrations.Select(m => m.Version).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, runs.SelectMany(r => r).Order());
        Assert.Single(runs, r => r.Count > 0);
        await using var check = NpgsqlDataSource.Create(connectionString);
        await using var command = check.CreateCommand("select version from schema_migrations order by version");
        var applied = new List<int>();
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                applied.Add(reader.GetInt32(0));
            }
        }

        Assert.Equal(expected, applied);
        Assert.Empty(await DatabaseMigrator.MigrateAsync(check));
    }

    [Fact]
    public void Migrations_are_numbered_without_gaps()
    {
        var versions = DatabaseMigrator.Migrations.Select(m => m.Version).ToList();
        Assert.Equal(Enumerable.Range(1, versions.Count), versions);
    }
}
