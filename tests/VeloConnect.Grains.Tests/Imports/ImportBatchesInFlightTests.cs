using System.Text;
using CsCheck;
using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;
using VeloConnect.Data.Workspaces;
using VeloConnect.Grains.Contacts;
using VeloConnect.Grains.Imports;
using VeloConnect.TestSupport;
using VeloConnect.Workflows.Imports;
using Xunit;

namespace VeloConnect.Grains.Tests.Imports;

/// <summary>
/// Several batches of one import written at once (<see cref="ImportBatchPlanner"/>, <see cref="InFlightWrite"/>,
/// <see cref="ImportBatchStore.WriteInOrderAsync"/>): each batch is planned on what the ones in flight will write, and
/// the contacts end as one sequential plan of the whole file leaves them.
/// </summary>
public sealed class ImportBatchesInFlightTests : IAsyncLifetime
{
    private const string Source = ContactSources.Import;
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 12, 0, 0, TimeSpan.Zero);
    private NpgsqlDataSource _db = null!;
    private ContactStore _contacts = null!;
    private ImportBatchPlanner _planner = null!;
    private ImportBatchStore _store = null!;
    private WorkspaceStore _workspaces = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestPostgres.CreateDatabaseAsync("inflight"));
        _contacts = new ContactStore(_db);
        _planner = new ImportBatchPlanner(_contacts);
        _store = new ImportBatchStore(_db);
        _workspaces = new WorkspaceStore(_db);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Rows_of_one_contact_in_batches_in_flight_together_merge_in_file_order_and_the_batches_commit_in_it()
    {
        var ws = await NewWorkspaceAsync();
        await InsertContactAsync(ws, "+14155550151", "a-old@example.com", ["first"]);
        await InsertContactAsync(ws, "+14155550152", "b@example.com", ["first"]);
        var (import, rows) = await UploadAsync(ws, """
            Name,Phone,Email,Tags
            A moved,+14155550151,a-new@example.com,one
            B first,+14155550152,,one
            Taker,+14155550153,a-old@example.com,two
            B second,+14155550154,b@example.com,two
            Independent,+14155550155,,three
            """);
        var expected = await SequentialAsync(ws, rows);

        // Batch 2 is planned while batch 1 is in flight: it must see A's email freed and B's merge (or it would give
        // a-old@ back to A, and B its stored name); batch 3 reads nothing of either.
        var first = await PlanAsync(ws, rows[..2], []);
        var second = await PlanAsync(ws, rows[2..4], [first]);
        var third = await PlanAsync(ws, rows[4..], [first, second]);
        Assert.True(first.IsReadBy(second));
        Assert.False(first.IsReadBy(third));
        Assert.False(second.IsReadBy(third));

        // All three in flight: the third starts at once (the second waits for the first) and commits after the second.
        var written1 = InFlightWrite.Start(_store, import, Source, first, ImportCounts.Zero, []);
        var written2 = InFlightWrite.Start(_store, import, Source, second, ImportCounts.Zero, [written1]);
        var written3 = InFlightWrite.Start(_store, import, Source, third, ImportCounts.Zero, [written1, written2]);

        Assert.Equal(ImportBatchWrite.Written, await written1.Written.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ImportBatchWrite.Written, await written2.Written.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ImportBatchWrite.Written, await written3.Written.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(expected.Contacts, await ContactsAsync(ws));
        // The last to commit wrote the progress after all three: they committed in file order.
        Assert.Equal(expected.Counts, (await new ImportStore(_db).GetByIdAsync(import.Id))!.Counts);
        Assert.Equal(5, await CountAsync($"select count(*) from import_rows where import_id = '{import.Id}'"));
    }

    [Fact]
    public async Task A_batch_after_one_that_met_a_concurrent_change_is_withdrawn_and_writes_nothing()
    {
        var ws = await NewWorkspaceAsync();
        var stored = await InsertContactAsync(ws, "+14155550161", null, ["first"]);
        var (import, rows) = await UploadAsync(ws, "Name,Phone,Tags\nAnn,+14155550161,second\nNew,+14155550162,\n");
        var first = await PlanAsync(ws, rows[..1], []);
        var second = await PlanAsync(ws, rows[1..], [first]);
        Assert.False(first.IsReadBy(second));
        await ExecuteAsync($"update contacts set tags = '{{first,edited}}', version = version + 1 where id = '{stored.Id}'");

        var written1 = InFlightWrite.Start(_store, import, Source, first, ImportCounts.Zero, []);
        var written2 = InFlightWrite.Start(_store, import, Source, second, ImportCounts.Zero, [written1]);

        Assert.Equal(ImportBatchWrite.Contended, await written1.Written.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(ImportBatchWrite.Withdrawn, await written2.Written.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(1, await CountAsync($"select count(*) from contacts where workspace_id = '{ws}'"));
        Assert.Equal(0, await CountAsync($"select count(*) from import_rows where import_id = '{import.Id}'"));
        Assert.Equal(0, await CountAsync($"select count(*) from import_journal where import_id = '{import.Id}'"));
    }

    /// <summary>
    /// Generated files over a few phones and emails (so rows repeat identifiers and meet stored contacts), cut into
    /// small batches that are all in flight at once: the contacts and counts equal one sequential plan of the file.
    /// </summary>
    [Fact]
    public async Task Batches_all_in_flight_at_once_end_as_the_sequential_plan()
    {
        // A row carries a phone, an email or both (from five each); the stored contacts hold phone i and, mostly, email i.
        var row = Gen.Select(Gen.Int[0, 2], Gen.Int[0, 4], Gen.Int[0, 4], Gen.Int[0, 2], Gen.Int[0, 2],
            (kind, phone, email, name, tag) => (Phone: kind == 1 ? -1 : phone, Email: kind == 0 ? -1 : email, Name: name, Tag: tag));
        var cases = Gen.Select(Gen.Int[0, 4], Gen.Bool.Array[5], row.Array[1, 10], Gen.Int[1, 3],
            (stored, noEmail, rows, batchRows) => (Stored: stored, StoredEmails: noEmail.Select(b => !b || stored < 2).ToArray(), Rows: rows, BatchRows: batchRows));
        await cases.SampleAsync(async c =>
        {
            var ws = await NewWorkspaceAsync();
            for (var i = 0; i < c.Stored; i++)
            {
                await InsertContactAsync(ws, Phone(i), c.StoredEmails[i] ? Email(i) : null, ["stored"]);
            }

            var csv = new StringBuilder("Name,Phone,Email,Tags\n");
            foreach (var r in c.Rows)
            {
                csv.Append(string.Create(System.Globalization.CultureInfo.InvariantCulture,
                    $"{(r.Name == 0 ? "" : "Name " + r.Name)},{(r.Phone < 0 ? "" : Phone(r.Phone))},{(r.Email < 0 ? "" : Email(r.Email))},tag{r.Tag}\n"));
            }

            var (import, rows) = await UploadAsync(ws, csv.ToString());
            var expected = await SequentialAsync(ws, rows);
            var inFlight = new List<InFlightWrite>();
            for (var start = 0; start < rows.Count; start += c.BatchRows)
            {
                var batch = await PlanAsync(ws, rows[start..Math.Min(rows.Count, start + c.BatchRows)], [.. inFlight.Select(w => w.Batch)]);
                inFlight.Add(InFlightWrite.Start(_store, import, Source, batch, ImportCounts.Zero, inFlight));
            }

            foreach (var write in inFlight)
            {
                Assert.Equal(ImportBatchWrite.Written, await write.Written.WaitAsync(TimeSpan.FromSeconds(30)));
            }

            Assert.Equal(expected.Contacts, await ContactsAsync(ws));
            Assert.Equal(expected.Counts, (await new ImportStore(_db).GetByIdAsync(import.Id))!.Counts);
        }, iter: 60, threads: 1);
    }

    private static string Phone(int i) => $"+1415555017{i}";

    private static string Email(int i) => $"e{i}@example.com";

    /// <summary>What one plan of the whole file, in file order, leaves: the contacts' data and the counts.</summary>
    private async Task<(List<string> Contacts, ImportCounts Counts)> SequentialAsync(Guid ws, List<PlannedRow> rows)
    {
        var plan = await _planner.PlanAsync(ws, Source, rows, []);
        var changes = plan.Changes().ToList();
        var contacts = new List<ContactData>();
        foreach (var stored in await AllContactsAsync(ws))
        {
            contacts.Add(changes.FirstOrDefault(c => c.Id == stored.Id)?.Data ?? stored.Data);
        }

        contacts.AddRange(changes.Where(c => c.IsNew).Select(c => c.Data));
        return ([.. contacts.Select(Describe).Order(StringComparer.Ordinal)],
            plan.Outcomes.Aggregate(ImportCounts.Zero, (counts, o) => counts.Add(o.Outcome, 1)));
    }

    private async Task<ImportBatch> PlanAsync(Guid ws, List<PlannedRow> rows, IReadOnlyList<ImportBatch> inFlight) =>
        new(rows, await _planner.PlanAsync(ws, Source, rows, inFlight), Now);

    private async Task<List<string>> ContactsAsync(Guid ws) =>
        [.. (await AllContactsAsync(ws)).Select(c => Describe(c.Data)).Order(StringComparer.Ordinal)];

    private async Task<IReadOnlyList<ContactRecord>> AllContactsAsync(Guid ws)
    {
        var ids = new List<Guid>();
        await using (var command = _db.CreateCommand($"select id from contacts where workspace_id = '{ws}'"))
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ids.Add(reader.GetGuid(0));
            }
        }

        return await _contacts.LoadManyAsync(ws, ids);
    }

    private static string Describe(ContactData data) =>
        $"{data.Name} | {string.Join(' ', data.Phones)} | {data.Email} | {string.Join(' ', data.Tags)}";

    private async Task<Guid> NewWorkspaceAsync() => (await _workspaces.CreateWorkspaceAsync("In flight", "US", "Agent", null)).Workspace.Id;

    private async Task<(ImportRecord Import, List<PlannedRow> Rows)> UploadAsync(Guid ws, string csv)
    {
        var file = Encoding.UTF8.GetBytes(csv.ReplaceLineEndings("\n") + "\n");
        var analysis = CsvSniffer.Sniff(new MemoryStream(file), new SniffOptions());
        var mapping = new ImportMapping([.. analysis.Columns.Select(c => ColumnTarget.TryParse(c.Header!.ToLowerInvariant(), out var t) ? t : ColumnTarget.Ignore)], true, "US");
        var import = new ImportRecord(Guid.NewGuid(), ws, Guid.NewGuid(), "inflight.csv", file.Length, ImportStatus.Running, Now,
            analysis, null, mapping, analysis.DataRowCount, 0, ImportCounts.Zero, Now, null, null);
        await new ImportStore(_db).CreateAsync(import, new MemoryStream(file));
        return (import, ImportPlan.Rows(file, import, mapping, []).ToList());
    }

    private async Task<ContactRecord> InsertContactAsync(Guid ws, string phone, string? email, IReadOnlyList<string> tags)
    {
        var record = new ContactRecord(Guid.NewGuid(), ws, new ContactData("Stored", [phone], email, tags, new Dictionary<string, string>(), null),
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
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
