namespace VeloConnect.AppHost.Orleans;

/// <summary>Marks a database as a store for Orleans' ADO.NET providers, with the ADO.NET invariant to use.</summary>
internal sealed record OrleansAdoNetStoreAnnotation(string Invariant) : IResourceAnnotation;

internal static class OrleansAdoNetExtensions
{
    /// <summary>
    /// Makes <paramref name="database"/> usable as an Orleans store through the ADO.NET providers
    /// (Orleans would otherwise infer the provider type from the resource type, e.g. "PostgresDatabase").
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AsOrleansAdoNetStore(
        this IResourceBuilder<IResourceWithConnectionString> database, string invariant = "Npgsql") =>
        database
            .WithOrleansProviderType("AdoNet")
            .WithAnnotation(new OrleansAdoNetStoreAnnotation(invariant));

    /// <summary>
    /// Orleans' ADO.NET providers read <c>Invariant</c> and <c>ConnectionName</c> (or <c>ConnectionString</c>) from their
    /// configuration section, which Aspire does not emit. When <paramref name="store"/> is an ADO.NET store, this adds
    /// them for <paramref name="section"/> (<c>Clustering</c>, <c>GrainStorage:Default</c>, ...); for any other store it
    /// adds nothing. So moving a provider to PostgreSQL only means passing the database as its store.
    /// </summary>
    public static IResourceBuilder<T> WithOrleansAdoNetSettings<T>(
        this IResourceBuilder<T> builder, string section, IResourceBuilder<IResourceWithConnectionString> store)
        where T : IResourceWithEnvironment
    {
        if (store.Resource.Annotations.OfType<OrleansAdoNetStoreAnnotation>().LastOrDefault() is not { } adoNet)
        {
            return builder;
        }

        var prefix = $"Orleans__{section.Replace(":", "__", StringComparison.Ordinal)}";
        return builder
            .WithEnvironment($"{prefix}__Invariant", adoNet.Invariant)
            // The name, not the string: WithReference already injects ConnectionStrings__<name>.
            .WithEnvironment($"{prefix}__ConnectionName", store.Resource.Name);
    }
}
