using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>A PostgreSQL server run from the binaries installed on this machine (trust authentication, loopback only).</summary>
internal sealed class LocalPostgresResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"Host=127.0.0.1;Port={Endpoint.Property(EndpointProperty.TargetPort)};Username=postgres");
}

internal static class LocalPostgresExtensions
{
    public const string BinDirectoryKey = "VeloConnect:PostgresBinDirectory";
    private const string DefaultBinDirectory = "/usr/lib/postgresql/15/bin";

    /// <summary>
    /// Adds a PostgreSQL server whose data directory (<paramref name="dataRoot"/>/postgres) survives restarts:
    /// initdb runs once, just before the first start. Healthy only once it answers a query.
    /// </summary>
    public static IResourceBuilder<LocalPostgresResource> AddLocalPostgres(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, string dataRoot)
    {
        var binDirectory = builder.Configuration[BinDirectoryKey] ?? DefaultBinDirectory;
        var postgres = LocalProcess.Find("postgres", binDirectory);
        var initdb = LocalProcess.Find("initdb", binDirectory);
        if (postgres is null || initdb is null)
        {
            throw new InvalidOperationException(
                $"The PostgreSQL 15 server binaries (postgres, initdb) are not in {binDirectory} or on PATH. "
                + $"Run ./run.sh, which installs them (apt-get install postgresql-15), or set {BinDirectoryKey}.");
        }

        var (directory, note) = LocalDataDirectory.PreparePostgresDirectory(Path.Combine(dataRoot, "postgres"));
        var dataDirectory = Path.Combine(directory, "data");
        var (command, prefix) = LocalProcess.AsPostgresUser(postgres);

        var resource = new LocalPostgresResource(name, command, directory);
        var healthCheckKey = $"{name}-ready";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new PostgresReadyCheck(resource), HealthStatus.Unhealthy, tags: null, timeout: TimeSpan.FromSeconds(5)));

        return builder.AddResource(resource)
            // DCP picks a free port; postgres itself listens on it (no proxy in between).
            .WithEndpoint(name: LocalPostgresResource.EndpointName, scheme: "tcp", isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in prefix)
                {
                    context.Args.Add(argument);
                }

                context.Args.Add("-D");
                context.Args.Add(dataDirectory);
                context.Args.Add("-p");
                context.Args.Add(resource.Endpoint.Property(EndpointProperty.TargetPort));
                context.Args.Add("-c");
                context.Args.Add("listen_addresses=127.0.0.1");
                // TCP only: a Unix socket path under a deep clone can exceed the 107-byte limit.
                context.Args.Add("-c");
                context.Args.Add("unix_socket_directories=");
            })
            .WithHealthCheck(healthCheckKey)
            .OnBeforeResourceStarted(async (server, e, cancellationToken) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(server);
                if (note is not null)
                {
                    logger.LogWarning("Data directory: {Note}", note);
                }

                await InitializeDataDirectoryAsync(initdb, dataDirectory, logger, cancellationToken);
            });
    }

    private static async Task InitializeDataDirectoryAsync(string initdb, string dataDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        if (File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Using the existing PostgreSQL data directory {DataDirectory}", dataDirectory);
            return;
        }

        if (Directory.Exists(dataDirectory) && Directory.EnumerateFileSystemEntries(dataDirectory).Any())
        {
            throw new InvalidOperationException(
                $"{dataDirectory} is not empty but holds no PostgreSQL cluster (no PG_VERSION): move it away and start again.");
        }

        logger.LogInformation("Creating the PostgreSQL data directory {DataDirectory} (initdb, first start only)", dataDirectory);
        await LocalProcess.RunAsync(
            LocalProcess.AsPostgresUser(initdb, "-D", dataDirectory, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"),
            logger,
            cancellationToken);
    }
}

/// <summary>Healthy once the server accepts a connection to its maintenance database and answers a query.</summary>
internal sealed class PostgresReadyCheck(LocalPostgresResource server) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(await server.ConnectionStringExpression.GetValueAsync(cancellationToken))
            {
                Database = "postgres",
                Timeout = 3,
                CommandTimeout = 3,
                Pooling = false,
            };
            await using var connection = new NpgsqlConnection(connectionString.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"PostgreSQL does not answer yet: {exception.Message}", exception);
        }
    }
}
