using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Scalar.AspNetCore;
using VeloConnect.Api;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.Api.Exports;
using VeloConnect.Api.Fields;
using VeloConnect.Api.Imports;
using VeloConnect.Api.Limits;
using VeloConnect.Api.Notifications;
using VeloConnect.Data;
using VeloConnect.Data.Exports;
using VeloConnect.Workflows;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
// ASP.NET Core's request log writes whole query strings (a signed link's token): RedactedRequestLog writes requests instead.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
builder.AddNpgsqlDataSource("contactsdb", configureDataSourceBuilder: DataSourceDefaults.Configure);
// The API migrates too (under the same advisory lock as the silos), so it never serves an older schema.
builder.Services.AddDatabaseMigration(builder.Configuration.GetConnectionString("contactsdb"));
// Redis holds the remembered import mappings: a cache, so its outage degrades the API's health, never breaks it.
builder.AddRedisClient("redis", settings => settings.DisableHealthChecks = true);
builder.Services.AddHealthChecks().AddCheck<MappingMemoryHealthCheck>("redis-mappings");
builder.Services.AddSingleton<MappingMemory>();
builder.Services.AddSingleton<ImportWorkflow>();
builder.Services.AddSingleton<CommandLineImportWorkflow>();
builder.Services.AddSingleton<ImportRevertWorkflow>();
builder.Services.AddSingleton<ImportEditWorkflow>();
builder.Services.AddSingleton<ImportRecipeWorkflow>();
// With a cluster certificate configured (the AppHost always gives one), the gateway is reached over mutual TLS only.
var clusterCertificate = ClusterCertificate.FromConfiguration(builder.Configuration);
builder.UseOrleansClient(client =>
{
    client.UseConnectionRetryFilter(ClusterConnection.RetryFor(TimeSpan.FromSeconds(60)))
        // Grain calls join the HTTP request's trace, so a request and the grains it reached read as one trace.
        .AddActivityPropagation();
    if (clusterCertificate is not null)
    {
        client.UseClusterTls(clusterCertificate);
    }
});

builder.Services.AddVeloConnectData().AddVeloConnectWorkflows();
builder.Services.AddSingleton<ContactServices>();
builder.Services.AddSingleton<ContactWrites>();
builder.Services.AddSingleton<BulkContactWrites>();
builder.Services.AddSingleton<FieldChanges>();
builder.Services.AddSingleton<NotificationHub>();
// Export files are written by the silos and served from here: both read the same VeloConnect:Exports section.
builder.Services.AddOptions<VeloConnect.Data.Exports.ExportOptions>().BindConfiguration(VeloConnect.Data.Exports.ExportOptions.Section)
    .Validate(o => o.IsValid(), VeloConnect.Data.Exports.ExportOptions.ValidationMessage).ValidateOnStart();
// When a running job counts as lost (the API says "waiting for a silo"): the silos read the same VeloConnect:Jobs section.
builder.Services.AddOptions<VeloConnect.Data.Jobs.JobLivenessOptions>().BindConfiguration(VeloConnect.Data.Jobs.JobLivenessOptions.Section)
    .Validate(o => o.IsValid(), VeloConnect.Data.Jobs.JobLivenessOptions.ValidationMessage).ValidateOnStart();
// Signed download links: outside Development a missing key stops the API here, at start, with what to set.
builder.Services.AddSingleton(ExportLinkSigner.FromConfiguration(builder.Configuration, builder.Environment, TimeProvider.System));
builder.Services.TryAddSingleton(TimeProvider.System);
builder.Services.AddSingleton<ExportServices>();
builder.Services.AddSingleton<ExportStarter>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<NotificationHub>());
// Keyed bulk requests run apart from their HTTP requests, under a renewed lease (registered after the Orleans client: it stops first).
builder.Services.AddOptions<BulkRequestOptions>().BindConfiguration(BulkRequestOptions.Section)
    .Validate(o => o.IsValid(), BulkRequestOptions.ValidationMessage).ValidateOnStart();
builder.Services.AddSingleton<BulkRequestRunner>();
builder.Services.AddSingleton<KeyedRequests>();
builder.Services.AddHostedService(provider => provider.GetRequiredService<BulkRequestRunner>());
if (builder.Environment.IsDevelopment())
{
    builder.Services.AddHostedService<DemoWorkspaceSeeder>();
}

builder.Services.AddProblemDetails();
// An unreadable typed body answers 400 with where and what to send, in every environment (not a 500 in Development, a bare 400 elsewhere).
builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
builder.Services.AddExceptionHandler<UnreadableBodyHandler>();
builder.Services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
    .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
// Every endpoint needs a key unless it says otherwise (health, the OpenAPI document).
builder.Services.AddAuthorizationBuilder()
    .SetFallbackPolicy(new Microsoft.AspNetCore.Authorization.AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
    // And each declares the permission it needs (Permissions.Requires): a policy per permission checks the key's role.
    .AddPermissionPolicies();
// Limits per workspace: requests (a token bucket), reviews at once, jobs running at once per kind (VeloConnect:Limits).
builder.Services.AddWorkspaceLimits();
builder.Services.AddOpenApi(VeloConnect.Api.OpenApi.ApiDocument.Configure);

var app = builder.Build();
app.UseMiddleware<RedactedRequestLog>();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseAuthentication();
// After authentication, so a request counts against its key's workspace; before authorization, so refused keys count too.
app.UseRateLimiter();
app.UseAuthorization();

if (app.Environment.IsDevelopment())
{
    app.MapOpenApi().AllowAnonymous();
    app.MapScalarApiReference().AllowAnonymous();
}

app.MapDefaultEndpoints();
app.MapContactsApi();
app.MapBulkContactsApi();
app.MapFieldsApi();
app.MapAuditApi();
app.MapNotificationsApi();
app.MapWorkspaceApi();
app.MapImportsApi();
app.MapCommandLineImportsApi();
app.MapImportRevertApi();
app.MapImportRecipesApi();
app.MapExportsApi();
app.MapKeysApi();
app.Run();

public partial class Program;
