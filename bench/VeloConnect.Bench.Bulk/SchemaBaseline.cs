using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.Bench.Support;
using VeloConnect.Data.Workspaces;

namespace VeloConnect.Bench.Bulk;

/// <summary>
/// Not the baseline (that is <see cref="UpsertBaseline"/>), but PostgreSQL's own way into VeloConnect's real
/// tables, every index in place: binary <c>COPY</c> of the contacts and their phone and email identifiers in one
/// transaction; the update rewrites the same contacts (tags with "again", custom values, version, times) from a
/// <c>COPY</c>-filled staging table. The ratio of a bulk pass to this says what the application adds over the database's
/// own cost of the schema.
/// </summary>
internal sealed class SchemaBaseline(NpgsqlDataSource dataSource)
{
    private Guid _workspace;

    public async Task<(TimeSpan New, TimeSpan Update)> MeasureAsync(IReadOnlyList<BaselineRow> rows, IReadOnlyList<BaselineRow> again, int runs)
    {
        List<TimeSpan> news = [], updates = [];
        for (var run = 0; run <= runs; run++)
        {
            await ExecuteAsync($"truncate {ContactsCopy.Tables} cascade");
            _workspace = _workspace == Guid.Empty
                ? (await new WorkspaceStore(dataSource).CreateWorkspaceAsync("Schema baseline", "US", "Agent", null)).Workspace.Id
                : _workspace;
            await ExecuteAsync($"vacuum analyze {ContactsCopy.Tables}");
            var ids = rows.Select(_ => Guid.CreateVersion7()).ToArray();
            var created = await NewAsync(rows, ids);
            await ExecuteAsync($"vacuum analyze {ContactsCopy.Tables}");
            var updated = await UpdateAsync(again, ids);
            if (run > 0)
            {
                // The first run pays for cold caches, as in the baseline.
                news.Add(created);
                updates.Add(updated);
            }
        }

        return (BenchConsole.Median(news), BenchConsole.Median(updates));
    }

    private async Task<TimeSpan> NewAsync(IReadOnlyList<BaselineRow> rows, Guid[] ids)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var copied = rows.Select((row, i) => new ContactCopyRow(ids[i], row.Name, row.Phone, row.Email, row.Tags, row.CustomJson, "API", null, now, now)).ToList();
        await ContactsCopy.CopyContactsAsync(connection, _workspace, copied);
        await ContactsCopy.CopyIdentifiersAsync(connection, _workspace, copied);
        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private async Task<TimeSpan> UpdateAsync(IReadOnlyList<BaselineRow> again, Guid[] ids)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand("create temp table staging (id uuid, tags text[], custom jsonb) on commit drop", connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync("copy staging (id, tags, custom) from stdin (format binary)"))
        {
            for (var i = 0; i < again.Count; i++)
            {
                copy.StartRow();
                copy.Write(ids[i], NpgsqlDbType.Uuid);
                copy.Write(again[i].Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                copy.Write(again[i].CustomJson, NpgsqlDbType.Jsonb);
            }

            await copy.CompleteAsync();
        }

        await using (var update = new NpgsqlCommand("""
            update contacts c set tags = s.tags, tag_keys = s.tags, custom = s.custom, version = c.version + 1, updated_at = now(), last_activity_at = now()
            from staging s where c.id = s.id
            """, connection, transaction))
        {
            if (await update.ExecuteNonQueryAsync() != again.Count)
            {
                throw new BenchFailure("The schema baseline's update did not update every contact.");
            }
        }

        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        command.CommandTimeout = 0;
        await command.ExecuteNonQueryAsync();
    }
}
