using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Aspire.Hosting.Testing;
using Npgsql;
using Xunit;

namespace VeloConnect.AppHost.Tests;

/// <summary>The whole system as the AppHost runs it: PostgreSQL, Redis, the mail server, the Orleans silo and the API.</summary>
[Collection(AppHostCollection.Name)]
public sealed class EndToEndTests(AppHostFixture fixture)
{
    [Fact]
    public async Task Every_resource_becomes_healthy()
    {
        await fixture.WaitUntilHealthyAsync();

        foreach (var name in AppHostFixture.ResourceNames)
        {
            Assert.True(
                fixture.App.ResourceNotifications.TryGetCurrentState(name, out var resourceEvent)
                    && resourceEvent.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
                $"{name} is not healthy.");
        }
    }

    [Fact]
    public async Task A_contact_created_through_the_api_is_listed()
    {
        await fixture.WaitUntilHealthyAsync();
        using var client = fixture.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.DemoApiKeyAsync());

        using var created = await client.PostAsJsonAsync("/api/contacts", new
        {
            name = "Ann",
            phones = new[] { "+14155550100" },
            email = "ann@example.com",
            tags = new[] { "vip" },
        });
        var createdBody = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, $"POST /api/contacts answered {(int)created.StatusCode}: {createdBody}");

        using var contact = JsonDocument.Parse(createdBody);
        var id = contact.RootElement.GetProperty("id");
        Assert.Equal("Ann", contact.RootElement.GetProperty("name").GetString());
        Assert.Equal("ann@example.com", contact.RootElement.GetProperty("email").GetString());
        // Phones and tags may come back as strings or richer objects: only their values matter here.
        Assert.Contains("+14155550100", contact.RootElement.GetProperty("phones").GetRawText(), StringComparison.Ordinal);
        Assert.Contains("\"vip\"", contact.RootElement.GetProperty("tags").GetRawText(), StringComparison.Ordinal);

        using var listed = await client.GetAsync("/api/contacts");
        var listedBody = await listed.Content.ReadAsStringAsync();
        Assert.True(listed.StatusCode == HttpStatusCode.OK, $"GET /api/contacts answered {(int)listed.StatusCode}: {listedBody}");

        using var page = JsonDocument.Parse(listedBody);
        Assert.True(page.RootElement.TryGetProperty("nextCursor", out _), $"The page has no nextCursor: {listedBody}");
        Assert.Contains(
            page.RootElement.GetProperty("items").EnumerateArray(),
            item => item.GetProperty("id").GetRawText() == id.GetRawText() && item.GetProperty("name").GetString() == "Ann");
    }

    /// <summary>
    /// The cluster runs over TLS: the gateway shows the cluster certificate the AppHost made (and the API, whose grain calls
    /// the other tests make, reached it with that certificate), and a stranger who shows none is cut off.
    /// </summary>
    [Fact]
    public async Task The_silos_gateway_speaks_tls_with_the_cluster_certificate_and_cuts_off_a_stranger()
    {
        await fixture.WaitUntilHealthyAsync();
        using var cluster = X509CertificateLoader.LoadPkcs12(Convert.FromBase64String(await fixture.ParameterAsync("cluster-certificate")), null);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var (address, port) = await GatewayAsync(timeout.Token);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(address, port, timeout.Token);
        string? shown = null;
        await using var tls = new SslStream(tcp.GetStream(), leaveInnerStreamOpen: false, (_, certificate, _, _) =>
        {
            shown = certificate?.GetCertHashString();
            return true;
        });

        // Without a client certificate the handshake itself may fail (TLS 1.2), or the gateway closes the connection right
        // after it (TLS 1.3): either way nothing a stranger sends reaches Orleans.
        var cutOff = false;
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "silo" }, timeout.Token);
            cutOff = await tls.ReadAsync(new byte[1], timeout.Token) == 0;
        }
        catch (Exception e) when (e is AuthenticationException or IOException)
        {
            cutOff = true;
        }

        Assert.Equal(cluster.GetCertHashString(), shown);
        Assert.True(cutOff, "The gateway kept a connection that showed no certificate.");
    }

    /// <summary>The gateway as the API finds it: the address and gateway port the silo advertises in the membership table.</summary>
    private async Task<(string Address, int Port)> GatewayAsync(CancellationToken cancellationToken)
    {
        var connectionString = await fixture.App.GetConnectionStringAsync("contactsdb", cancellationToken)
            ?? throw new InvalidOperationException("contactsdb has no connection string.");
        await using var connection = new Npgsql.NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new Npgsql.NpgsqlCommand(
            "select address, proxy_port from orleans_membership where status = 3 and proxy_port > 0 limit 1", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        Assert.True(await reader.ReadAsync(cancellationToken), "No active silo with a gateway in the membership table.");
        return (reader.GetString(0), reader.GetInt32(1));
    }

    [Fact]
    public async Task The_services_log_in_as_the_application_role_which_owns_every_table()
    {
        await fixture.WaitUntilHealthyAsync();
        var services = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("contactsdb"));
        Assert.Equal("veloconnect_app", services.Username);

        // The superuser (the AppHost's, for the bootstrap) sees who is connected to the application's database.
        var superuser = new NpgsqlConnectionStringBuilder(await fixture.App.GetConnectionStringAsync("postgres"))
        {
            Database = services.Database,
            Pooling = false,
        };
        await using var connection = new NpgsqlConnection(superuser.ConnectionString);
        await connection.OpenAsync();
        await using var logins = new NpgsqlCommand(
            "select coalesce(string_agg(distinct usename, ', '), '') from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
            connection);
        Assert.Equal("veloconnect_app", await logins.ExecuteScalarAsync());
        await using var owners = new NpgsqlCommand(
            "select string_agg(distinct tableowner, ', ') from pg_tables where schemaname = 'public'", connection);
        Assert.Equal("veloconnect_app", await owners.ExecuteScalarAsync());
        await using var role = new NpgsqlCommand("select rolsuper or rolcreatedb or rolcreaterole from pg_roles where rolname = 'veloconnect_app'", connection);
        Assert.Equal(false, await role.ExecuteScalarAsync());
    }

    [Fact]
    public async Task The_mail_servers_web_inbox_answers()
    {
        await fixture.WaitUntilHealthyAsync();
        using var inbox = fixture.App.CreateHttpClient("mail", "http");

        using var page = await inbox.GetAsync("/");

        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("html", page.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
    }
}
