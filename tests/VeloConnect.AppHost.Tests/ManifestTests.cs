using System.Diagnostics;
using System.Reflection;
using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.AppHost.Tests;

/// <summary>
/// aspire-manifest.json at the repository root describes the deployable shape and must follow the AppHost.
/// Regenerate it from the repository root with:
///   dotnet run --project VeloConnect.AppHost -- --publisher manifest --output-path ../aspire-manifest.json
/// </summary>
public sealed class ManifestTests
{
    private const string RegenerateCommand =
        "dotnet run --project VeloConnect.AppHost -- --publisher manifest --output-path ../aspire-manifest.json";

    // The AppHost's folder.
    private static readonly string AppHostProject = Projects.VeloConnect_AppHost.ProjectPath;
    private static readonly string RepositoryRoot = Path.GetFullPath(Path.Combine(AppHostProject, ".."));
    private static readonly string CommittedManifest = Path.Combine(RepositoryRoot, "aspire-manifest.json");

    [Fact]
    public async Task Committed_manifest_matches_the_app_host()
    {
        Assert.True(File.Exists(CommittedManifest), $"{CommittedManifest} is missing. Generate it from the repository root with: {RegenerateCommand}");
        var directory = Directory.CreateTempSubdirectory("velo-manifest-").FullName;
        try
        {
            var generatedPath = Path.Combine(directory, "aspire-manifest.json");
            await GenerateAsync(generatedPath);

            var expected = Normalize(File.ReadAllText(CommittedManifest), RepositoryRoot);
            var actual = Normalize(File.ReadAllText(generatedPath), directory);
            if (!JsonNode.DeepEquals(expected, actual))
            {
                Assert.Fail($"aspire-manifest.json is stale ({Differences(expected, actual)}). "
                    + $"Regenerate it from the repository root with: {RegenerateCommand}");
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Committed_manifest_has_no_machine_specific_paths()
    {
        var manifest = JsonNode.Parse(File.ReadAllText(CommittedManifest))!;
        string[] machinePaths =
        [
            RepositoryRoot,
            Path.GetTempPath().TrimEnd('/'),
            Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
            "/usr/lib/postgresql",
            ".data/",
        ];
        var offending = Strings(manifest)
            .Where(value => machinePaths.Any(path => path.Length > 1 && value.Contains(path, StringComparison.Ordinal)))
            .Concat((manifest["resources"]?.AsObject() ?? [])
                .SelectMany(pair => new[] { pair.Value?["path"], pair.Value?["build"]?["context"], pair.Value?["build"]?["dockerfile"] })
                .Select(path => path?.GetValue<string>())
                .OfType<string>()
                .Where(Path.IsPathRooted))
            .ToList();

        Assert.True(offending.Count == 0, $"aspire-manifest.json names paths of this machine: {string.Join(", ", offending)}");
    }

    /// <summary>Runs the AppHost in publish mode, exactly as the regenerate command does, minus the build.</summary>
    internal static async Task GenerateAsync(string outputPath)
    {
        var configuration = typeof(ManifestTests).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = RepositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "run", "--project", AppHostProject, "--no-build", "--configuration", configuration,
            "--", "--publisher", "manifest", "--output-path", outputPath,
        })
        {
            info.ArgumentList.Add(argument);
        }

        // The test host's MSBuild variables would point the nested 'dotnet run' at the wrong SDK pieces.
        foreach (var variable in new[] { "MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly" })
        {
            info.Environment.Remove(variable);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(
            process.ExitCode == 0 && File.Exists(outputPath),
            $"Generating the manifest failed ({process.ExitCode}): {await output}{await error}");
    }

    /// <summary>
    /// Parses a manifest and makes its project paths and image build paths absolute: they are written relative to the
    /// manifest's own folder, and the generated one lives in a temporary folder.
    /// </summary>
    private static JsonNode Normalize(string json, string manifestDirectory)
    {
        var manifest = JsonNode.Parse(json)!;
        foreach (var (_, resource) in manifest["resources"]?.AsObject() ?? [])
        {
            foreach (var (owner, key) in new[] { (resource, "path"), (resource?["build"], "context"), (resource?["build"], "dockerfile") })
            {
                if (owner?[key] is JsonValue path && path.TryGetValue<string>(out var relative))
                {
                    owner[key] = Path.GetFullPath(Path.Combine(manifestDirectory, relative));
                }
            }
        }

        return manifest;
    }

    private static string Differences(JsonNode expected, JsonNode actual)
    {
        var committed = expected["resources"]?.AsObject() ?? [];
        var generated = actual["resources"]?.AsObject() ?? [];
        var names = committed.Select(pair => pair.Key).Union(generated.Select(pair => pair.Key)).Order(StringComparer.Ordinal);
        var differing = names.Where(name => !JsonNode.DeepEquals(committed[name], generated[name])).ToList();
        return differing.Count == 0 ? "outside the resources" : $"resources that differ: {string.Join(", ", differing)}";
    }

    internal static IEnumerable<string> Strings(JsonNode? node) => node switch
    {
        JsonObject obj => obj.SelectMany(pair => Strings(pair.Value)),
        JsonArray array => array.SelectMany(Strings),
        JsonValue value when value.TryGetValue<string>(out var text) => [text],
        _ => [],
    };
}
