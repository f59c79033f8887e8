using Npgsql;

namespace VeloConnect.Data;

/// <summary>
/// How the application's connections to PostgreSQL are set up, whatever the connection string (the API and the silos apply it
/// to their data source). PostgreSQL's JIT compilation is off unless the connection string sets it: it starts for any
/// statement the planner costs above <c>jit_above_cost</c>: the contact list with a search and three filters compiled for
/// 24 ms on every request, and the number-field filter answered in 23 ms at p50 with it against 3.6 ms without
/// (docs/decisions.md, "PostgreSQL's JIT off for the application's connections").
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
