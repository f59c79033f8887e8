using Npgsql;
using VeloConnect.Data;

namespace VeloConnect.Silo;

/// <summary>
/// <c>bootstrap-database</c>: the deployment's one-time step that needs PostgreSQL's superuser (issue 15). It makes the
/// application role and hands it the database (<see cref="DatabaseRole.BootstrapAsync"/>), then exits; the silos and APIs
/// start after it and log in as that role. Run by the manifest's <c>contactsdb-bootstrap</c> resource, from the silo's
/// image, with:
/// <c>ConnectionStrings__&lt;server&gt;</c> (the superuser's), <c>VeloConnect__Database__Server</c> (that name),
/// <c>VeloConnect__Database__Name</c>, <c>VeloConnect__Database__Role</c> and <c>VeloConnect__Database__Password</c>.
/// </summary>
public static class DatabaseBootstrapCommand
{
    public const string Name = "bootstrap-database";

    // The server may still be starting when a deployment runs this step next to it.
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddCommandLine(args).Build();
        var server = configuration["VeloConnect:Database:Server"] ?? "postgres";
        var settings = new
        {
            Server = configuration.GetConnectionString(server),
            Database = configuration["VeloConnect:Database:Name"],
            Role = configuration["VeloConnect:Database:Role"] ?? DatabaseRole.DefaultName,
            Password = configuration["VeloConnect:Database:Password"],
        };
        if (string.IsNullOrWhiteSpace(settings.Server) || string.IsNullOrWhiteSpace(settings.Database) || string.IsNullOrEmpty(settings.Password))
        {
            await Console.Error.WriteLineAsync(
                $"{Name} needs ConnectionStrings__{server} (the superuser's), VeloConnect__Database__Name and VeloConnect__Database__Password.");
            return 2;
        }

        var superuser = new NpgsqlConnectionStringBuilder(settings.Server) { Database = settings.Database }.ConnectionString;
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            try
            {
                await DatabaseRole.BootstrapAsync(superuser, settings.Role, settings.Password, cancellationToken);
                Console.WriteLine($"Database {settings.Database} belongs to the role {settings.Role}.");
                return 0;
            }
            catch (NpgsqlException e) when (DateTime.UtcNow < deadline && e is not PostgresException { SqlState: not "57P03" })
            {
                // Connection refused, or the server starting up (57P03): wait.
                Console.WriteLine($"Waiting for PostgreSQL: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }
}
