using VeloConnect.Client;

namespace VeloConnect.Cli.Api;

// The API's records come from the typed client (VeloConnect.Client, generated from docs/openapi.json); velo adds only this.

public static class ImportCountsExtensions
{
    /// <summary>All the rows the import has counted.</summary>
    public static int Sum(this ImportCounts counts) => counts.Added + counts.Updated + counts.Skipped + counts.Invalid;
}
