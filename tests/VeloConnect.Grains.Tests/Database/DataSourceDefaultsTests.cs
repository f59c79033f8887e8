using Npgsql;
using VeloConnect.Data;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>The application's connections run without PostgreSQL's JIT compilation, unless the connection string asks for it.</summary>
public sealed class DataSourceDefaultsTests
{
    [Theory]
    [InlineData("", "off")]
    [InlineData(";Options=-c statement_timeout=60000", "off")]
    [InlineData(";Options=-c jit=on", "on")]
    public async Task Jit_is_off_unless_the_connection_string_sets_it(string suffix, string expected)
    {
        var builder = new NpgsqlDataSourceBuilder(await TestPostgres.CreateDatabaseAsync("jit") + suffix);
        DataSourceDefaults.Configure(builder);
        await using var db = builder.Build();
        await using var command = db.CreateCommand("select current_setting('jit') || ' ' || current_setting('statement_timeout')");
        var (jit, timeout) = ((string)(await command.ExecuteScalarAsync())!).Split(' ') is [var j, var t] ? (j, t) : ("", "");
        Assert.Equal(expected, jit);
        Assert.Equal(suffix.Contains("statement_timeout") ? "1min" : "0", timeout);
    }
}
