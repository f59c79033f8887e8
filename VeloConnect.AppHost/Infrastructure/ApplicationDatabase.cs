using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using VeloConnect.Data;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>
/// The application's database and the role the services log in as (issue 15): the services get a connection string for
/// <see cref="DatabaseRole.DefaultName"/>, never the superuser's. The role is made, and handed the database, by a one-time
/// bootstrap that holds the superuser's credentials: here in run mode (the AppHost owns the server), and in a deployment a
/// one-shot step of the manifest (<see cref="BootstrapResourceName"/>) that the services wait for.
/// </summary>
internal static class ApplicationDatabase
{
    public const string Role = DatabaseRole.DefaultName;

    /// <summary>The manifest's one-shot bootstrap: the silo's image run with <see cref="BootstrapCommand"/>.</summary>
    public const string BootstrapResourceName = "contactsdb-bootstrap";

    /// <summary>The silo's argument that runs the bootstrap and exits (see VeloConnect.Silo's DatabaseBootstrapCommand).</summary>
    public const string BootstrapCommand = "bootstrap-database";

    /// <summary>
    /// Adds the database <paramref name="name"/> on <paramref name="server"/>, reached at <paramref name="address"/>
    /// (<c>Host=…;Port=…</c>) as the application role with <paramref name="password"/>. In run mode the role is
    /// bootstrapped once the server is ready, and the database's dependents wait for that.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddApplicationDatabase<TServer>(
        this IDistributedApplicationBuilder builder, [ResourceName] string name, IResourceBuilder<TServer> server,
        ReferenceExpression address, IResourceBuilder<ParameterResource> password)
        where TServer : class, IResourceWithConnectionString
    {
        if (builder.ExecutionContext.IsRunMode)
        {
            // Dependents wait for the ready handlers, not only for the health check.
            server.OnResourceReady(async (resource, e, cancellationToken) =>
            {
                var logger = e.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                var superuser = new NpgsqlConnectionStringBuilder(await resource.ConnectionStringExpression.GetValueAsync(cancellationToken))
                {
                    Database = name,
                    Timeout = 5,
                };
                await DatabaseRole.BootstrapAsync(superuser.ConnectionString, Role, await password.Resource.GetValueAsync(cancellationToken), cancellationToken);
                logger.LogInformation("Database {Database} belongs to the role {Role}, which the services log in as", name, Role);
            });
        }

        return builder
            .AddConnectionString(name, ReferenceExpression.Create($"{address};Username={Role};Password={password.Resource};Database={name}"))
            .WaitFor(server);
    }

    /// <summary>
    /// The deployment's bootstrap: the silo's image, run once with the superuser's connection string (the server's), the
    /// database's name, the role and its password. Only this step of the manifest holds the superuser's credentials.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddApplicationDatabaseBootstrap<TServer>(
        this IDistributedApplicationBuilder builder, string database, IResourceBuilder<TServer> server, IResourceBuilder<ParameterResource> password)
        where TServer : class, IResourceWithConnectionString =>
        builder.AddProject<Projects.VeloConnect_Silo>(BootstrapResourceName, launchProfileName: null)
            .WithArgs(BootstrapCommand)
            .WithReference(server).WaitFor(server)
            .WithEnvironment("VeloConnect__Database__Server", server.Resource.Name)
            .WithEnvironment("VeloConnect__Database__Name", database)
            .WithEnvironment("VeloConnect__Database__Role", Role)
            .WithEnvironment("VeloConnect__Database__Password", password);
}
