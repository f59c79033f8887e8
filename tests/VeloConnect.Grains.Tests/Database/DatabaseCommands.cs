using Npgsql;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>One SQL statement run on a test database: for the database tests' set-ups and checks.</summary>
internal static class DatabaseCommands
{
    public static async Task ExecuteAsync(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
