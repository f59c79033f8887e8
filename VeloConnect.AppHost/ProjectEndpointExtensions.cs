namespace VeloConnect.AppHost;

internal static class ProjectEndpointExtensions
{
    /// <summary>
    /// Gives a project an <c>http</c> endpoint when its launch profile does not declare one, so the health check
    /// and the API's URL do not depend on the service having a launchSettings.json.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpointIfMissing(this IResourceBuilder<ProjectResource> builder) =>
        builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.Name == "http")
            ? builder
            : builder.WithHttpEndpoint();
}
