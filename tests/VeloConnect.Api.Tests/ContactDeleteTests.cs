using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Deletes by ids and by filter commit in chunks of 1,000 contacts, each chunk with its own audit row in its own
/// transaction: whatever stops a delete midway (a database fault, a client that goes away), every contact that is gone
/// is covered by an audit row. Faults are real: a trigger on the contacts table, created for one workspace only, that
/// refuses (or waits at) the Nth delete.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class ContactDeleteTests(ApiFixture fixture)
{
    // Three chunks: 1,000, 1,000 and 500.
    private const int Contacts = 2_500;

    [Fact]
    public async Task A_delete_by_ids_commits_in_chunks_each_with_its_audit_row()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ids = await CreateContactsAsync(ws, Contacts, "chunked");

        var result = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts/delete", new { ids }), HttpStatusCode.OK);

        Assert.Equal(Contacts, result["deleted"]!.GetValue<int>());
        var audit = await DeleteAuditAsync(ws.Id);
        Assert.Equal([1_000, 1_000, 500], audit.Select(a => a.Count));
        Assert.Equal([1, 2, 3], audit.Select(a => a.Chunk));
        Assert.Single(audit.Select(a => a.Deletion).Distinct());
        Assert.Equal(ids.Order(), audit.SelectMany(a => a.Ids).Order());
    }

    [Fact]
    public async Task A_delete_by_filter_that_fails_midway_has_audited_every_contact_it_deleted()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ids = await CreateContactsAsync(ws, Contacts, "doomed");
        HttpResponseMessage response;
        await using (await DeleteGate.RefuseAfterAsync(fixture.DataSource, ws.Id, 1_500))
        {
            response = await ws.Http.DeleteAsync("/api/contacts?tag=doomed");
        }

        var gone = await DeletedAsync(ws.Id, ids);
        var audit = await DeleteAuditAsync(ws.Id);
        Assert.Equal(gone.Order(), audit.SelectMany(a => a.Ids).Order());
        Assert.Equal(gone.Count, audit.Sum(a => a.Count));
        // The first chunk committed; the second failed at its 500th contact and was rolled back whole.
        Assert.Equal(1_000, gone.Count);
        var problem = await response.AssertProblemAsync(HttpStatusCode.ServiceUnavailable, "1,000 contacts were deleted");
        Assert.Contains("send the same request again", problem["detail"]!.GetValue<string>());
        Assert.All(audit, a => Assert.Equal("doomed", a.Details.GetProperty("filter").GetProperty("tag").GetString()));
    }

    [Fact]
    public async Task A_delete_whose_client_goes_away_runs_to_its_end_and_audits_every_chunk()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var ids = await CreateContactsAsync(ws, Contacts, "leaving");
        using var abandon = new CancellationTokenSource();
        Task<HttpResponseMessage> request;
        await using (var gate = await DeleteGate.WaitAfterAsync(fixture.DataSource, ws.Id, 1_000))
        {
            request = ws.Http.PostAsJsonAsync("/api/contacts/delete", new { ids }, abandon.Token);
            await PollAsync(async () => Contacts - await RemainingAsync(ws.Id) >= 1_000, "the first 1,000 contacts to be deleted");
            await abandon.CancelAsync();
        }

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);

        await PollAsync(async () => await RemainingAsync(ws.Id) == 0, "every contact to be deleted after the client went away");
        var audit = await DeleteAuditAsync(ws.Id);
        await PollAsync(async () => (audit = await DeleteAuditAsync(ws.Id)).Sum(a => a.Count) == Contacts, "the last chunk's audit row");
        Assert.Equal(ids.Order(), audit.SelectMany(a => a.Ids).Order());
        Assert.Equal([1_000, 1_000, 500], audit.Select(a => a.Count));
    }

    [Fact]
    public async Task A_delete_whose_audit_row_cannot_be_written_deletes_nothing()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var one = (await ws.Http.CreateContactAsync(new { email = "audited.one@example.com" })).Id();
        var ids = await CreateContactsAsync(ws, 10, "audited");
        await using (await AuditGate.RefuseAsync(fixture.DataSource, ws.Id))
        {
            Assert.Equal(HttpStatusCode.InternalServerError, (await ws.Http.DeleteAsync($"/api/contacts/{one}")).StatusCode);
            Assert.False((await ws.Http.PostAsJsonAsync("/api/contacts/delete", new { ids })).IsSuccessStatusCode);
            Assert.False((await ws.Http.DeleteAsync("/api/contacts?tag=audited")).IsSuccessStatusCode);
        }

        Assert.Equal(11, await RemainingAsync(ws.Id));
        Assert.Equal(HttpStatusCode.OK, (await ws.Http.GetAsync($"/api/contacts/{one}")).StatusCode);

        // And once the audit log takes rows again, the single delete writes its row in the same transaction.
        Assert.Equal(HttpStatusCode.NoContent, (await ws.Http.DeleteAsync($"/api/contacts/{one}")).StatusCode);
        var entry = Assert.Single(await DeleteAuditAsync(ws.Id));
        Assert.Equal([one], entry.Ids);
        Assert.Equal(1, entry.Count);
    }

    private async Task<List<string>> CreateContactsAsync(TestWorkspace ws, int count, string tag)
    {
        var items = Enumerable.Range(0, count).Select(i => new { email = $"{tag}{i}@example.com", tags = new[] { tag } }).ToArray();
        var response = await ApiTestExtensions.ReadAsync(await ws.Http.PostAsJsonAsync("/api/contacts/bulk", items), HttpStatusCode.OK);
        Assert.Equal((count, 0, 0, 0), ApiTestExtensions.BulkCounts(response));
        return [.. response["results"]!.AsArray().Select(r => r!["contactId"]!.GetValue<string>())];
    }

    private async Task<int> RemainingAsync(Guid workspaceId)
    {
        await using var command = fixture.DataSource.CreateCommand("select count(*) from contacts where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspaceId);
        return Convert.ToInt32(await command.ExecuteScalarAsync());
    }

    private async Task<List<string>> DeletedAsync(Guid workspaceId, IReadOnlyList<string> ids)
    {
        await using var command = fixture.DataSource.CreateCommand("select id::text from contacts where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspaceId);
        var remaining = new HashSet<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            remaining.Add(reader.GetString(0));
        }

        return [.. ids.Where(id => !remaining.Contains(id))];
    }

    private sealed record DeleteAudit(int Count, int? Chunk, string? Deletion, IReadOnlyList<string> Ids, JsonElement Details);

    /// <summary>The workspace's <c>contacts.deleted</c> rows, oldest first.</summary>
    private async Task<List<DeleteAudit>> DeleteAuditAsync(Guid workspaceId)
    {
        await using var command = fixture.DataSource.CreateCommand(
            "select details::text from audit_log where workspace_id = @ws and action = 'contacts.deleted' order by id");
        command.Parameters.AddWithValue("ws", workspaceId);
        var rows = new List<DeleteAudit>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var details = JsonDocument.Parse(reader.GetString(0)).RootElement;
            rows.Add(new DeleteAudit(
                details.GetProperty("count").GetInt32(),
                details.TryGetProperty("chunk", out var chunk) ? chunk.GetInt32() : null,
                details.TryGetProperty("deletion", out var deletion) ? deletion.GetString() : null,
                details.TryGetProperty("ids", out var ids) ? [.. ids.EnumerateArray().Select(i => i.GetString()!)] : [],
                details));
        }

        return rows;
    }

    private static async Task PollAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting for {what}.");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// A trigger on <c>contacts</c> for one workspace that counts deletes (a sequence: the count survives rollbacks) and,
    /// past the given number, refuses the delete or waits for an advisory lock this gate holds until it is disposed.
    /// </summary>
    private sealed class DeleteGate : IAsyncDisposable
    {
        private readonly NpgsqlConnection _connection;
        private readonly string _name;

        private DeleteGate(NpgsqlConnection connection, string name) => (_connection, _name) = (connection, name);

        public static Task<DeleteGate> RefuseAfterAsync(NpgsqlDataSource dataSource, Guid workspaceId, int allowed) =>
            CreateAsync(dataSource, workspaceId, allowed, "raise exception 'test fault: delete number % refused', n");

        public static Task<DeleteGate> WaitAfterAsync(NpgsqlDataSource dataSource, Guid workspaceId, int allowed) =>
            CreateAsync(dataSource, workspaceId, allowed, "perform pg_advisory_xact_lock(hashtext(tg_name))");

        private static async Task<DeleteGate> CreateAsync(NpgsqlDataSource dataSource, Guid workspaceId, int allowed, string action)
        {
            var name = "test_delete_gate_" + workspaceId.ToString("N");
            var connection = await dataSource.OpenConnectionAsync();
            await Execute(connection, $"""
                create sequence {name};
                create function {name}() returns trigger language plpgsql as $$
                declare n bigint := nextval('{name}');
                begin
                    if n > {allowed} then {action}; end if;
                    return old;
                end $$;
                create trigger {name} before delete on contacts for each row when (old.workspace_id = '{workspaceId}') execute function {name}();
                select pg_advisory_lock(hashtext('{name}'));
                """);
            return new DeleteGate(connection, name);
        }

        public async ValueTask DisposeAsync()
        {
            await Execute(_connection, $"select pg_advisory_unlock(hashtext('{_name}'))");
            await Execute(_connection, $"drop trigger {_name} on contacts; drop function {_name}(); drop sequence {_name};");
            await _connection.DisposeAsync();
        }
    }

    /// <summary>A trigger that refuses the workspace's audit rows until disposed.</summary>
    private sealed class AuditGate(NpgsqlDataSource dataSource, string name) : IAsyncDisposable
    {
        public static async Task<AuditGate> RefuseAsync(NpgsqlDataSource dataSource, Guid workspaceId)
        {
            var name = "test_audit_gate_" + workspaceId.ToString("N");
            await using var connection = await dataSource.OpenConnectionAsync();
            await Execute(connection, $"""
                create function {name}() returns trigger language plpgsql as $$
                begin raise exception 'test fault: audit row refused'; end $$;
                create trigger {name} before insert on audit_log for each row when (new.workspace_id = '{workspaceId}') execute function {name}();
                """);
            return new AuditGate(dataSource, name);
        }

        public async ValueTask DisposeAsync()
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await Execute(connection, $"drop trigger {name} on audit_log; drop function {name}();");
        }
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
