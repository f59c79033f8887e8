using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data;
using VeloConnect.Data.Contacts;
using VeloConnect.TestSupport;
using Xunit;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// Migration 10 (consent per address) carries today's opt-ins, opt-outs and retained opt-outs over: a database at
/// migration 9 with today-shaped data means exactly the same after it, with the one documented change (a retained
/// opt-out on an address now held by an opted-in contact opts that contact out, audited).
/// </summary>
public sealed class OptOutMigrationTests
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 9, 0, 0, TimeSpan.Zero);
    private static readonly Guid Ws = Guid.NewGuid();
    private static readonly Guid Agent = Guid.NewGuid();
    private static readonly Guid Kept = Guid.NewGuid();        // own opt-out on sms, own opt-in on email
    private static readonly Guid OptedIn = Guid.NewGuid();     // own opt-in on whatsapp, holds a phone with a retained whatsapp opt-out
    private static readonly Guid Untouched = Guid.NewGuid();   // no consent at all
    private static readonly Guid Both = Guid.NewGuid();        // own email opt-out, and a later retained one on its phone

    [Fact]
    public async Task Every_opt_in_and_opt_out_means_after_migration_10_what_it_meant_before()
    {
        var server = await TestPostgres.InstanceAsync();
        var connectionString = server.ConnectionString("optout_migration_" + Guid.NewGuid().ToString("N")[..8]);
        await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
        await using var db = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(Enumerable.Range(1, 9), await DatabaseMigrator.MigrateToAsync(db, 9));
        await SeedTodayShapedDataAsync(db);

        Assert.Contains(10, await DatabaseMigrator.MigrateAsync(db));

        var store = new ContactStore(db);
        var optIns = (await store.GetOptInsAsync(Ws, [Kept, OptedIn, Untouched, Both])).ToDictionary(o => (o.ContactId, o.Channel));
        Assert.Equal(4, optIns.Count);
        Assert.DoesNotContain(optIns.Keys, k => k.ContactId == Untouched);
        // Unchanged: the contact's own records, with their dates and sources.
        Assert.Equal(new OptInRecord(Kept, Channel.Sms, OptInStatus.OptedOut, T0.AddDays(1), "replied STOP", Agent), optIns[(Kept, Channel.Sms)]);
        Assert.Equal(new OptInRecord(Kept, Channel.Email, OptInStatus.OptedIn, T0.AddDays(2), "web form", Agent), optIns[(Kept, Channel.Email)]);
        Assert.Equal(new OptInRecord(Both, Channel.Email, OptInStatus.OptedOut, T0.AddDays(3), "unsubscribe link", null), optIns[(Both, Channel.Email)]);
        // The one change of meaning: the retained opt-out the old code left unapplied (the contact was opted in) now applies.
        Assert.Equal(new OptInRecord(OptedIn, Channel.WhatsApp, OptInStatus.OptedOut, T0, "replied STOP before deletion", null), optIns[(OptedIn, Channel.WhatsApp)]);
        var audit = await ScalarAsync<string>(db, $"select details::text from audit_log where workspace_id = '{Ws}' and entity_id = '{OptedIn}'");
        Assert.Contains("\"from\": \"opted_in\"", audit);
        Assert.Contains("\"reason\": \"took_opted_out_address\"", audit);
        Assert.Equal(1L, await ScalarAsync<long>(db, $"select count(*) from audit_log where workspace_id = '{Ws}'"));
        Assert.Null(await ScalarAsync<string>(db, "select to_regclass('retained_opt_outs')::text"));

        // The filters agree with what the contacts show.
        var query = new ContactQuery(db);
        Assert.Equal([Kept], await IdsAsync(query, "sms", "opted_out"));
        Assert.Equal(new[] { OptedIn, Untouched, Both }.Order(), await IdsAsync(query, "sms", "unknown"));
        Assert.Equal([Kept], await IdsAsync(query, "email", "opted_in"));
        Assert.Equal([Both], await IdsAsync(query, "email", "opted_out"));
        Assert.Equal(new[] { OptedIn, Untouched }.Order(), await IdsAsync(query, "email", "unknown"));
        Assert.Equal([OptedIn], await IdsAsync(query, "whatsapp", "opted_out"));
        Assert.Empty(await IdsAsync(query, "whatsapp", "opted_in"));
        Assert.Equal(new[] { Kept, Untouched, Both }.Order(), await IdsAsync(query, "whatsapp", "unknown"));

        // Deleting carries on as before: each address of a deleted contact still opts out whoever takes it, and a
        // retained opt-out on an address nobody held comes with it to the contact that takes it.
        Assert.True(await store.DeleteAsync(Ws, Kept));
        var reborn = await InsertAsync(store, "+14155550101", null);
        var byEmail = await InsertAsync(store, null, "kept@example.com");
        var freeAddress = await InsertAsync(store, "+14155550199", null);
        var later = (await store.GetOptInsAsync(Ws, [reborn, byEmail, freeAddress])).ToDictionary(o => o.ContactId);
        Assert.Equal(new OptInRecord(reborn, Channel.Sms, OptInStatus.OptedOut, T0.AddDays(1), "replied STOP", Agent), later[reborn]);
        Assert.Equal(new OptInRecord(byEmail, Channel.Sms, OptInStatus.OptedOut, T0.AddDays(1), "replied STOP", Agent), later[byEmail]);
        Assert.Equal(new OptInRecord(freeAddress, Channel.Sms, OptInStatus.OptedOut, T0.AddDays(4), "STOP, contact deleted", null), later[freeAddress]);
    }

    /// <summary>Data as the code before migration 10 left it: own opt-ins and opt-outs, and opt-outs retained from deleted contacts.</summary>
    private static async Task SeedTodayShapedDataAsync(NpgsqlDataSource db)
    {
        await using var command = db.CreateCommand($"""
            insert into workspaces (id, name) values ('{Ws}', 'Before 10');
            insert into users (id, workspace_id, name) values ('{Agent}', '{Ws}', 'Agent');
            insert into contacts (id, workspace_id, phones, email, source, created_at, last_activity_at, updated_at, version)
            values ('{Kept}', '{Ws}', array['+14155550101', '+14155550102'], 'kept@example.com', 'API', now(), now(), now(), 1),
                   ('{OptedIn}', '{Ws}', array['+14155550103'], null, 'API', now(), now(), now(), 1),
                   ('{Untouched}', '{Ws}', array['+14155550104'], 'untouched@example.com', 'API', now(), now(), now(), 1),
                   ('{Both}', '{Ws}', array['+14155550105'], null, 'API', now(), now(), now(), 1);
            insert into contact_identifiers (workspace_id, kind, value, contact_id)
            values ('{Ws}', 'p', '+14155550101', '{Kept}'), ('{Ws}', 'p', '+14155550102', '{Kept}'), ('{Ws}', 'e', 'kept@example.com', '{Kept}'),
                   ('{Ws}', 'p', '+14155550103', '{OptedIn}'), ('{Ws}', 'p', '+14155550104', '{Untouched}'), ('{Ws}', 'e', 'untouched@example.com', '{Untouched}'),
                   ('{Ws}', 'p', '+14155550105', '{Both}');
            insert into contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source, set_by)
            values ('{Kept}', '{Ws}', 'sms', 'opted_out', @t1, 'replied STOP', '{Agent}'),
                   ('{Kept}', '{Ws}', 'email', 'opted_in', @t2, 'web form', '{Agent}'),
                   ('{OptedIn}', '{Ws}', 'whatsapp', 'opted_in', @t2, 'web form', null),
                   ('{Both}', '{Ws}', 'email', 'opted_out', @t3, 'unsubscribe link', null);
            insert into retained_opt_outs (workspace_id, kind, value, channel, set_at, source, set_by)
            values ('{Ws}', 'p', '+14155550103', 'whatsapp', @t0, 'replied STOP before deletion', null),
                   ('{Ws}', 'p', '+14155550105', 'email', @t5, 'complaint, contact deleted', null),
                   ('{Ws}', 'p', '+14155550199', 'sms', @t4, 'STOP, contact deleted', null);
            """);
        command.Parameters.AddWithValue("t0", T0);
        command.Parameters.AddWithValue("t1", T0.AddDays(1));
        command.Parameters.AddWithValue("t2", T0.AddDays(2));
        command.Parameters.AddWithValue("t3", T0.AddDays(3));
        command.Parameters.AddWithValue("t4", T0.AddDays(4));
        command.Parameters.AddWithValue("t5", T0.AddDays(5));
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<Guid> InsertAsync(ContactStore store, string? phone, string? email)
    {
        var id = Guid.NewGuid();
        var data = ContactData.Empty with { Phones = phone is null ? [] : [phone], Email = email };
        await store.InsertAsync(new ContactRecord(id, Ws, data, "API", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 1));
        return id;
    }

    private static async Task<List<Guid>> IdsAsync(ContactQuery query, string channel, string status)
    {
        var filter = ContactFilter.None with { OptIns = new Dictionary<string, string> { [channel] = status } };
        return [.. (await query.ListIdsAsync(Ws, filter)).Order()];
    }

    private static async Task<T?> ScalarAsync<T>(NpgsqlDataSource db, string sql)
    {
        await using var command = db.CreateCommand(sql);
        return await command.ExecuteScalarAsync() is T value ? value : default;
    }
}
