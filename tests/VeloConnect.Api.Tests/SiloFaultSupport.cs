using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using VeloConnect.Data.Workspaces;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>What the fault tests share: a file with every outcome, an API in this process, polling the import, and the exactly-once checks.</summary>
internal static class SiloFaultSupport
{
    /// <summary>Duplicates and invalid rows after the <c>rows</c> distinct ones, so every outcome is counted across the faults.</summary>
    public const int Duplicates = 50;

    public const int Invalid = 50;

    /// <summary>Fault tests notice a silent job within seconds instead of the default 15 s (the silos and the API read the same settings).</summary>
    public static void NoticeSilenceQuickly(Dictionary<string, string?> settings)
    {
        settings["VeloConnect:Jobs:HeartbeatInterval"] = "00:00:01";
        settings["VeloConnect:Jobs:SilentAfter"] = "00:00:03";
        settings["VeloConnect:Imports:SupervisorInterval"] = "00:00:01";
    }

    public static string Csv(int rows)
    {
        var csv = new StringBuilder("Name,Phone,Email,Tags\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append($"Person {i},+1415{2_000_000 + i},p{i}@example.com,fault\n");
        }

        for (var i = 0; i < Duplicates; i++)
        {
            csv.Append($"Again {i},+1415{2_000_000 + i},,\n").Append($"Broken {i},123,,\n");
        }

        return csv.ToString();
    }

    public static WebApplicationFactory<Program> Api(IReadOnlyDictionary<string, string?> settings)
    {
        var api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in settings)
            {
                web.UseSetting(key, value);
            }
        });
        _ = api.Server;
        return api;
    }

    /// <summary>A workspace of its own and a client signed in to it as its user.</summary>
    public static async Task<(Guid Workspace, HttpClient Http)> SignInAsync(WebApplicationFactory<Program> api, NpgsqlDataSource dataSource, string name)
    {
        var (workspace, _, http) = await SignInAsUserAsync(api, dataSource, name);
        return (workspace, http);
    }

    public static async Task<(Guid Workspace, Guid User, HttpClient Http)> SignInAsUserAsync(WebApplicationFactory<Program> api, NpgsqlDataSource dataSource, string name)
    {
        var (workspace, user, key) = await new WorkspaceStore(dataSource).CreateWorkspaceAsync(name, "US", "Agent", null);
        var http = api.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return (workspace.Id, user.Id, http);
    }

    /// <summary>Polls the import until <paramref name="until"/> holds for its state (see <see cref="WaitForAnswerAsync"/>).</summary>
    public static Task<JsonObject> WaitForAsync(HttpClient http, string id, Func<JsonObject, bool> until, TimeSpan timeout, string what) =>
        WaitForAnswerAsync(http, $"/api/imports/{id}", until, timeout, what);

    /// <summary>
    /// Polls <paramref name="path"/> until <paramref name="until"/> holds for its answer; an answer other than 200 (the
    /// database restarting) counts as not yet. Fails with the last answer after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<JsonObject> WaitForAnswerAsync(HttpClient http, string path, Func<JsonObject, bool> until, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        var last = "(no answer yet)";
        while (true)
        {
            try
            {
                using var response = await http.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                last = $"{(int)response.StatusCode}: {body}";
                if (response.StatusCode == HttpStatusCode.OK && JsonNode.Parse(body) is JsonObject state && until(state))
                {
                    return state;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{what} within {timeout.TotalSeconds:F0} s; the last answer of {path} was {last}");
            await Task.Delay(100);
        }
    }

    public static int RowsDone(JsonObject state) => state["progress"]!["rowsDone"]!.GetValue<int>();

    public static string Status(JsonObject state) => state["status"]!.GetValue<string>();

    public static bool Ended(JsonObject state) => Status(state) is "finished" or "failed";

    /// <summary>
    /// The import finished with every row counted once: its counts, one recorded result per row, one contact per
    /// distinct phone, and one announcement (audit row and notification).
    /// </summary>
    public static async Task AssertFinishedExactlyOnceAsync(JsonObject done, NpgsqlDataSource dataSource, Guid workspace, string id, int rows)
    {
        Assert.True(Status(done) == "finished", done.ToJsonString());
        Assert.False(done["waitingForSilo"]!.GetValue<bool>(), done.ToJsonString());
        Assert.Equal((rows, 0, Duplicates, Invalid), ImportTestSupport.Counts(done));
        Assert.Equal(rows + Duplicates + Invalid, RowsDone(done));
        Assert.Equal((rows, rows), await ScalarsAsync(dataSource, "select count(*), count(distinct phones[1]) from contacts where workspace_id = @ws", workspace));
        Assert.Equal((rows + Duplicates + Invalid, rows + Duplicates + Invalid),
            await ScalarsAsync(dataSource, "select count(*), count(distinct row_number) from import_rows where import_id = @id", Guid.Parse(id)));
        Assert.Equal((1, 1), await ScalarsAsync(dataSource, """
            select (select count(*) from audit_log where workspace_id = @ws and action = 'import.finished'),
                   (select count(*) from notifications where workspace_id = @ws and kind = 'import.finished')
            """, workspace));
    }

    private static async Task<(long, long)> ScalarsAsync(NpgsqlDataSource dataSource, string sql, Guid id)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("ws", id);
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }
}
