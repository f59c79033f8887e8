using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.Bench.Support;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Bench.Import;

/// <summary>
/// Not the baseline (that is <see cref="Baseline"/>: a table with a primary key and one unique index), but
/// PostgreSQL's own way into VeloConnect's real tables: binary <c>COPY</c> of the contacts (with every index the
/// contact list's filters and search need), their phone and email identifiers and one result row per row, in one
/// transaction; the merge updates the same contacts from a <c>COPY</c>-filled staging table. The ratio of the import to
/// this says what the application adds over the database's own cost of the schema.
/// </summary>
internal sealed class SchemaBaseline(NpgsqlDataSource dataSource)
{
    private Guid _workspace;
    private Guid _import;

    public async Task<(TimeSpan New, TimeSpan Merge)> MeasureAsync(IReadOnlyList<BenchRow> rows, IReadOnlyList<BenchRow> again, int runs)
    {
        List<TimeSpan> news = [], merges = [];
        for (var run = 0; run <= runs; run++)
        {
            await ResetAsync();
            var ids = rows.Select(_ => Guid.CreateVersion7()).ToArray();
            var created = await NewAsync(rows, ids);
            await ExecuteAsync($"vacuum analyze {ContactsCopy.Tables}, import_rows");
            await ResetImportAsync();
            var merged = await MergeAsync(again, ids);
            if (run > 0)
            {
                // The first run pays for cold caches, as in the baseline.
                news.Add(created);
                merges.Add(merged);
            }
        }

        return (BenchConsole.Median(news), BenchConsole.Median(merges));
    }

    private async Task<TimeSpan> NewAsync(IReadOnlyList<BenchRow> rows, Guid[] ids)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var contacts = rows.Select((row, i) => new ContactCopyRow(ids[i], row.Name, row.Phone, row.Email, row.Tags, "{}", "CSV import", null, now, now)).ToList();
        await ContactsCopy.CopyContactsAsync(connection, _workspace, contacts);
        await ContactsCopy.CopyIdentifiersAsync(connection, _workspace, contacts);
        await CopyRowResultsAsync(connection, ids, "added");
        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private async Task<TimeSpan> MergeAsync(IReadOnlyList<BenchRow> again, Guid[] ids)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand("create temp table staging (id uuid, tags text[]) on commit drop", connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("copy staging (id, tags) from stdin (format binary)"))
        {
            for (var i = 0; i < again.Count; i++)
            {
                copy.StartRow();
                copy.Write(ids[i], NpgsqlDbType.Uuid);
                copy.Write(again[i].Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
            }

            await copy.CompleteAsync();
        }

        await using (var update = new NpgsqlCommand("""
            update contacts c set tags = s.tags, tag_keys = s.tags, version = c.version + 1, updated_at = now(), last_activity_at = now()
            from staging s where c.id = s.id
            """, connection, transaction))
        {
            if (await update.ExecuteNonQueryAsync() != again.Count)
            {
                throw new BenchFailure("The schema baseline's merge did not update every contact.");
            }
        }

        await CopyRowResultsAsync(connection, ids, "updated");
        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private async Task CopyRowResultsAsync(NpgsqlConnection connection, Guid[] ids, string outcome)
    {
        await using var copy = await connection.BeginBinaryImportAsync("copy import_rows (import_id, row_number, outcome, contact_id) from stdin (format binary)");
        for (var i = 0; i < ids.Length; i++)
        {
            copy.StartRow();
            copy.Write(_import, NpgsqlDbType.Uuid);
            copy.Write(i + 2, NpgsqlDbType.Integer);
            copy.Write(outcome, NpgsqlDbType.Text);
            copy.Write(ids[i], NpgsqlDbType.Uuid);
        }

        await copy.CompleteAsync();
    }

    private async Task ResetAsync()
    {
        await ExecuteAsync($"truncate {ContactsCopy.Tables}, import_rows, imports cascade");
        if (_workspace == Guid.Empty)
        {
            _workspace = (await new WorkspaceStore(dataSource).CreateWorkspaceAsync("Schema baseline", "US", "Agent", null)).Workspace.Id;
        }

        await ExecuteAsync($"vacuum analyze {ContactsCopy.Tables}, import_rows");
        await ResetImportAsync();
    }

    private async Task ResetImportAsync()
    {
        _import = Guid.NewGuid();
        await using var command = dataSource.CreateCommand("""
            insert into imports (id, workspace_id, user_id, file_name, file_size, status, analysis, has_header, total_rows)
            values (@id, @ws, @ws, 'schema-baseline.csv', 0, 'running', '{}', true, 0)
            """);
        command.Parameters.AddWithValue("id", _import);
        command.Parameters.AddWithValue("ws", _workspace);
        await command.ExecuteNonQueryAsync();
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }
}
