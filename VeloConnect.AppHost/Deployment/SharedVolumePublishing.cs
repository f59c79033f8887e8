using Aspire.Hosting.Publishing;

namespace VeloConnect.AppHost.Deployment;

/// <summary>
/// The manifest's shape for the services that share a folder. A <c>project.v0</c> resource cannot carry a volume, so the
/// API and the silo are published as <c>container.v1</c> resources built from <c>deploy/Dockerfile</c> (one recipe,
/// the project named by a build argument), with the same environment and bindings the project would have had, plus one
/// named volume mounted at the same path in both. In run mode nothing changes: both are local processes sharing
/// <c>.data/exports</c>.
/// </summary>
internal static class SharedVolumePublishing
{
    /// <summary>The named volume the API and the silo share in the manifest: the export files.</summary>
    public const string ExportsVolume = "veloconnect-exports";

    /// <summary>The port ASP.NET Core's container images listen on (HTTP_PORTS), given to the http binding.</summary>
    public const int ContainerHttpPort = 8080;

    public static IResourceBuilder<ProjectResource> PublishAsContainerWithVolume(
        this IResourceBuilder<ProjectResource> builder, string projectName, string volumeName, string target)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var repositoryRoot = Path.GetFullPath(Path.Combine(builder.ApplicationBuilder.AppHostDirectory, ".."));
        builder.WithEndpoint("http", endpoint => endpoint.TargetPort = ContainerHttpPort);
        return builder.WithManifestPublishingCallback(async context =>
        {
            var writer = context.Writer;
            writer.WriteString("type", "container.v1");
            writer.WriteStartObject("build");
            writer.WriteString("context", context.GetManifestRelativePath(repositoryRoot));
            writer.WriteString("dockerfile", context.GetManifestRelativePath(Path.Combine(repositoryRoot, "deploy", "Dockerfile")));
            writer.WriteStartObject("args");
            writer.WriteString("PROJECT", projectName);
            writer.WriteEndObject();
            writer.WriteEndObject();
            await context.WriteEnvironmentVariablesAsync(builder.Resource);
            context.WriteBindings(builder.Resource);
            writer.WriteStartArray("volumes");
            writer.WriteStartObject();
            writer.WriteString("name", volumeName);
            writer.WriteString("target", target);
            writer.WriteBoolean("readOnly", false);
            writer.WriteEndObject();
            writer.WriteEndArray();
        });
    }
}
