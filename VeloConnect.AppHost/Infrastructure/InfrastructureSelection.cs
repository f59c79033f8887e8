using System.Diagnostics;
using Microsoft.Extensions.Configuration;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>Where PostgreSQL and Redis come from: containers, or the binaries installed on this machine.</summary>
internal enum InfrastructureKind
{
    Containers,
    Local,
}

internal sealed record InfrastructureSelection(InfrastructureKind Kind, string Reason)
{
    /// <summary><c>containers</c>, <c>local</c> or <c>auto</c> (the default: containers when an engine answers).</summary>
    public const string ConfigurationKey = "VeloConnect:Infrastructure";

    private static readonly TimeSpan EngineProbeTimeout = TimeSpan.FromSeconds(5);

    public static InfrastructureSelection Choose(IDistributedApplicationBuilder builder)
    {
        // The manifest describes the deployable shape, whatever this machine has.
        if (builder.ExecutionContext.IsPublishMode)
        {
            return new(InfrastructureKind.Containers, "publish mode always describes containers");
        }

        var setting = builder.Configuration[ConfigurationKey]?.Trim().ToLowerInvariant();
        return setting switch
        {
            "containers" => new(InfrastructureKind.Containers, $"forced by {ConfigurationKey}=containers"),
            "local" => new(InfrastructureKind.Local, $"forced by {ConfigurationKey}=local"),
            null or "" or "auto" => Detect(builder.Configuration),
            _ => throw new InvalidOperationException(
                $"{ConfigurationKey} is '{setting}': use 'containers', 'local' or 'auto' (the default)."),
        };
    }

    private static InfrastructureSelection Detect(IConfiguration configuration)
    {
        // Aspire's own override names the only engine worth asking.
        var configured = configuration["ASPIRE_CONTAINER_RUNTIME"] ?? configuration["DcpPublisher:ContainerRuntime"];
        string[] candidates = string.IsNullOrWhiteSpace(configured) ? ["docker", "podman"] : [configured.Trim()];

        foreach (var engine in candidates)
        {
            if (EngineAnswers(engine))
            {
                if (engine == "podman" && string.IsNullOrWhiteSpace(configured))
                {
                    // Aspire asks docker unless told otherwise.
                    configuration["ASPIRE_CONTAINER_RUNTIME"] = "podman";
                }

                return new(InfrastructureKind.Containers, $"container engine '{engine}' answered");
            }
        }

        return new(InfrastructureKind.Local,
            $"no container engine answered ({string.Join(", ", candidates)}); using the locally installed postgres and redis-server");
    }

    private static bool EngineAnswers(string engine)
    {
        var info = new ProcessStartInfo(engine, "info")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };

        try
        {
            using var process = Process.Start(info);
            if (process is null)
            {
                return false;
            }

            // Drain the output so a chatty 'info' cannot block on a full pipe.
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();

            if (!process.WaitForExit(EngineProbeTimeout))
            {
                process.Kill(entireProcessTree: true);
                return false;
            }

            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            // Not installed.
            return false;
        }
    }
}
