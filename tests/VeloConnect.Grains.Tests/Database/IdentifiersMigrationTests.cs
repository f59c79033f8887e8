using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data;
using VeloConnect.Data.Contacts;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.Database.DatabaseCommands;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// Migration 16 (issue 13, a cheaper schema) drops the identifiers' foreign key to contacts: the data stays as it was,
/// and every way a contact goes (one deleted, a workspace deleted) still frees its addresses, whose opt-outs stay.
/// </summary>
public sealed class IdentifiersMigrationTests
{
    private static readonly Guid Ws = Guid.NewGuid();
    private static readonly Guid OtherWs = Guid.NewGuid();
    private static readonly Guid Deleted = Guid.NewGuid();
    private static readonly Guid Kept = Guid.NewGuid();
    private static readonly Guid Elsewhere = Guid.NewGuid();

    [Fact]
    public async Task After_migration_16_deleting_contacts_still_frees_their_addresses_and_keeps_their_opt_outs()
    {
        var server = await TestPostgres.InstanceAsync();
        var connectionString = server.ConnectionString("identifiers_migration_" + Guid.NewGuid().ToString("N")[..8]);
        await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
        await using var db = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(Enumerable.Range(1, 15), await DatabaseMigrator.MigrateToAsync(db, 15));
        await ExecuteAsync(db, $"""
            insert into workspaces (id, name) values ('{Ws}', 'Before 16'), ('{OtherWs}', 'Another');
            insert into contacts (id, workspace_id, phones, email, source, created_at, last_activity_at, updated_at, version)
            values ('{Deleted}', '{Ws}', array['+14155550101'], 'gone@example.com', 'API', now(), now(), now(), 1),
                   ('{Kept}', '{Ws}', array['+14155550102'], null, 'API', now(), now(), now(), 1),
                   ('{Elsewhere}', '{OtherWs}', array['+14155550101'], null, 'API', now(), now(), now(), 1);
            insert into contact_identifiers (workspace_id, kind, value, contact_id)
            values ('{Ws}', 'p', '+14155550101', '{Deleted}'), ('{Ws}', 'e', 'gone@example.com', '{Deleted}'),
                   ('{Ws}', 'p', '+14155550102', '{Kept}'), ('{OtherWs}', 'p', '+14155550101', '{Elsewhere}');
            insert into contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source)
            values ('{Deleted}', '{Ws}', 'sms', 'opted_out', now(), 'replied STOP');
            insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source)
            values ('{Ws}', 'p', '+14155550101', 'sms', now(), 'replied STOP'), ('{Ws}', 'e', 'gone@example.com', 'sms', now(), 'replied STOP');
            """);

        Assert.Equal([16], (await DatabaseMigrator.MigrateAsync(db)).Where(v => v == 16));

        Assert.Equal(0L, await ScalarAsync<long>(db, "select count(*) from pg_constraint where conrelid = 'contact_identifiers'::regclass and contype = 'f'"));
        Assert.Equal(4L, await ScalarAsync<long>(db, "select count(*) from contact_identifiers"));

        // One contact deleted: its addresses are free again, the others' stay; the address opt-outs stay.
        var store = new ContactStore(db);
        Assert.True(await store.DeleteAsync(Ws, Deleted));
        Assert.Equal(0L, await ScalarAsync<long>(db, $"select count(*) from contact_identifiers where contact_id = '{Deleted}'"));
        Assert.Equal(1L, await ScalarAsync<long>(db, $"select count(*) from contact_identifiers where contact_id = '{Kept}'"));
        Assert.Equal(2L, await ScalarAsync<long>(db, $"select count(*) from address_opt_outs where workspace_id = '{Ws}'"));

        // A contact created with the freed phone takes it, and its opt-out with it.
        var reborn = Guid.NewGuid();
        var data = ContactData.Empty with { Phones = ["+14155550101"] };
        await store.InsertAsync(new ContactRecord(reborn, Ws, data, "API", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1));
        var optIn = Assert.Single(await store.GetOptInsAsync(Ws, [reborn]));
        Assert.Equal((Channel.Sms, OptInStatus.OptedOut), (optIn.Channel, optIn.Status));

        // A workspace deleted (its contacts go by cascade): their addresses go too.
        await ExecuteAsync(db, $"delete from workspaces where id = '{OtherWs}'");
        Assert.Equal(0L, await ScalarAsync<long>(db, $"select count(*) from contact_identifiers where workspace_id = '{OtherWs}'"));
    }
}
