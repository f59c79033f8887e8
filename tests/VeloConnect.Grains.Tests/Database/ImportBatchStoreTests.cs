using System.Text;
using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Workspaces;
using VeloConnect.TestSupport;
using VeloConnect.Workflows.Imports;
using Xunit;

namespace VeloConnect.Grains.Tests.Database;

/// <summary>
/// A planned import batch lands whole or not at all: a contact or identifier that changed between the plan and the
/// write refuses the whole batch (the job then writes its rows through the contact grains).
/// </summary>
public sealed class ImportBatchStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private ContactStore _contacts = null!;
    private ImportBatchStore _batches = null!;
    private Guid _workspace;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("batch"));
        _contacts = new ContactStore(_db);
        _batches = new ImportBatchStore(_db);
        _workspace = (await new WorkspaceStore(_db).CreateWorkspaceAsync("Batches", "US", "Agent", null)).Workspace.Id;
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Batch_lands_with_its_contacts_identifiers_row_results_and_progress()
    {
        var (import, rows) = await UploadAsync("Name,Phone,Email\nAnn,+14155550101,ann@example.com\nBob,+14155550102,\nBad,123,\n");
        var (plan, written) = await PlanAndWriteAsync(import, rows);

        Assert.True(written);
        Assert.Equal(2, await CountAsync("select count(*) from contacts where workspace_id = @ws and source = 'CSV import'"));
        Assert.Equal(3, await CountAsync("select count(*) from contact_identifiers where workspace_id = @ws"));
        var ann = await _contacts.LoadAsync(_workspace, plan.Outcomes[0].ContactId!.Value);
        Assert.Equal(new[] { "+14155550101" }, ann!.Data.Phones);
        Assert.Equal("ann@example.com", ann.Data.Email);
        Assert.Equal(1, ann.Version);
        // Row numbers are the file's line numbers (the header is line 1).
        var recorded = await new ImportStore(_db).RowsAsync(import.Id, [ImportOutcome.Added, ImportOutcome.Invalid]);
        Assert.Equal([(2, "added"), (3, "added"), (4, "invalid")], recorded.Select(r => (r.RowNumber, r.Outcome)));
        Assert.Equal(new ImportCounts(2, 0, 0, 1), (await new ImportStore(_db).GetByIdAsync(import.Id))!.Counts);
    }

    [Fact]
    public async Task Batch_is_refused_whole_when_a_contact_changed_after_it_was_planned()
    {
        var stored = await InsertContactAsync("+14155550111", "old@example.com", ["first"]);
        var (import, rows) = await UploadAsync("Name,Phone,Tags\nAnn,+14155550111,second\nNew,+14155550112,\n");
        var plan = await PlanAsync(import, rows);
        await ExecuteAsync($"update contacts set tags = '{{first,edited}}', version = version + 1 where id = '{stored.Id}'");

        Assert.False(await WriteAsync(import, plan));
        var after = await _contacts.LoadAsync(_workspace, stored.Id);
        Assert.Equal(new[] { "first", "edited" }, after!.Data.Tags);
        Assert.Equal(1, await CountAsync("select count(*) from contacts where workspace_id = @ws"));
        Assert.Equal(0, await CountAsync($"select count(*) from import_rows where import_id = '{import.Id}'"));
        Assert.Equal(0, (await new ImportStore(_db).GetByIdAsync(import.Id))!.RowsDone);
    }

    [Fact]
    public async Task Batch_is_refused_whole_when_an_identifier_was_claimed_after_it_was_planned()
    {
        var (import, rows) = await UploadAsync("Name,Phone\nAnn,+14155550121\nBob,+14155550122\n");
        var plan = await PlanAsync(import, rows);
        var claimer = await InsertContactAsync("+14155550122", null, []);

        Assert.False(await WriteAsync(import, plan));
        Assert.Equal([claimer.Id], await IdsAsync("select id from contacts where workspace_id = @ws"));
        Assert.Equal(0, await CountAsync($"select count(*) from import_rows where import_id = '{import.Id}'"));
    }

    [Fact]
    public async Task Batch_gives_a_new_contact_the_opt_out_its_phone_carries()
    {
        await ExecuteAsync($"""
            insert into address_opt_outs (workspace_id, kind, value, channel, set_at, source)
            values ('{_workspace}', 'p', '+14155550131', 'sms', now(), 'STOP reply')
            """);
        var (import, rows) = await UploadAsync("Name,Phone\nAnn,+14155550131\n");
        var (plan, written) = await PlanAndWriteAsync(import, rows);

        Assert.True(written);
        var optIns = await _contacts.GetOptInsAsync(_workspace, [plan.Outcomes[0].ContactId!.Value]);
        var optIn = Assert.Single(optIns);
        Assert.Equal((Channel.Sms, OptInStatus.OptedOut, "STOP reply"), (optIn.Channel, optIn.Status, optIn.Source));
        // The phone keeps it: it goes wherever the phone goes.
        Assert.Equal(1, await CountAsync("select count(*) from address_opt_outs where workspace_id = @ws"));
        Assert.Contains("is opted out of sms", Assert.Single(plan.Outcomes[0].Warnings));
    }

    [Fact]
    public async Task Batch_update_keeps_opt_ins_and_frees_a_replaced_email()
    {
        var stored = await InsertContactAsync("+14155550141", "old@example.com", ["first"]);
        await _contacts.SetOptInAsync(_workspace, stored.Id, Channel.Email, OptInStatus.OptedOut, "Unsubscribe link", null);
        var (import, rows) = await UploadAsync("Name,Phone,Email,Tags\nAnn New,+14155550141,new@example.com,second\n");
        var (_, written) = await PlanAndWriteAsync(import, rows);

        Assert.True(written);
        var after = await _contacts.LoadAsync(_workspace, stored.Id);
        Assert.Equal(("Ann New", "new@example.com", 2), (after!.Data.Name, after.Data.Email, after.Version));
        Assert.Equal(new[] { "first", "second" }, after.Data.Tags);
        Assert.Equal(new Dictionary<Identifier, Guid> { [Identifier.Phone("+14155550141")] = stored.Id, [Identifier.ForEmail("new@example.com")] = stored.Id },
            await _contacts.OwnersAsync(_workspace, [Identifier.Phone("+14155550141"), Identifier.ForEmail("new@example.com"), Identifier.ForEmail("old@example.com")]));
        var optIn = Assert.Single(await _contacts.GetOptInsAsync(_workspace, [stored.Id]));
        Assert.Equal((Channel.Email, OptInStatus.OptedOut), (optIn.Channel, optIn.Status));
    }

    [Fact]
    public async Task Journals_of_imports_past_the_revert_window_are_purged_others_kept()
    {
        var (old, oldRows) = await UploadAsync("Name,Phone\nAnn,+14155550131\n");
        var (recent, recentRows) = await UploadAsync("Name,Phone\nBob,+14155550132\n");
        var (reverting, revertingRows) = await UploadAsync("Name,Phone\nCy,+14155550133\n");
        Assert.True((await PlanAndWriteAsync(old, oldRows)).Written);
        Assert.True((await PlanAndWriteAsync(recent, recentRows)).Written);
        Assert.True((await PlanAndWriteAsync(reverting, revertingRows)).Written);
        Assert.Equal(3, await CountAsync("select count(*) from import_journal where workspace_id = @ws"));
        await ExecuteAsync($"update imports set status = 'finished', finished_at = now() - interval '31 days' where id in ('{old.Id}', '{reverting.Id}')");
        await ExecuteAsync($"update imports set status = 'finished', finished_at = now() - interval '29 days' where id = '{recent.Id}'");
        // A revert asked on the last day still runs: its journal stays until it is done.
        await ExecuteAsync($"insert into import_reverts (import_id, workspace_id, user_id, status, total) values ('{reverting.Id}', '{_workspace}', '{Guid.NewGuid()}', 'running', 1)");

        Assert.Equal(1, await new ImportRevertStore(_db).PurgeJournalsAsync(ImportRevertStore.Window));

        Assert.Equal(new[] { recent.Id, reverting.Id }.Order(), (await IdsAsync("select import_id from import_journal where workspace_id = @ws")).Order());
    }

    private async Task<(ImportRecord Import, List<PlannedRow> Rows)> UploadAsync(string csv)
    {
        var file = Encoding.UTF8.GetBytes(csv);
        var analysis = CsvSniffer.Sniff(new MemoryStream(file), new SniffOptions());
        var headers = analysis.Columns.Select(c => c.Header!.ToLowerInvariant()).ToList();
        var mapping = new ImportMapping([.. headers.Select(h => ColumnTarget.TryParse(h, out var t) ? t : ColumnTarget.Ignore)], true, "US");
        var import = new ImportRecord(Guid.NewGuid(), _workspace, Guid.NewGuid(), "batch.csv", file.Length, ImportStatus.Running, Now,
            analysis, null, mapping, analysis.DataRowCount, 0, ImportCounts.Zero, Now, null, null);
        await new ImportStore(_db).CreateAsync(import, new MemoryStream(file));
        return (import, ImportPlan.Rows(file, import, mapping, []).ToList());
    }

    private async Task<ImportBatchPlan> PlanAsync(ImportRecord import, List<PlannedRow> rows)
    {
        var identifiers = rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()).ToList();
        var owners = await _contacts.OwnersAsync(_workspace, identifiers);
        var stored = await _contacts.LoadManyAsync(_workspace, [.. owners.Values.Distinct()]);
        var plan = new ImportBatchPlan(owners, stored.ToDictionary(c => c.Id), await _contacts.OptOutsAsync(_workspace, identifiers, owners.Values));
        foreach (var row in rows)
        {
            plan.Apply(row, Guid.NewGuid);
        }

        return plan;
    }

    private Task<bool> WriteAsync(ImportRecord import, ImportBatchPlan plan)
    {
        var progress = plan.Outcomes.Aggregate(ImportCounts.Zero, (counts, o) => counts.Add(o.Outcome, 1));
        return _batches.WriteAsync(import, "CSV import", [.. plan.Changes()], [.. plan.Outcomes.Select(ImportBatchPlan.Result)], progress, Now);
    }

    private async Task<(ImportBatchPlan Plan, bool Written)> PlanAndWriteAsync(ImportRecord import, List<PlannedRow> rows)
    {
        var plan = await PlanAsync(import, rows);
        return (plan, await WriteAsync(import, plan));
    }

    private async Task<ContactRecord> InsertContactAsync(string phone, string? email, IReadOnlyList<string> tags)
    {
        var record = new ContactRecord(Guid.NewGuid(), _workspace, new ContactData("Stored", [phone], email, tags, new Dictionary<string, string>(), null),
            "API", Now, Now, Now, 1);
        await _contacts.InsertAsync(record);
        return record;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        command.Parameters.AddWithValue("ws", _workspace);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<List<Guid>> IdsAsync(string sql)
    {
        await using var command = _db.CreateCommand(sql);
        command.Parameters.AddWithValue("ws", _workspace);
        var ids = new List<Guid>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
