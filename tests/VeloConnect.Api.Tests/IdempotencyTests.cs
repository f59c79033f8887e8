using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Retries of bulk requests are exact (Stripe's semantics: the first attempt's result is the result) through the faults a
/// client and a server really meet: the client going away mid-request, an API process dying between its claim of an
/// Idempotency-Key and its answer, a failure after some items were written one by one. Faults are injected in the
/// database (a trigger that waits on an advisory lock the test holds, or fails on the Nth contact written), so no
/// production code path carries a test hook.
/// </summary>
public sealed class IdempotencyTests(IdempotencyFixture fixture) : IClassFixture<IdempotencyFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_client_that_disconnects_mid_request_gets_the_first_result_on_retry_and_the_batch_is_applied_once()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = Body(("Ann", "+14155550401"), ("Bob", "+14155550402"));
        await using var block = await fixture.BlockContactWritesAsync(ws.Id);

        using var gone = new CancellationTokenSource();
        var first = ws.Http.SendAsync(BulkRequest(body, "disconnect-1"), gone.Token);
        await block.WaitForWritersAsync(1);
        gone.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        await block.ReleaseAsync();
        await IdempotencyFixture.WaitUntilAsync("the first attempt ended", async () =>
            await fixture.CountAsync("select count(*) from contacts where workspace_id = @ws", ws.Id) == 2
            && await fixture.CountAsync("select count(*) from bulk_requests where workspace_id = @ws and response is null", ws.Id) == 0,
            async () => $"{await fixture.CountAsync("select count(*) from contacts where workspace_id = @ws", ws.Id)} contacts, "
                + $"{await fixture.CountAsync("select count(*) from bulk_requests where workspace_id = @ws and response is null", ws.Id)} unanswered claims");

        var retry = await ws.Http.SendAsync(BulkRequest(body, "disconnect-1"));

        var answer = await ReadAsync(retry, HttpStatusCode.OK);
        Assert.Equal(["created", "created"], Statuses(answer));
        Assert.Equal("true", Assert.Single(retry.Headers.GetValues("Idempotency-Replayed")));
        await AssertAppliedOnceAsync(ws.Id, 2);
    }

    [Fact]
    public async Task A_retry_while_the_first_attempt_runs_is_told_to_wait_with_Retry_After()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = Body(("Cy", "+14155550411"));
        await using var block = await fixture.BlockContactWritesAsync(ws.Id);
        var first = ws.Http.SendAsync(BulkRequest(body, "running-1"));
        await block.WaitForWritersAsync(1);

        var early = await ws.Http.SendAsync(BulkRequest(body, "running-1"));

        await early.AssertProblemAsync(HttpStatusCode.Conflict, "still running");
        var wait = early.Headers.RetryAfter?.Delta;
        Assert.True(wait is { } w && w >= TimeSpan.FromSeconds(1) && w <= IdempotencyFixture.Lease, $"Retry-After: {early.Headers.RetryAfter}");
        await block.ReleaseAsync();
        var answer = await ReadAsync(await first, HttpStatusCode.OK);
        Assert.Equal(["created"], Statuses(answer));
        await AssertAppliedOnceAsync(ws.Id, 1);
    }

    [Fact]
    public async Task A_claim_left_by_a_dead_API_is_taken_over_once_its_lease_expired_and_velo_can_finish_its_import()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = Body(("Dee", "+14155550421"), ("Eve", "+14155550422"));
        await fixture.InsertDeadClaimAsync(ws.Id, "dead-1", body);

        var retry = await ws.Http.SendAsync(BulkRequest(body, "dead-1"));

        Assert.Equal(["created", "created"], Statuses(await ReadAsync(retry, HttpStatusCode.OK)));
        await AssertAppliedOnceAsync(ws.Id, 2);
        Assert.Equal(2, await fixture.AttemptsAsync(ws.Id, "dead-1"));

        // The command-line importer's batch (its key is "<import id>:<first row>") left claimed by a dead API.
        var import = await StartCommandLineImportAsync(ws.Http);
        var rows = """[{"row":2,"cells":["Fay","+14155550423"]},{"row":3,"cells":["Gus","+14155550424"]}]""";
        await fixture.InsertDeadClaimAsync(ws.Id, $"{import}:2", rows);
        var batch = await ws.Http.SendAsync(BulkRequest(rows, $"{import}:2", $"/api/imports/{import}/rows"));
        Assert.Equal(["created", "created"], Statuses(await ReadAsync(batch, HttpStatusCode.OK)));
        var finished = await ReadAsync(await ws.Http.PostAsync($"/api/imports/{import}/finish", Json("""{"totalRows":2}""")), HttpStatusCode.OK);
        Assert.Equal("finished", finished["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_request_that_failed_after_some_one_by_one_writes_is_resumed_by_its_retry_which_answers_created_for_them()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = Body(("Hal", "+14155550431"), ("Ida", "+14155550432"), ("Jo", "+14155550433"), ("Kim", "+14155550434"));
        // The batch meets "contention" (it goes one by one), the first two contacts are written, the third fails.
        await using (await fixture.FailContactWritesAsync(ws.Id, passAfterContention: 2))
        {
            var failed = await ws.Http.SendAsync(BulkRequest(body, "fault-1"));
            Assert.True(failed.StatusCode == HttpStatusCode.InternalServerError, $"{(int)failed.StatusCode}: {await failed.Content.ReadAsStringAsync()}");
            Assert.Equal(2, await fixture.CountAsync("select count(*) from contacts where workspace_id = @ws", ws.Id));
        }

        var retry = await ws.Http.SendAsync(BulkRequest(body, "fault-1"));

        var answer = await ReadAsync(retry, HttpStatusCode.OK);
        Assert.Equal(["created", "created", "created", "created"], Statuses(answer));
        await AssertAppliedOnceAsync(ws.Id, 4);
        Assert.Equal(2, await fixture.AttemptsAsync(ws.Id, "fault-1"));
        var again = await ws.Http.SendAsync(BulkRequest(body, "fault-1"));
        Assert.Equal(answer.ToJsonString(), (await ReadAsync(again, HttpStatusCode.OK)).ToJsonString());
    }

    [Fact]
    public async Task An_API_killed_between_its_claim_and_its_answer_is_finished_exactly_once_by_another_instance_after_its_lease_expired()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var body = Body(("Lee", "+14155550441"), ("Max", "+14155550442"), ("Ned", "+14155550443"));
        await using var block = await fixture.BlockContactWritesAsync(ws.Id);
        var doomed = fixture.StartApi();
        var first = IdempotencyFixture.Client(doomed, ws.ApiKey).SendAsync(BulkRequest(body, "killed-1"));
        _ = first.ContinueWith(t => t.Exception, TaskScheduler.Default);
        await block.WaitForWritersAsync(1);

        // Killed: it answers nothing and renews nothing; its grain call may still be writing, blocked in the database.
        await doomed.DisposeAsync();
        var retry = RetryUntilTakenOverAsync(ws.Http, body, "killed-1");
        await IdempotencyFixture.WaitUntilAsync("the retry took the request over and writes", async () =>
            retry.IsCompleted || await block.WritersAsync() >= 2);
        await block.ReleaseAsync();

        var answer = await ReadAsync(await retry, HttpStatusCode.OK);
        Assert.Equal(["created", "created", "created"], Statuses(answer));
        await AssertAppliedOnceAsync(ws.Id, 3);
        Assert.Equal(2, await fixture.AttemptsAsync(ws.Id, "killed-1"));
    }

    /// <summary>Retries as a client would (honouring Retry-After) while the first attempt's lease is alive.</summary>
    private static async Task<HttpResponseMessage> RetryUntilTakenOverAsync(HttpClient http, string body, string key)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (true)
        {
            var response = await http.SendAsync(BulkRequest(body, key));
            if (response.StatusCode != HttpStatusCode.Conflict)
            {
                return response;
            }

            Assert.True(DateTime.UtcNow < deadline, "The first attempt's lease never expired: " + await response.Content.ReadAsStringAsync());
            var wait = response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
            await Task.Delay(wait < TimeSpan.FromSeconds(1) ? wait : TimeSpan.FromSeconds(1));
        }
    }

    /// <summary>Each contact of the workspace written once (version 1), and the request audited once.</summary>
    private async Task AssertAppliedOnceAsync(Guid workspaceId, int contacts)
    {
        Assert.Equal(contacts, await fixture.CountAsync("select count(*) from contacts where workspace_id = @ws and version = 1", workspaceId));
        Assert.Equal(contacts, await fixture.CountAsync("select count(*) from contacts where workspace_id = @ws", workspaceId));
        Assert.Equal(1, await fixture.CountAsync("select count(*) from audit_log where workspace_id = @ws and action = 'contacts.bulk'", workspaceId));
    }

    private static string Body(params (string Name, string Phone)[] contacts) =>
        new JsonArray([.. contacts.Select(c => (JsonNode)new JsonObject { ["name"] = c.Name, ["phones"] = new JsonArray(c.Phone) })]).ToJsonString();

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static HttpRequestMessage BulkRequest(string body, string key, string path = "/api/contacts/bulk")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        request.Headers.Add("Idempotency-Key", key);
        return request;
    }

    private static string[] Statuses(JsonObject answer) => [.. answer["results"]!.AsArray().Select(r => r!["status"]!.GetValue<string>())];

    private static async Task<string> StartCommandLineImportAsync(HttpClient http)
    {
        var upload = await ReadAsync(await http.UploadAsync("Name,Phone\nFay,+14155550423\n", "velo.csv", new() { ["commandLine"] = "true" }), HttpStatusCode.Created);
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await http.PutAsync($"/api/imports/{id}/mapping", Json("""{"columns":["name","phone"],"hasHeader":true}""")), HttpStatusCode.OK);
        await ReadAsync(await http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Accepted);
        return id;
    }
}

/// <summary>
/// A stack of its own for <see cref="IdempotencyTests"/>: a database, a silo, and API instances started on demand with a
/// short idempotency lease (so that a dead instance's claim expires within seconds) and a short shutdown timeout.
/// </summary>
public sealed class IdempotencyFixture : IAsyncLifetime
{
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    private readonly List<WebApplicationFactory<Program>> _apis = [];
    private WebApplication? _silo;
    private Dictionary<string, string?> _settings = [];
    private int _faults;

    public NpgsqlDataSource DataSource { get; private set; } = null!;

    /// <summary>The API instance the tests talk to unless they start another.</summary>
    public WebApplicationFactory<Program> Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await TestPostgres.CreateDatabaseAsync("idempotency");
        var redis = await TestRedis.InstanceAsync();
        DataSource = NpgsqlDataSource.Create(connectionString);
        _settings = LocalCluster.Settings(connectionString, redis.ConnectionString, "idempotency-tests");
        _settings["VeloConnect:BulkRequests:Lease"] = Lease.ToString();
        _settings["VeloConnect:BulkRequests:Renew"] = TimeSpan.FromMilliseconds(500).ToString();
        _silo = await LocalCluster.StartSiloAsync(_settings);
        Api = StartApi();
        await using var command = DataSource.CreateCommand("""
            create function test_wait_on_lock() returns trigger language plpgsql as $$
            begin perform pg_advisory_xact_lock(tg_argv[0]::int, tg_argv[1]::int); return new; end $$;
            create function test_fail_after() returns trigger language plpgsql as $$
            declare n bigint := nextval(tg_argv[0]);
            begin
                if n = 1 then raise exception 'injected contention' using errcode = 'unique_violation'; end if;
                if n > 1 + tg_argv[1]::int then raise exception 'injected fault writing %', new.name; end if;
                return new;
            end $$;
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Another API instance on the same database and cluster.</summary>
    public WebApplicationFactory<Program> StartApi()
    {
        var api = new WebApplicationFactory<Program>().WithWebHostBuilder(web =>
        {
            web.UseEnvironment("Development");
            foreach (var (key, value) in _settings)
            {
                web.UseSetting(key, value);
            }

            web.ConfigureServices(services => services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(1)));
        });
        _ = api.Server;
        _apis.Add(api);
        return api;
    }

    public static HttpClient Client(WebApplicationFactory<Program> api, string apiKey)
    {
        var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public async Task<TestWorkspace> NewWorkspaceAsync()
    {
        var (workspace, user, key) = await new WorkspaceStore(DataSource).CreateWorkspaceAsync("Workspace " + Guid.NewGuid().ToString("N")[..6], "US", "Agent", null);
        return new TestWorkspace(workspace.Id, user.Id, key, Client(Api, key));
    }

    public async Task<long> CountAsync(string sql, Guid workspaceId)
    {
        await using var command = DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("ws", workspaceId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>How many attempts claimed the key: 2 when a retry took the first attempt over.</summary>
    public async Task<int> AttemptsAsync(Guid workspaceId, string key)
    {
        await using var command = DataSource.CreateCommand("select attempts from bulk_requests where workspace_id = @ws and key = @key");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        return (int)(await command.ExecuteScalarAsync())!;
    }

    public static async Task WaitUntilAsync(string what, Func<Task<bool>> done, Func<Task<string>>? describe = null)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, "Timed out waiting until " + what + (describe is null ? "" : ": " + await describe()));
            await Task.Delay(50);
        }
    }

    /// <summary>The claim of a key as an API process that died before answering left it (its lease long expired).</summary>
    public async Task InsertDeadClaimAsync(Guid workspaceId, string key, string body)
    {
        await using var command = DataSource.CreateCommand(
            "insert into bulk_requests (workspace_id, key, body_hash, created_at) values (@ws, @key, @hash, now() - interval '1 hour')");
        command.Parameters.AddWithValue("ws", workspaceId);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("hash", SHA256.HashData(Encoding.UTF8.GetBytes(body)));
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>Makes every contact write of the workspace wait, inside its transaction, until the block is released.</summary>
    public async Task<WriteBlock> BlockContactWritesAsync(Guid workspaceId)
    {
        var id = Interlocked.Increment(ref _faults);
        var holder = await DataSource.OpenConnectionAsync();
        await Execute(holder, $"select pg_advisory_lock({WriteBlock.LockClass}, {id})");
        await Execute(holder, $"""
            create trigger test_block_{id} before insert or update on contacts for each row when (new.workspace_id = '{workspaceId}')
            execute function test_wait_on_lock('{WriteBlock.LockClass}', '{id}')
            """);
        return new WriteBlock(holder, id);
    }

    /// <summary>
    /// The workspace's first contact insert fails as contention (so a batch goes one by one), the next
    /// <paramref name="passAfterContention"/> pass, every later one fails. Disposing removes the fault.
    /// </summary>
    public async Task<IAsyncDisposable> FailContactWritesAsync(Guid workspaceId, int passAfterContention)
    {
        var id = Interlocked.Increment(ref _faults);
        var connection = await DataSource.OpenConnectionAsync();
        await Execute(connection, $"""
            create sequence test_fault_{id};
            create trigger test_fault_{id} before insert on contacts for each row when (new.workspace_id = '{workspaceId}')
            execute function test_fail_after('test_fault_{id}', '{passAfterContention}')
            """);
        return new Cleanup(connection, $"drop trigger test_fault_{id} on contacts; drop sequence test_fault_{id}");
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var api in _apis)
        {
            try
            {
                await api.DisposeAsync();
            }
            catch (ObjectDisposedException)
            {
                // An API a test stopped itself (its host is gone already).
            }
        }

        await LocalCluster.StopAsync(null, _silo);
        await DataSource.DisposeAsync();
    }

    private sealed class Cleanup(NpgsqlConnection connection, string sql) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Execute(connection, sql);
            await connection.DisposeAsync();
        }
    }

    /// <summary>A test's hold on the workspace's contact writes (an advisory lock their trigger waits for).</summary>
    public sealed class WriteBlock(NpgsqlConnection holder, int id) : IAsyncDisposable
    {
        public const int LockClass = 1717;
        private bool _released;

        /// <summary>Transactions waiting on the block.</summary>
        public async Task<long> WritersAsync()
        {
            await using var command = new NpgsqlCommand(
                $"select count(*) from pg_locks where locktype = 'advisory' and not granted and classid::bigint = {LockClass} and objid::bigint = {id} and objsubid = 2", holder);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public Task WaitForWritersAsync(int count) => WaitUntilAsync($"{count} writer(s) wait on the block", async () => await WritersAsync() >= count);

        public async Task ReleaseAsync()
        {
            if (!_released)
            {
                _released = true;
                await Execute(holder, $"select pg_advisory_unlock({LockClass}, {id})");
            }
        }

        public async ValueTask DisposeAsync()
        {
            await ReleaseAsync();
            await Execute(holder, $"drop trigger test_block_{id} on contacts");
            await holder.DisposeAsync();
        }
    }
}
