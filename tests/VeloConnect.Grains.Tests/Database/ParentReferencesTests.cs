using Npgsql;
using VeloConnect.Data;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.Database.DatabaseCommands;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// Migration 22 (issue 13, a cheaper schema) checks the references of contacts (→ workspace) and of an import's row
/// results, journal and review rows (→ import) once per statement instead of once per row: a row naming a missing parent is
/// refused with the foreign key's error, a parent being deleted waits for a writer holding it (and the writer for a
/// delete in progress), and deleting a parent deletes its rows, as the foreign keys' cascades did. Data written before the
/// migration is kept.
/// </summary>
public sealed class ParentReferencesTests
{
    private static readonly Guid Ws = Guid.NewGuid();
    private static readonly Guid User = Guid.NewGuid();
    private static readonly Guid Contact = Guid.NewGuid();
    private static readonly Guid Import = Guid.NewGuid();

    [Fact]
    public async Task After_migration_22_rows_need_their_parent_and_go_with_it_and_old_rows_stay()
    {
        await using var db = await MigratedToAsync(21);
        await SeedAsync(db, Ws, User, Contact, Import);

        Assert.Equal([22], (await DatabaseMigrator.MigrateAsync(db)).Where(v => v == 22));
        Assert.Equal("", await ScalarAsync<string>(db, """
            select coalesce(string_agg(conname, ', '), '') from pg_constraint where contype = 'f'
            and conrelid in ('contacts'::regclass, 'import_rows'::regclass, 'import_journal'::regclass, 'import_review_rows'::regclass)
            and conname <> 'contacts_assigned_agent_id_fkey'
            """));
        Assert.Equal((1L, 1L, 1L, 1L), await CountsAsync(db, Import, Ws));

        // A row naming a parent that does not exist: the foreign key's error, nothing written (a row result for a missing
        // import meets migration 12's check of an open import first, with its own error).
        var missing = Guid.NewGuid();
        foreach (var insert in Inserts(missing, Ws, Guid.NewGuid()).Skip(1))
        {
            var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, insert));
            Assert.Contains(refused.SqlState, new[] { PostgresErrorCodes.ForeignKeyViolation, "VCEND" });
            Assert.True(insert.Contains("import_rows", StringComparison.Ordinal) || refused.SqlState == PostgresErrorCodes.ForeignKeyViolation, insert);
        }

        var noWorkspace = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, Inserts(Import, missing, Guid.NewGuid())[0]));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, noWorkspace.SqlState);
        var moved = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, $"update import_rows set import_id = '{missing}'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, moved.SqlState);
        Assert.Equal((1L, 1L, 1L, 1L), await CountsAsync(db, Import, Ws));

        // Deleting the import deletes its rows; deleting the workspace deletes its contacts and their addresses.
        await ExecuteAsync(db, $"delete from imports where id = '{Import}'");
        Assert.Equal((0L, 0L, 0L, 1L), await CountsAsync(db, Import, Ws));
        await ExecuteAsync(db, $"delete from workspaces where id = '{Ws}'");
        Assert.Equal((0L, 0L, 0L, 0L), await CountsAsync(db, Import, Ws));
        Assert.Equal(0L, await ScalarAsync<long>(db, $"select count(*) from contact_identifiers where workspace_id = '{Ws}'"));
    }

    /// <summary>Migration 24 does the same for a keyed bulk request's item records (→ the request).</summary>
    [Fact]
    public async Task After_migration_24_bulk_items_need_their_request_and_go_with_it_and_old_items_stay()
    {
        await using var db = await MigratedToAsync(23);
        var (ws, request, missing) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await ExecuteAsync(db, $"""
            insert into workspaces (id, name) values ('{ws}', 'Bulk references');
            insert into bulk_requests (id, workspace_id, key, body_hash) values ('{request}', '{ws}', 'k1', '\x00');
            {BulkItem(request, 0)}
            """);

        Assert.Equal([24], (await DatabaseMigrator.MigrateAsync(db)).Where(v => v == 24));
        Assert.Equal(0L, await ScalarAsync<long>(db, "select count(*) from pg_constraint where contype = 'f' and conrelid = 'bulk_request_items'::regclass"));
        Assert.Equal(1L, await ItemsAsync(db, request));

        // Items of a request that does not exist, or moved to one: the foreign key's error, nothing written.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, BulkItem(missing, 0)));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, refused.SqlState);
        var moved = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, $"update bulk_request_items set request_id = '{missing}'"));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, moved.SqlState);

        // Deleting the request (the cleanup of old keys) deletes its items; so does deleting the workspace, through its requests.
        await ExecuteAsync(db, BulkItem(request, 1));
        Assert.Equal(2L, await ItemsAsync(db, request));
        await ExecuteAsync(db, $"delete from bulk_requests where id = '{request}'");
        Assert.Equal(0L, await ItemsAsync(db, request));
        var second = Guid.NewGuid();
        await ExecuteAsync(db, $"insert into bulk_requests (id, workspace_id, key, body_hash) values ('{second}', '{ws}', 'k2', '\\x00'); {BulkItem(second, 0)}");
        await ExecuteAsync(db, $"delete from workspaces where id = '{ws}'");
        Assert.Equal(0L, await ItemsAsync(db, second));
    }

    private static string BulkItem(Guid request, int index) =>
        $"insert into bulk_request_items (request_id, item_index, status) values ('{request}', {index}, 'created');";

    private static Task<long> ItemsAsync(NpgsqlDataSource db, Guid request) =>
        ScalarAsync<long>(db, $"select count(*) from bulk_request_items where request_id = '{request}'");

    [Fact]
    public async Task A_parent_deleted_while_a_writer_holds_it_waits_and_then_takes_the_writers_rows_with_it()
    {
        await using var db = await MigratedToAsync(int.MaxValue);
        var (ws, user, contact, import) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        await SeedAsync(db, ws, user, null, import);

        // The writer's statements lock the import (key share) until it commits: its journal entry and review row (a row
        // result would lock it by migration 12's check already).
        await using var writer = await db.OpenConnectionAsync();
        await using var writing = await writer.BeginTransactionAsync();
        foreach (var insert in Inserts(import, ws, contact)[2..])
        {
            await using var command = new NpgsqlCommand(insert, writer, writing);
            await command.ExecuteNonQueryAsync();
        }

        // A delete of the import meanwhile waits for it (not: deletes the import, leaving the writer's rows behind).
        await using var deleter = await db.OpenConnectionAsync();
        var deleterPid = deleter.ProcessID;
        var deleting = Task.Run(async () =>
        {
            await using var command = new NpgsqlCommand($"delete from imports where id = '{import}'", deleter);
            return await command.ExecuteNonQueryAsync();
        });
        await PollAsync(async () => await ScalarAsync<bool>(db,
            $"select coalesce((select wait_event_type = 'Lock' from pg_stat_activity where pid = {deleterPid}), false)"));
        Assert.False(deleting.IsCompleted);

        await writing.CommitAsync();
        Assert.Equal(1, await deleting);
        Assert.Equal((0L, 0L, 0L, 0L), await CountsAsync(db, import, ws));

        // And the other way round: a writer naming an import whose delete committed first is refused.
        var late = await Assert.ThrowsAsync<PostgresException>(() => ExecuteAsync(db, Inserts(import, ws, Guid.NewGuid())[2]));
        Assert.Equal(PostgresErrorCodes.ForeignKeyViolation, late.SqlState);
    }

    private static async Task<NpgsqlDataSource> MigratedToAsync(int version)
    {
        var server = await TestPostgres.InstanceAsync();
        var superuser = server.ConnectionString("parent_references_" + Guid.NewGuid().ToString("N")[..8]);
        // As the services connect: the application's role (issue 15).
        var db = NpgsqlDataSource.Create(await DatabaseRole.BootstrapAsync(superuser, DatabaseRole.DefaultName, password: null));
        await DatabaseMigrator.MigrateToAsync(db, version);
        return db;
    }

    private static async Task SeedAsync(NpgsqlDataSource db, Guid ws, Guid user, Guid? contact, Guid import)
    {
        await ExecuteAsync(db, $"""
            insert into workspaces (id, name) values ('{ws}', 'References');
            insert into users (id, workspace_id, name) values ('{user}', '{ws}', 'Ann');
            insert into imports (id, workspace_id, user_id, file_name, file_size, status, analysis, has_header, total_rows, kind)
            values ('{import}', '{ws}', '{user}', 'f.csv', 1, 'running', jsonb_build_object(), true, 1, 'wizard');
            """);
        if (contact is { } id)
        {
            foreach (var insert in Inserts(import, ws, id))
            {
                await ExecuteAsync(db, insert);
            }
        }
    }

    /// <summary>A contact with its phone, then the import's row result, journal entry and review row for it.</summary>
    private static string[] Inserts(Guid import, Guid ws, Guid contact) =>
    [
        $"""
        insert into contacts (id, workspace_id, phones, source, created_at, last_activity_at, updated_at, version)
        values ('{contact}', '{ws}', array['+14155550101'], 'import', now(), now(), now(), 1);
        insert into contact_identifiers (workspace_id, kind, value, contact_id) values ('{ws}', 'p', '{contact:N}', '{contact}')
        """,
        $"insert into import_rows (import_id, row_number, outcome, contact_id) values ('{import}', 2, 'added', '{contact}') on conflict do nothing",
        $"""
        insert into import_journal (import_id, contact_id, workspace_id, created, after, first_at, last_at)
        values ('{import}', '{contact}', '{ws}', true, jsonb_build_object(), now(), now())
        """,
        $"insert into import_review_rows (import_id, row_number, outcome, cells) values ('{import}', 2, 'added', array['x']) on conflict do nothing",
    ];

    private static async Task<(long Rows, long Journal, long ReviewRows, long Contacts)> CountsAsync(NpgsqlDataSource db, Guid import, Guid ws) =>
        (await ScalarAsync<long>(db, $"select count(*) from import_rows where import_id = '{import}'"),
         await ScalarAsync<long>(db, $"select count(*) from import_journal where import_id = '{import}'"),
         await ScalarAsync<long>(db, $"select count(*) from import_review_rows where import_id = '{import}'"),
         await ScalarAsync<long>(db, $"select count(*) from contacts where workspace_id = '{ws}'"));

    private static async Task PollAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The delete never waited for the writer's lock.");
            await Task.Delay(20);
        }
    }
}
