using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace VeloConnect.Grains;

public static class GrainServices
{
    /// <summary>
    /// Registers what the grains need besides Orleans itself (the contact store and friends).
    /// Expects an <c>NpgsqlDataSource</c> to be registered (Aspire: <c>AddNpgsqlDataSource("contactsdb")</c>).
    /// </summary>
    public static IHostApplicationBuilder AddVeloConnectGrains(this IHostApplicationBuilder builder)
    {
        return builder;
    }
}
