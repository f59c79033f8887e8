using Npgsql;

namespace VeloConnect.Data;

/// <summary>
/// How the application's connections to PostgreSQL are set up, whatever the connection string (the API and the silos apply it
/// to their data source). PostgreSQL's JIT compilation is off unless the connection string sets it: it starts for any
/// statement the planner costs above <c>jit_above_cost</c>, and a contact list with a search and three filters paid
/// 20-25 ms of compilation for a 25 ms query (docs/decisions.md, "The search in a table of its own").
/// </summary>
public static class DataSourceDefaults
{
    public static void Configure(NpgsqlDataSourceBuilder builder)
    {
        var options = builder.ConnectionStringBuilder.Options;
        if (options is null || !options.Contains("jit", StringComparison.OrdinalIgnoreCase))
        {
            builder.ConnectionStringBuilder.Options = $"{options} -c jit=off".Trim();
        }
    }
}
