using System.Text;
using Npgsql;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Contracts.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Tests.Contacts;
using Xunit;

namespace VeloConnect.Grains.Tests.Imports;

/// <summary>
/// The contended path of an import (rows one by one through the contact grains) journals each change in the transaction
/// of the change, and the revert job undoes what that journal records.
/// </summary>
[Collection(ContactClusterCollection.Name)]
public sealed class ImportJournalGrainPathTests(ContactClusterFixture fixture)
{
    private ContactStore Store => new(fixture.DataSource);

    private static ContactWrite Write(string phone, string? name = null, string? email = null, string[]? tags = null) =>
        new(name, phone, [], email, tags ?? [], new Dictionary<string, string>(), null);

    [Fact]
    public async Task Grain_path_journals_created_and_updated_contacts_keeping_the_first_before()
    {
        var (workspace, user) = await NewWorkspaceAsync();
        var import = await CreateImportAsync(workspace, user);
        var writer = fixture.Client.ContactWriter(workspace);
        var existing = await writer.UpsertAsync(Write("+14155550300", "Old name", tags: ["customer"]), UpsertMode.Merge, new WriteContext("API", null));

        var created = await writer.UpsertAsync(Write("+14155550301", "New"), UpsertMode.Merge, Row(import, 2));
        await writer.UpsertAsync(Write("+14155550300", "First rename", tags: ["vip"]), UpsertMode.Merge, Row(import, 3));
        await writer.UpsertAsync(Write("+14155550301", tags: ["late"]), UpsertMode.Merge, Row(import, 4));
        await writer.UpsertAsync(Write("+14155550300", "Second rename"), UpsertMode.Merge, Row(import, 5));
        // A write that is not an import's is not journaled.
        await writer.UpsertAsync(Write("+14155550302", "By API"), UpsertMode.Merge, new WriteContext("API", null));

        var journal = await JournalAsync(import.Id);
        Assert.Equal(2, journal.Count);
        var createdEntry = journal[created.ContactId];
        Assert.True(createdEntry.Created);
        Assert.Null(createdEntry.Before);
        Assert.Equal(["late"], ImportJournal.FromJson(createdEntry.After).Tags);
        var updatedEntry = journal[existing.ContactId];
        Assert.False(updatedEntry.Created);
        Assert.Equal("Old name", ImportJournal.FromJson(updatedEntry.Before!).Name);
        Assert.Equal(["customer"], ImportJournal.FromJson(updatedEntry.Before!).Tags);
        Assert.Equal("Second rename", ImportJournal.FromJson(updatedEntry.After).Name);
        Assert.Equal(["customer", "vip"], ImportJournal.FromJson(updatedEntry.After).Tags);
    }

    [Fact]
    public async Task Revert_of_a_grain_path_import_deletes_what_it_created_and_restores_what_it_changed()
    {
        var (workspace, user) = await NewWorkspaceAsync();
        var import = await CreateImportAsync(workspace, user);
        var writer = fixture.Client.ContactWriter(workspace);
        var existing = await writer.UpsertAsync(Write("+14155550310", "Ann", "ann@example.com", ["customer"]), UpsertMode.Merge, new WriteContext("API", null));
        var before = (await Store.LoadAsync(workspace, existing.ContactId))!.Data;
        var created = await writer.UpsertAsync(Write("+14155550311", "New"), UpsertMode.Merge, Row(import, 2));
        await writer.UpsertAsync(Write("+14155550310", "Ann Lee", "ann.lee@example.com", ["vip"]), UpsertMode.Merge, Row(import, 3));
        await new ImportStore(fixture.DataSource).FinishAsync(import.Id, ImportStatus.Finished, null);

        var revert = fixture.Client.GetGrain<IImportRevertGrain>(import.Id);
        await revert.StartAsync(user);
        var reverts = new ImportRevertStore(fixture.DataSource);
        var state = await FinishedRevertAsync(reverts, workspace, import.Id);

        Assert.Equal(new RevertCounts(1, 1, 0, 0), state.Counts);
        Assert.Null(await Store.LoadAsync(workspace, created.ContactId));
        var restored = (await Store.LoadAsync(workspace, existing.ContactId))!.Data;
        Assert.True(restored.SameAs(before), "the updated contact is exactly as before the import");
        // The email the import replaced is the contact's again; the one it brought is free.
        var owners = await Store.OwnersAsync(workspace, [ContactRules.Contacts.Identifier.ForEmail("ann@example.com"), ContactRules.Contacts.Identifier.ForEmail("ann.lee@example.com")]);
        Assert.Equal(existing.ContactId, Assert.Single(owners).Value);

        // Asking again changes nothing and finishes nothing again.
        await revert.StartAsync(user);
        // (The heartbeat's age is read from the database clock at each read: only its time must be the same.)
        var again = (await reverts.GetAsync(workspace, import.Id))!;
        Assert.Equal(state.Heartbeat?.At, again.Heartbeat?.At);
        Assert.Equal(state, again with { Heartbeat = state.Heartbeat });
    }

    [Fact]
    public async Task A_resumed_revert_skips_the_entries_already_decided_and_finishes_once()
    {
        var (workspace, user) = await NewWorkspaceAsync();
        var import = await CreateImportAsync(workspace, user);
        var writer = fixture.Client.ContactWriter(workspace);
        var first = await writer.UpsertAsync(Write("+14155550320", "One"), UpsertMode.Merge, Row(import, 2));
        var second = await writer.UpsertAsync(Write("+14155550321", "Two"), UpsertMode.Merge, Row(import, 3));
        await new ImportStore(fixture.DataSource).FinishAsync(import.Id, ImportStatus.Finished, null);
        // As a job stopped by a dying silo leaves it: the revert running, one entry decided (and recorded), one not.
        var reverts = new ImportRevertStore(fixture.DataSource);
        Assert.True(await reverts.CreateAsync(import, user));
        await reverts.RecordAsync(import.Id, [new RevertEntryResult(first.ContactId, RevertOutcome.Kept, ["decided before the restart"])]);

        await fixture.Client.GetGrain<IImportRevertGrain>(import.Id).ResumeAsync();
        var state = await FinishedRevertAsync(reverts, workspace, import.Id);

        Assert.Equal(new RevertCounts(1, 0, 1, 0), state.Counts);
        Assert.Equal(2, state.Total);
        Assert.NotNull(await Store.LoadAsync(workspace, first.ContactId));
        Assert.Null(await Store.LoadAsync(workspace, second.ContactId));
        Assert.Equal(["decided before the restart"], Assert.Single(await reverts.KeptAsync(import.Id)).Reasons);
        Assert.False(await reverts.CreateAsync(import, user));
    }

    [Fact]
    public async Task Grain_path_records_a_rows_reading_warnings_before_the_writes_own()
    {
        // A row imported by its valid email while its phone was not one (the bad-identifier choice "import") that meets a
        // concurrent change goes through the contact grain: the reading's warning must reach import_rows as the batch path's does.
        var (workspace, user) = await NewWorkspaceAsync();
        var import = await CreateImportAsync(workspace, user);
        var writer = fixture.Client.ContactWriter(workspace);
        const string Reading = "Column 'Mobile': '12' is not a phone number; the row is imported by its other phone or email.";
        var context = new WriteContext("CSV import", import.UserId, new ImportRowRef(import.Id, 2, [Reading]));

        var written = await writer.UpsertAsync(new ContactWrite("Bob", null, [], "bob.grain@example.com", [], new Dictionary<string, string>(), null), UpsertMode.Merge, context);

        Assert.Equal(WriteOutcome.Created, written.Outcome);
        await using var command = fixture.DataSource.CreateCommand("select outcome, warnings from import_rows where import_id = @id and row_number = 2");
        command.Parameters.AddWithValue("id", import.Id);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "the row is recorded by the contact write");
        Assert.Equal("added", reader.GetString(0));
        Assert.Equal(Reading, Assert.Single(reader.GetFieldValue<string[]>(1)));
    }

    private static async Task<ImportRevertRecord> FinishedRevertAsync(ImportRevertStore reverts, Guid workspace, Guid importId)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            if (await reverts.GetAsync(workspace, importId) is { Status: RevertStatus.Finished } state)
            {
                return state;
            }

            Assert.True(DateTime.UtcNow < deadline, "The revert did not finish in time.");
            await Task.Delay(50);
        }
    }

    private static WriteContext Row(ImportRecord import, int row) => new("CSV import", import.UserId, new ImportRowRef(import.Id, row));

    private async Task<(Guid Workspace, Guid User)> NewWorkspaceAsync()
    {
        var (workspace, user, _) = await new WorkspaceStore(fixture.DataSource).CreateWorkspaceAsync("Journal", "US", "Agent", null);
        return (workspace.Id, user.Id);
    }

    private async Task<ImportRecord> CreateImportAsync(Guid workspace, Guid user)
    {
        var file = Encoding.UTF8.GetBytes("Name,Phone\nAnn,+14155550300\n");
        var analysis = CsvSniffer.Sniff(new MemoryStream(file), new SniffOptions());
        var now = DateTimeOffset.UtcNow;
        var import = new ImportRecord(Guid.NewGuid(), workspace, user, "journal.csv", file.Length, ImportStatus.Running, now,
            analysis, null, new ImportMapping([ColumnTarget.Name, ColumnTarget.PrimaryPhone], true, "US"), analysis.DataRowCount, 0, ImportCounts.Zero, now, null, null);
        await new ImportStore(fixture.DataSource).CreateAsync(import, new MemoryStream(file));
        return import;
    }

    private async Task<Dictionary<Guid, (bool Created, string? Before, string After)>> JournalAsync(Guid importId)
    {
        await using var command = fixture.DataSource.CreateCommand("select contact_id, created, before::text, after::text from import_journal where import_id = @id");
        command.Parameters.AddWithValue("id", importId);
        var result = new Dictionary<Guid, (bool, string?, string)>();
        await using NpgsqlDataReader reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            result[reader.GetGuid(0)] = (reader.GetBoolean(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3));
        }

        return result;
    }
}
