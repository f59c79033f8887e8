using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VeloConnect.Data;

/// <summary>
/// Creates the database if needed and applies the migrations when the host starts, before the hosted services
/// registered after it (Orleans reads its provider queries from the database at start-up). Several silos and API
/// replicas starting together take turns on an advisory lock; the server may still be starting, so it retries.
/// </summary>
public sealed partial class DatabaseMigrationService(NpgsqlDataSource dataSource, string? connectionString, ILogger<DatabaseMigrationService> logger) : IHostedService
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                if (connectionString is not null)
                {
                    await DatabaseMigrator.EnsureDatabaseAsync(connectionString, cancellationToken);
                }

                var applied = await DatabaseMigrator.MigrateAsync(dataSource, cancellationToken);
                LogMigrated(logger, applied.Count, string.Join(", ", applied));
                return;
            }
            catch (NpgsqlException e) when (DateTime.UtcNow < deadline && e is not PostgresException { SqlState: not ("57P03" or "3D000") })
            {
                // Connection refused, the server starting up (57P03) or the database not created yet (3D000): wait.
                LogWaiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Database schema is current ({Count} migration(s) applied now: {Versions})")]
    private static partial void LogMigrated(ILogger logger, int count, string versions);

    [LoggerMessage(Level = LogLevel.Information, Message = "Waiting for PostgreSQL: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);
}

public static class DatabaseMigrationExtensions
{
    /// <summary>Register before anything that needs the schema (Orleans' ADO.NET providers, the API's seeding).</summary>
    public static IServiceCollection AddDatabaseMigration(this IServiceCollection services, string? connectionString) =>
        services.AddHostedService(provider => new DatabaseMigrationService(
            provider.GetRequiredService<NpgsqlDataSource>(), connectionString, provider.GetRequiredService<ILogger<DatabaseMigrationService>>()));
}
