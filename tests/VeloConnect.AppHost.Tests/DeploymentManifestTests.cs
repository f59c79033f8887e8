using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.AppHost.Tests;

/// <summary>Generates the manifest once, as the regenerate command does.</summary>
public sealed class GeneratedManifest : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("velo-deploy-manifest-").FullName;

    public JsonObject Resources { get; private set; } = [];

    public async Task InitializeAsync()
    {
        var path = Path.Combine(_directory, "aspire-manifest.json");
        await ManifestTests.GenerateAsync(path);
        Resources = JsonNode.Parse(await File.ReadAllTextAsync(path))!["resources"]!.AsObject();
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }

    public JsonNode Resource(string name) => Resources[name] ?? throw new Xunit.Sdk.XunitException($"The manifest has no resource '{name}'.");
}

/// <summary>
/// What a deployment from the manifest must keep: the database on a volume, the export files where both the silo (which
/// writes them) and the API (which serves them) reach them, a real SMTP server named by parameters, and the cluster's
/// endpoints inside the deployment, reached over mutual TLS with a certificate the deployment supplies.
/// </summary>
public sealed class DeploymentManifestTests(GeneratedManifest manifest) : IClassFixture<GeneratedManifest>
{
    [Fact]
    public void Postgres_keeps_its_data_on_a_named_volume()
    {
        var volumes = Volumes(manifest.Resource("postgres"));
        Assert.Contains(volumes, v => v.Target.StartsWith("/var/lib/postgresql", StringComparison.Ordinal) && !v.ReadOnly);
    }

    [Fact]
    public void Api_and_silo_mount_one_volume_at_the_exports_directory()
    {
        var silo = manifest.Resource("silo");
        var api = manifest.Resource("api");
        var directory = silo["env"]?["VeloConnect__Exports__Directory"]?.GetValue<string>();
        Assert.False(string.IsNullOrEmpty(directory), "The silo is not told where export files go.");
        Assert.Equal(directory, api["env"]?["VeloConnect__Exports__Directory"]?.GetValue<string>());

        var siloVolume = Assert.Single(Volumes(silo), v => v.Target == directory && !v.ReadOnly);
        var apiVolume = Assert.Single(Volumes(api), v => v.Target == directory && !v.ReadOnly);
        Assert.Equal(siloVolume.Name, apiVolume.Name);
        Assert.False(string.IsNullOrEmpty(siloVolume.Name), "An anonymous volume is not shared between containers.");
    }

    [Fact]
    public void Mail_goes_to_a_server_named_by_parameters_not_a_mail_catcher()
    {
        var mail = manifest.Resource("mail");
        Assert.Equal("value.v0", mail["type"]?.GetValue<string>());
        Assert.Equal("smtp://{smtp-host.value}:{smtp-port.value}", mail["connectionString"]?.GetValue<string>());
        Assert.DoesNotContain(manifest.Resources, pair =>
            pair.Value?["image"]?.GetValue<string>() is { } image && (image.Contains("mailpit", StringComparison.OrdinalIgnoreCase)
                || image.Contains("smtp4dev", StringComparison.OrdinalIgnoreCase)));

        foreach (var (name, secret) in new[] { ("smtp-host", false), ("smtp-port", false), ("smtp-user", true), ("smtp-password", true) })
        {
            var parameter = manifest.Resource(name);
            Assert.Equal("parameter.v0", parameter["type"]?.GetValue<string>());
            Assert.True((parameter["inputs"]?["value"]?["secret"]?.GetValue<bool>() ?? false) == secret, $"{name}: secret should be {secret}.");
            Assert.Null(parameter["inputs"]?["value"]?["default"]);
        }

        var env = manifest.Resource("silo")["env"]!;
        Assert.Equal("{mail.connectionString}", env["ConnectionStrings__mail"]?.GetValue<string>());
        Assert.Equal("{smtp-user.value}", env["VeloConnect__Mail__UserName"]?.GetValue<string>());
        Assert.Equal("{smtp-password.value}", env["VeloConnect__Mail__Password"]?.GetValue<string>());
    }

    [Fact]
    public void Only_the_api_and_the_web_frontend_are_reachable_from_outside()
    {
        var external = manifest.Resources
            .SelectMany(pair => (pair.Value?["bindings"]?.AsObject() ?? [])
                .Where(binding => binding.Value?["external"]?.GetValue<bool>() ?? false)
                .Select(binding => $"{pair.Key}.{binding.Key}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["api.http", "web.http"], external);

        var silo = manifest.Resource("silo")["bindings"]!.AsObject();
        Assert.Contains("orleans-silo", silo.Select(pair => pair.Key));
        Assert.Contains("orleans-gateway", silo.Select(pair => pair.Key));
    }

    [Fact]
    public void Silo_and_api_get_the_cluster_certificate_from_a_secret_the_deployment_supplies()
    {
        var parameter = manifest.Resource("cluster-certificate");
        Assert.Equal("parameter.v0", parameter["type"]?.GetValue<string>());
        Assert.True(parameter["inputs"]?["value"]?["secret"]?.GetValue<bool>() ?? false, "The cluster certificate is not a secret.");
        // No generated default: a deployment brings its own certificate (the run-mode one never leaves this machine).
        Assert.Null(parameter["inputs"]?["value"]?["default"]);

        foreach (var name in new[] { "silo", "api" })
        {
            Assert.Equal("{cluster-certificate.value}", manifest.Resource(name)["env"]?["VeloConnect__Cluster__Certificate"]?.GetValue<string>());
        }

        Assert.DoesNotContain(manifest.Resources, pair => pair.Key != "silo" && pair.Key != "api"
            && pair.Value?["env"]?["VeloConnect__Cluster__Certificate"] is not null);
    }

    [Fact]
    public void Services_log_in_as_the_application_role_and_only_the_bootstrap_holds_the_superuser()
    {
        var contactsDb = manifest.Resource("contactsdb");
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=veloconnect_app;Password={contactsdb-password.value};Database=contactsdb",
            contactsDb["connectionString"]?.GetValue<string>());
        var password = manifest.Resource("contactsdb-password");
        Assert.Equal("parameter.v0", password["type"]?.GetValue<string>());
        Assert.True(password["inputs"]?["value"]?["secret"]?.GetValue<bool>());
        Assert.NotNull(password["inputs"]?["value"]?["default"]?["generate"]);

        foreach (var service in new[] { "silo", "api" })
        {
            Assert.Equal("{contactsdb.connectionString}", manifest.Resource(service)["env"]?["ConnectionStrings__contactsdb"]?.GetValue<string>());
        }

        // The superuser's password or connection string reaches the server and the one-shot bootstrap, nothing else.
        var holders = manifest.Resources
            .Where(pair => pair.Value?["type"]?.GetValue<string>() is not ("parameter.v0" or "annotated.string"))
            .Where(pair => ManifestTests.Strings(pair.Value).Any(value =>
                value.Contains("{postgres-password", StringComparison.Ordinal) || value.Contains("{postgres.connectionString}", StringComparison.Ordinal)))
            .Select(pair => pair.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
        Assert.Equal(["contactsdb-bootstrap", "postgres"], holders);

        var bootstrap = manifest.Resource("contactsdb-bootstrap");
        Assert.Equal(["bootstrap-database"], bootstrap["args"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal("{postgres.connectionString}", bootstrap["env"]?["ConnectionStrings__postgres"]?.GetValue<string>());
        Assert.Equal("veloconnect_app", bootstrap["env"]?["VeloConnect__Database__Role"]?.GetValue<string>());
        Assert.Equal("{contactsdb-password.value}", bootstrap["env"]?["VeloConnect__Database__Password"]?.GetValue<string>());
        Assert.Empty(bootstrap["bindings"]?.AsObject() ?? []);
    }

    private sealed record Volume(string Name, string Target, bool ReadOnly);

    private static List<Volume> Volumes(JsonNode resource) =>
        (resource["volumes"]?.AsArray() ?? [])
            .Select(v => new Volume(v?["name"]?.GetValue<string>() ?? "", v?["target"]?.GetValue<string>() ?? "", v?["readOnly"]?.GetValue<bool>() ?? false))
            .ToList();
}
