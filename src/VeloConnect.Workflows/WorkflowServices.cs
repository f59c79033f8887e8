using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Workflows;

public static class WorkflowServices
{
    /// <summary>The application layer's services (the import review); expects the stores (<c>AddVeloConnectData</c>) in the container.</summary>
    public static IServiceCollection AddVeloConnectWorkflows(this IServiceCollection services) => services
        .AddSingleton<ImportReview>()
        .AddSingleton<ReviewChanges>()
        .AddSingleton<ImportReviewUpdate>();
}
