using CsCheck;
using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using Xunit;
using static VeloConnect.Grains.Tests.Database.DatabaseCommands;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// The text search in a table of its own (migration 23, issue 13): one <c>contact_search</c> row per contact, holding
/// exactly <see cref="ContactStore.SearchText"/> of the contact as stored, whatever writes it (one contact, a batch, a
/// delete); a write that leaves name, email and phones as they were leaves the row untouched.
/// </summary>
public sealed class ContactSearchTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Migration_23_moves_each_contacts_search_text_into_contact_search_and_deletes_still_take_it_away()
    {
        var server = await TestPostgres.InstanceAsync();
        var connectionString = server.ConnectionString("search_migration_" + Guid.NewGuid().ToString("N")[..8]);
        await DatabaseMigrator.EnsureDatabaseAsync(connectionString);
        await using var db = NpgsqlDataSource.Create(connectionString);
        Assert.Equal(Enumerable.Range(1, 22), await DatabaseMigrator.MigrateToAsync(db, 22));
        Guid ws = Guid.NewGuid(), other = Guid.NewGuid(), ann = Guid.NewGuid(), bob = Guid.NewGuid(), elsewhere = Guid.NewGuid();
        await ExecuteAsync(db, $"""
            insert into workspaces (id, name) values ('{ws}', 'Before 23'), ('{other}', 'Another');
            insert into contacts (id, workspace_id, name, phones, email, source, created_at, last_activity_at, updated_at, version, search_text)
            values ('{ann}', '{ws}', 'Ann Lee', array['+14155550101'], 'Ann@Example.com', 'API', now(), now(), now(), 1, 'ann lee ann@example.com +14155550101'),
                   ('{bob}', '{ws}', 'Bob', array['+14155550102'], null, 'API', now(), now(), now(), 1, 'bob +14155550102'),
                   ('{elsewhere}', '{other}', null, array['+14155550101'], null, 'API', now(), now(), now(), 1, '+14155550101');
            """);

        Assert.Equal([23], (await DatabaseMigrator.MigrateAsync(db)).Where(v => v == 23));

        Assert.Equal(
            [(elsewhere, other, "+14155550101"), (ann, ws, "ann lee ann@example.com +14155550101"), (bob, ws, "bob +14155550102")],
            (await SearchRowsAsync(db, "true")).OrderBy(r => r.Text, StringComparer.Ordinal).Select(r => (r.Id, r.Workspace, r.Text)));
        Assert.Equal(0L, await ScalarAsync<long>(db, "select count(*) from information_schema.columns where table_name = 'contacts' and column_name = 'search_text'"));
        Assert.Equal(0L, await ScalarAsync<long>(db, "select count(*) from pg_indexes where indexname = 'contacts_search'"));
        Assert.Equal(1L, await ScalarAsync<long>(db, "select count(*) from pg_indexes where tablename = 'contact_search' and indexdef like '%gin_trgm_ops%'"));

        // The list's search reads the moved text: by a part of the name, of the email, and by a phone as people write it.
        var query = new ContactQuery(db);
        Assert.Equal([ann], await SearchAsync(query, ws, "LEE"));
        Assert.Equal([ann], await SearchAsync(query, ws, "example"));
        Assert.Equal([bob], await SearchAsync(query, ws, "(415) 555-0102"));

        // One contact deleted, then a whole workspace: their search rows go with them, the others' stay.
        Assert.True(await new ContactStore(db).DeleteAsync(ws, ann));
        await ExecuteAsync(db, $"delete from workspaces where id = '{other}'");
        Assert.Equal([bob], (await SearchRowsAsync(db, "true")).Select(r => r.Id));
    }

    /// <summary>
    /// Generated sequences of writes through every path that writes contacts (one insert, one version-checked update, a
    /// batch of new and changed contacts, a delete), with names that change, change only in case, or stay: after each,
    /// the search rows are exactly the contacts' search texts, a row whose text did not change kept its tuple (xmin), and
    /// the list's search finds each contact by its email.
    /// </summary>
    [Fact]
    public async Task Every_write_path_keeps_one_search_row_per_contact_equal_to_its_search_text()
    {
        await using var db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("search_rows"));
        var store = new ContactStore(db);
        var query = new ContactQuery(db);
        var workspaces = new WorkspaceStore(db);
        string?[] names = [null, "Ann Lee", "ANN LEE", "Bob Stone"];
        // (kind, slot, name, tag): 0 insert one, 1 update one, 2 a batch over every slot, 3 delete one.
        var operation = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 3], Gen.Int[0, names.Length - 1], Gen.Int[0, 2]);

        await operation.Array[1, 12].SampleAsync(async operations =>
        {
            var ws = (await workspaces.CreateWorkspaceAsync("Search " + Guid.NewGuid().ToString("N")[..6], "US", "Agent", null)).Workspace.Id;
            var model = new Dictionary<int, ContactRecord>();
            foreach (var (kind, slot, nameIndex, tag) in operations)
            {
                var name = names[nameIndex];
                var before = await XminsAsync(db, ws);
                var unchanged = new HashSet<Guid>();

                // A batch's change for a slot: its stored contact changed (a new name only in the operation's slot), or a new contact.
                PlannedContact Planned(int s)
                {
                    if (model.TryGetValue(s, out var stored))
                    {
                        return new PlannedContact(stored.Id, stored, Changed(stored.Data, s == slot ? name : stored.Data.Name, tag), [], []);
                    }

                    var fresh = NewContact(ws, s, name);
                    return new PlannedContact(fresh.Id, null, fresh.Data, [.. fresh.Data.Identifiers()], []);
                }

                switch (kind)
                {
                    case 0 when !model.ContainsKey(slot):
                        var created = NewContact(ws, slot, name);
                        await store.InsertAsync(created);
                        model[slot] = created;
                        break;
                    case 1 when model.TryGetValue(slot, out var existing):
                        var data = Changed(existing.Data, name, tag);
                        var record = existing with { Data = data, Version = existing.Version + 1, UpdatedAt = Now, LastActivityAt = Now };
                        Assert.True(await store.UpdateAsync(existing, record, [], []));
                        model[slot] = record;
                        Note(existing.Data, data, existing.Id, unchanged);
                        break;
                    case 2:
                        var changes = Enumerable.Range(0, 4).Select(Planned).ToList();
                        Assert.True(await ContactBatchWriter.WriteInTransactionAsync(db, ws, "API", changes, Now));
                        foreach (var (change, s) in changes.Select((c, s) => (c, s)))
                        {
                            if (change.Stored is { } stored)
                            {
                                Note(stored.Data, change.Data, stored.Id, unchanged);
                            }

                            model[s] = change.AsWritten(ws, "API", Now);
                        }

                        break;
                    case 3 when model.TryGetValue(slot, out var gone):
                        Assert.True(await store.DeleteAsync(ws, gone.Id));
                        model.Remove(slot);
                        break;
                }

                var rows = await SearchRowsAsync(db, $"workspace_id = '{ws}'");
                Assert.Equal(
                    model.Values.Select(c => (c.Id, ContactStore.SearchText(c.Data))).OrderBy(r => r.Id),
                    rows.Select(r => (r.Id, r.Text)).OrderBy(r => r.Id));
                var after = await XminsAsync(db, ws);
                Assert.All(unchanged, id => Assert.Equal(before[id], after[id]));
            }

            foreach (var (slot, contact) in model)
            {
                Assert.Equal([contact.Id], await SearchAsync(query, ws, $"user{slot}@"));
            }
        }, iter: 30, threads: 1);
    }

    /// <summary>A contact whose search text stays the same (same lower-cased name, email and phones) is noted as unchanged.</summary>
    private static void Note(ContactData before, ContactData after, Guid id, HashSet<Guid> unchanged)
    {
        if (ContactStore.SearchText(before) == ContactStore.SearchText(after))
        {
            unchanged.Add(id);
        }
    }

    private static ContactRecord NewContact(Guid ws, int slot, string? name) =>
        new(Guid.NewGuid(), ws, ContactData.Empty with { Name = name, Phones = [$"+1415555{slot:D4}"], Email = $"User{slot}@Example.com" },
            "API", Now, Now, Now, 1);

    private static ContactData Changed(ContactData data, string? name, int tag) =>
        data with { Name = name, Tags = data.Tags.Contains($"t{tag}") ? data.Tags : [.. data.Tags, $"t{tag}"] };

    private static async Task<List<Guid>> SearchAsync(ContactQuery query, Guid ws, string search) =>
        [.. (await query.ListAsync(ws, ContactFilter.None with { Search = search }, null, 100)).Items.Select(c => c.Id)];

    private static async Task<List<(Guid Id, Guid Workspace, string Text)>> SearchRowsAsync(NpgsqlDataSource db, string where)
    {
        await using var command = db.CreateCommand($"select contact_id, workspace_id, search_text from contact_search where {where}");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(Guid, Guid, string)>();
        while (await reader.ReadAsync())
        {
            rows.Add((reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2)));
        }

        return rows;
    }

    private static async Task<Dictionary<Guid, string>> XminsAsync(NpgsqlDataSource db, Guid ws)
    {
        await using var command = db.CreateCommand($"select contact_id, xmin::text from contact_search where workspace_id = '{ws}'");
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new Dictionary<Guid, string>();
        while (await reader.ReadAsync())
        {
            rows[reader.GetGuid(0)] = reader.GetString(1);
        }

        return rows;
    }
}
