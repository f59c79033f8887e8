using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using VeloConnect.Data;
using VeloConnect.Grains.Exports;
using VeloConnect.Workflows;

namespace VeloConnect.Grains;

public static class GrainServices
{
    /// <summary>
    /// Registers what the grains need besides Orleans itself (the contact store and friends).
    /// Expects an <c>NpgsqlDataSource</c> to be registered (Aspire: <c>AddNpgsqlDataSource("contactsdb")</c>).
    /// </summary>
    public static IServiceCollection AddVeloConnectGrains(this IServiceCollection services)
    {
        services.AddVeloConnectData().AddVeloConnectWorkflows();
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<Imports.ImportOptions>().BindConfiguration(Imports.ImportOptions.Section)
            .Validate(o => o.BatchRows > 0 && o.RevertChunk > 0 && o.SupervisorInterval > TimeSpan.Zero,
                $"{Imports.ImportOptions.Section}: BatchRows, RevertChunk and SupervisorInterval must be positive.")
            .ValidateOnStart();
        services.AddOptions<Data.Jobs.JobLivenessOptions>().BindConfiguration(Data.Jobs.JobLivenessOptions.Section)
            .Validate(o => o.IsValid(), Data.Jobs.JobLivenessOptions.ValidationMessage)
            .ValidateOnStart();
        services.AddSingleton<Jobs.JobHeartbeats>();
        services.TryAddSingleton<Data.Jobs.JobTraceStore>();
        services.AddSingleton<Jobs.JobRunner>();
        services.AddSingleton(typeof(Jobs.JobSupport<>));
        services.AddHostedService<Imports.ImportSupervisor>();
        services.AddOptions<Data.Exports.ExportOptions>().BindConfiguration(Data.Exports.ExportOptions.Section)
            .Validate(o => o.IsValid(), Data.Exports.ExportOptions.ValidationMessage)
            .ValidateOnStart();
        services.AddHostedService<Exports.ExportCleanup>();
        services.AddExportEmail();
        return services;
    }

    public static IHostApplicationBuilder AddVeloConnectGrains(this IHostApplicationBuilder builder)
    {
        builder.Services.AddVeloConnectGrains();
        return builder;
    }
}
