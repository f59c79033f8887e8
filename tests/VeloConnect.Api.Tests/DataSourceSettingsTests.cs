using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>The API's own connections to PostgreSQL are set up by <c>DataSourceDefaults</c> (the silo's by the same call in <c>SiloSetup</c>).</summary>
[Collection(ApiCollection.Name)]
public sealed class DataSourceSettingsTests(ApiFixture fixture)
{
    [Fact]
    public async Task The_apis_connections_run_without_jit_compilation()
    {
        var db = fixture.ApiServices.GetRequiredService<NpgsqlDataSource>();
        await using var command = db.CreateCommand("select current_setting('jit')");
        Assert.Equal("off", await command.ExecuteScalarAsync());
    }
}
