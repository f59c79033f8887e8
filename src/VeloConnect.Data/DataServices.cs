using Microsoft.Extensions.DependencyInjection;
using VeloConnect.Data.Audit;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Exports;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Notifications;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Data;

public static class DataServices
{
    /// <summary>The stores over the application database; expects an <c>NpgsqlDataSource</c> in the container.</summary>
    public static IServiceCollection AddVeloConnectData(this IServiceCollection services) => services
        .AddSingleton<ContactStore>()
        .AddSingleton<ContactQuery>()
        .AddSingleton<ContactDeletion>()
        .AddSingleton<BulkContactStore>()
        .AddSingleton<BulkRequestStore>()
        .AddSingleton<AuditLog>()
        .AddSingleton<NotificationStore>()
        .AddSingleton<WorkspaceStore>()
        .AddSingleton<ApiKeyStore>()
        .AddSingleton<FieldStore>()
        .AddSingleton<ImportStore>()
        .AddSingleton<ImportReviewRows>()
        .AddSingleton<ImportEditStore>()
        .AddSingleton<ImportRecipeStore>()
        .AddSingleton<ImportBatchStore>()
        .AddSingleton<CommandLineBatchStore>()
        .AddSingleton<ImportRevertStore>()
        .AddSingleton<ExportStore>();
}
