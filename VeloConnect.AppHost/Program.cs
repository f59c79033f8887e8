using Microsoft.Extensions.Configuration;
using VeloConnect.AppHost;
using VeloConnect.AppHost.Deployment;
using VeloConnect.AppHost.Infrastructure;
using VeloConnect.AppHost.Orleans;

// The committed aspire-manifest.json is generated from this file (the AppHost tests fail when it is stale):
//   dotnet run --project VeloConnect.AppHost -- --publisher manifest --output-path ../aspire-manifest.json

var builder = DistributedApplication.CreateBuilder(args);

// Containers when an engine answers (and always in the manifest), otherwise the locally installed
// servers; VeloConnect:Infrastructure = containers | local | auto forces the choice.
var infrastructure = InfrastructureSelection.Choose(builder);

// The services log in as the application's own role, which owns the database's schema and nothing else (issue 15); its
// password is generated once and kept in the AppHost's user secrets, like the signing key below. A deployment supplies it.
var contactsDbPassword = builder.AddParameter("contactsdb-password",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

IResourceBuilder<IResourceWithConnectionString> postgres;
IResourceBuilder<IResourceWithConnectionString> contactsDb;
IResourceBuilder<IResourceWithConnectionString> redis;
IResourceBuilder<ProjectResource>? contactsDbBootstrap = null;
if (infrastructure.Kind == InfrastructureKind.Containers)
{
    var postgresServer = builder.AddPostgres("postgres");
    var redisServer = builder.AddRedis("redis");
    if (builder.ExecutionContext.IsRunMode)
    {
        // Volume names hash the AppHost path: keep them out of the manifest.
        postgresServer.WithDataVolume();
        redisServer.WithDataVolume();
    }
    else
    {
        // A deployment keeps its data across container restarts: the database, and Redis (the web's data-protection keys).
        postgresServer.WithDataVolume("veloconnect-postgres-data");
        redisServer.WithDataVolume("veloconnect-redis-data");
        // Only this one-shot step holds the superuser's credentials: it makes the role and hands it the database.
        contactsDbBootstrap = builder.AddApplicationDatabaseBootstrap("contactsdb", postgresServer, contactsDbPassword);
    }

    postgres = postgresServer;
    var endpoint = postgresServer.Resource.PrimaryEndpoint;
    contactsDb = builder.AddApplicationDatabase("contactsdb", postgresServer,
        ReferenceExpression.Create($"Host={endpoint.Property(EndpointProperty.Host)};Port={endpoint.Property(EndpointProperty.Port)}"),
        contactsDbPassword);
    redis = redisServer;
}
else
{
    // Data under the repository's git-ignored .data/, so it survives restarts.
    var dataDirectory = LocalDataDirectory.Resolve(builder);
    var postgresServer = builder.AddLocalPostgres("postgres", dataDirectory);
    postgres = postgresServer;
    contactsDb = builder.AddApplicationDatabase("contactsdb", postgresServer,
        ReferenceExpression.Create($"Host=127.0.0.1;Port={postgresServer.Resource.Endpoint.Property(EndpointProperty.TargetPort)}"),
        contactsDbPassword);
    redis = builder.AddLocalRedis("redis", dataDirectory);
}

// Mail catchers only in run mode (MailPit's container, or smtp4dev without an engine); a deployment names its real SMTP
// server with parameters, and the silo requires TLS to it outside Development.
var smtp = SmtpServer.Add(builder, infrastructure.Kind);
var mail = smtp.Server;

// Download links are signed by the API and by the silo (in its emails): one key for both. Generated once and kept in
// the AppHost's user secrets, so links survive restarts with zero set-up; a deployment supplies its own.
var exportSigningKey = builder.AddParameter("export-signing-key",
    new GenerateParameterDefault { MinLength = 32, Special = false }, secret: true, persist: true);

// Silos and the API's Orleans client speak mutual TLS with this certificate: a stranger who reaches the silo or gateway
// port cannot call grains. Generated once and kept in the user secrets when run here; a deployment supplies its own.
var clusterCertificate = builder.AddClusterCertificate();

// The silo writes export files and the API serves them: one folder for both (.data/exports when run here; in the
// manifest, one named volume mounted at this path in both containers).
var exportsDirectory = builder.ExecutionContext.IsRunMode
    ? Path.Combine(LocalDataDirectory.Resolve(builder), "exports")
    : "/var/lib/veloconnect/exports";

// Orleans infers a provider from the resource type; name it so containers and executables agree.
contactsDb.AsOrleansAdoNetStore();

// Orleans keeps membership and grain state in PostgreSQL (our own SQL, migrations 0002 and 0003): more silos can
// join on any machine that reaches the database, and Redis stays a cache whose outage never stops the cluster.
var clusteringStore = contactsDb;
var grainStore = contactsDb;

// Fixed ids: random ones would orphan the persisted grain state on every restart.
var orleans = builder.AddOrleans("cluster")
    .WithClusterId("veloconnect")
    .WithServiceId("veloconnect-contacts")
    .WithClustering(clusteringStore)
    .WithGrainStorage("Default", grainStore);

var silo = builder.AddProject<Projects.VeloConnect_Silo>("silo")
    .WithReplicas(builder.Configuration.GetValue("Silo:Replicas", 1))
    .WithHttpEndpointIfMissing()
    .WithReference(orleans)
    .WithOrleansAdoNetSettings("Clustering", clusteringStore)
    .WithOrleansAdoNetSettings("GrainStorage:Default", grainStore)
    .WithReference(contactsDb).WaitFor(contactsDb)
    .WithReference(mail).WaitFor(mail)
    .WithEnvironment("VeloConnect__Exports__SigningKey", exportSigningKey)
    .WithEnvironment("VeloConnect__Exports__Directory", exportsDirectory)
    .WithClusterCertificate(clusterCertificate)
    .WithSmtpLogin(smtp)
    .PublishAsContainerWithVolume("VeloConnect.Silo", SharedVolumePublishing.ExportsVolume, exportsDirectory)
    .WithHttpHealthCheck("/health")
    // A silo that crashes is started again (local run only; the dashboard shows the restarts): its jobs say "waiting for
    // a silo" meanwhile and resume once it is back. In a deployment, the platform's restart policy does this.
    .RestartOnCrash();

// In a deployment the services start once the bootstrap has made their role (in run mode the AppHost makes it itself).
if (contactsDbBootstrap is not null)
{
    silo.WaitForCompletion(contactsDbBootstrap);
}

var api = builder.AddProject<Projects.VeloConnect_Api>("api")
    .WithHttpEndpointIfMissing()
    .WithExternalHttpEndpoints()
    .WithReference(orleans.AsClient())
    .WithOrleansAdoNetSettings("Clustering", clusteringStore)
    .WithReference(contactsDb).WaitFor(contactsDb)
    .WithReference(redis).WaitFor(redis)
    .WaitFor(silo)
    .WithEnvironment("VeloConnect__Exports__SigningKey", exportSigningKey)
    .WithEnvironment("VeloConnect__Exports__Directory", exportsDirectory)
    .WithClusterCertificate(clusterCertificate)
    .PublishAsContainerWithVolume("VeloConnect.Api", SharedVolumePublishing.ExportsVolume, exportsDirectory)
    .WithHttpHealthCheck("/health");

if (contactsDbBootstrap is not null)
{
    api.WaitForCompletion(contactsDbBootstrap);
}

// The web frontend: uses only the API's public HTTP contract, reached through service discovery; its data-protection
// keys (the sign-in cookie's) live in Redis, so sign-ins survive restarts and hold across replicas.
var web = builder.AddProject<Projects.VeloConnect_Web>("web")
    .WithHttpEndpointIfMissing()
    .WithExternalHttpEndpoints()
    .WithReference(api).WaitFor(api)
    .WithReference(redis).WaitFor(redis)
    .WithHttpHealthCheck("/health");

// The silo's emails link to the API where users reach it.
silo.WithEnvironment("VeloConnect__PublicBaseUrl", api.GetEndpoint("http"));

if (builder.ExecutionContext.IsRunMode)
{
    // The API seeds a demo workspace in Development; the dashboard shows its key on the api resource.
    var demoApiKey = builder.AddParameter("demo-api-key", "vc_demo_0123456789abcdef0123456789abcdef");
    silo.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development");
    api.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
        .WithEnvironment("VeloConnect__DemoApiKey", demoApiKey);
    // The web frontend signs in to the demo workspace directly in Development.
    web.WithEnvironment("ASPNETCORE_ENVIRONMENT", "Development")
        .WithEnvironment("VeloConnect__DemoApiKey", demoApiKey);

    // Says which infrastructure was chosen and why, then how long until everything was healthy.
    builder.ReportStartup(infrastructure, api, web, demoApiKey, [postgres, contactsDb, redis, mail, silo, api, web]);

    // Clients, then silos, while Redis and PostgreSQL still run: the silos leave the cluster cleanly.
    builder.StopFirstOnShutdown(web, api, silo);
}

builder.Build().Run();

