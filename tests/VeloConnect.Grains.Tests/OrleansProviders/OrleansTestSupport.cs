using Npgsql;
using Orleans.Hosting;
using Orleans.TestingHost;
using Xunit;

namespace VeloConnect.Grains.Tests.OrleansProviders;

/// <summary>Shared set-up of the Orleans provider tests: provider configuration, database look-ups, polling.</summary>
internal static class OrleansTestSupport
{
    public const string Invariant = "Npgsql";

    /// <summary>Configuration key under which the test clusters pass the database to their configurators.</summary>
    public const string ConnectionStringKey = "VeloConnectTests:OrleansDatabase";

    public static void AddTestStorage(ISiloBuilder silo, string connectionString)
    {
        silo.AddAdoNetGrainStorage("Default", o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
        });
        silo.AddAdoNetGrainStorage("DeleteOnClear", o =>
        {
            o.Invariant = Invariant;
            o.ConnectionString = connectionString;
            o.DeleteStateOnClear = true;
        });
    }

    /// <summary>A one-silo in-process cluster (in-memory membership) with the ADO.NET storages on the database.</summary>
    public static async Task<InProcessTestCluster> StartStorageClusterAsync(string connectionString, string serviceId)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ServiceId = serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => AddTestStorage(silo, connectionString));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    public static async Task StopAsync(InProcessTestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    public static async Task StopAsync(TestCluster cluster)
    {
        await cluster.StopAllSilosAsync();
        await cluster.DisposeAsync();
    }

    /// <summary>The stored row of a string-keyed grain (the whole key is the id's extension string).</summary>
    public static async Task<StoredRow?> ReadRowAsync(string connectionString, string serviceId, string key)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            select payload, version, grain_type from orleans_grain_state
             where service_id = @service and grain_id_extension = @key and grain_id_n0 = 0 and grain_id_n1 = 0
            """, connection);
        command.Parameters.AddWithValue("service", serviceId);
        command.Parameters.AddWithValue("key", key);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return null;
        }

        var row = new StoredRow(reader.IsDBNull(0) ? null : (byte[])reader[0], reader.GetInt32(1), reader.GetString(2));
        Assert.False(await reader.ReadAsync(), $"More than one stored row for '{key}'.");
        return row;
    }

    public static async Task<int> ExecuteAsync(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ExecuteScalarAsync<T>(string connectionString, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The membership rows of a cluster: silo address (ip:port@generation) to status (3 Active, 6 Dead).</summary>
    public static async Task<Dictionary<string, int>> MembershipAsync(string connectionString, string clusterId)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select address, port, generation, status from orleans_membership where deployment_id = @cluster", connection);
        command.Parameters.AddWithValue("cluster", clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<string, int>();
        while (await reader.ReadAsync())
        {
            rows[$"S{reader.GetString(0)}:{reader.GetInt32(1)}:{reader.GetInt32(2)}"] = reader.GetInt32(3);
        }

        return rows;
    }

    /// <summary>Polls until the condition holds, or fails with the description after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<Task<string>> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Not reached within {timeout.TotalSeconds:0} s: {await describe()}");
            }

            await Task.Delay(100);
        }
    }
}

public sealed record StoredRow(byte[]? Payload, int Version, string GrainType);
