using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Configuration;

namespace VeloConnect.AppHost.Infrastructure;

/// <summary>
/// Where the local servers keep their data: the repository's git-ignored <c>.data/</c> by default,
/// so contacts survive restarts of the AppHost. <c>VeloConnect:DataDirectory</c> moves it (the tests use a temporary one).
/// </summary>
internal static class LocalDataDirectory
{
    public const string ConfigurationKey = "VeloConnect:DataDirectory";

    public static string Resolve(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration[ConfigurationKey];
        var root = string.IsNullOrWhiteSpace(configured)
            ? Path.Combine(builder.AppHostDirectory, "..", ".data")
            : Path.Combine(builder.AppHostDirectory, configured);
        return Path.GetFullPath(root);
    }

    /// <summary>
    /// Creates the PostgreSQL folder and, when we are root, hands it to the <c>postgres</c> user. If that user
    /// cannot reach it (a clone under <c>/root</c>, whose mode is 0700), a folder under <c>/var/lib/veloconnect</c>
    /// keyed by the preferred path is used instead, so the data still survives restarts.
    /// </summary>
    public static (string Directory, string? Note) PreparePostgresDirectory(string preferred)
    {
        Directory.CreateDirectory(preferred);
        if (!LocalProcess.RunsAsRoot)
        {
            return (preferred, null);
        }

        if (TryHandToPostgres(preferred))
        {
            return (preferred, null);
        }

        var key = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(preferred)))[..12];
        var fallback = Path.Combine("/var/lib/veloconnect", key, "postgres");
        Directory.CreateDirectory(fallback);
        if (!TryHandToPostgres(fallback))
        {
            throw new InvalidOperationException(
                $"The postgres user can reach neither {preferred} nor {fallback}: set {ConfigurationKey} to a folder it can reach.");
        }

        return (fallback, $"the postgres user cannot reach {preferred} (a parent folder is not traversable), so the data lives in {fallback}");
    }

    private static bool TryHandToPostgres(string directory)
    {
        Run(("chown", ["postgres:postgres", directory]));
        Run(("chmod", ["0700", directory]));
        return Run(LocalProcess.AsPostgresUser("test", "-w", directory, "-a", "-x", directory)) == 0;
    }

    private static int Run((string File, string[] Arguments) command) =>
        LocalProcess.TryRunAsync(command, logger: null, CancellationToken.None).GetAwaiter().GetResult().ExitCode;
}
