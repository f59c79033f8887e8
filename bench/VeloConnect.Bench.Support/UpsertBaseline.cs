using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace VeloConnect.Bench.Support;

/// <summary>One row as the baseline writes it: one phone (E.164, the unique key), an email, tags and custom values (a JSON object, "{}" for none).</summary>
public sealed record BaselineRow(string Name, string Phone, string Email, string[] Tags, string CustomJson);

/// <summary>
/// PostgreSQL's own way to do the same work, the limit the import and bulk benchmarks are measured against
/// (docs/spec/performance.md): binary <c>COPY</c> of the rows into a temporary staging table and one set-based upsert into
/// a table shaped like <c>contacts</c>, unique on (workspace, phone), tags merged as a union and custom values merged
/// key by key. One transaction per measure.
/// </summary>
public sealed class UpsertBaseline(NpgsqlDataSource dataSource)
{
    private static readonly Guid Workspace = Guid.NewGuid();

    public async Task CreateTableAsync()
    {
        await using var command = dataSource.CreateCommand("""
            create table bench_contacts (
                id uuid primary key,
                workspace_id uuid not null,
                name text,
                phone text not null,
                phones text[] not null default '{}',
                email text,
                tags text[] not null default '{}',
                custom jsonb not null default '{}',
                created_at timestamptz not null,
                updated_at timestamptz not null
            );
            create unique index bench_contacts_phone on bench_contacts (workspace_id, phone);
            """);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// The median of <paramref name="runs"/> upserts of <paramref name="rows"/> into an empty table, after one that is not
    /// counted (the first pays for JIT and cold caches: about half again as long).
    /// </summary>
    public async Task<TimeSpan> NewAsync(IReadOnlyList<BaselineRow> rows, int runs)
    {
        await TruncateAsync();
        await UpsertAsync(rows);
        List<TimeSpan> times = [];
        for (var run = 0; run < runs; run++)
        {
            await TruncateAsync();
            times.Add(await UpsertAsync(rows));
        }

        return BenchConsole.Median(times);
    }

    /// <summary>The median of <paramref name="runs"/> upserts of <paramref name="again"/> into a table that holds <paramref name="rows"/>: all conflicts.</summary>
    public async Task<TimeSpan> MergeAsync(IReadOnlyList<BaselineRow> rows, IReadOnlyList<BaselineRow> again, int runs)
    {
        List<TimeSpan> times = [];
        for (var run = 0; run < runs; run++)
        {
            await TruncateAsync();
            await UpsertAsync(rows);
            await VacuumAsync();
            times.Add(await UpsertAsync(again));
        }

        return BenchConsole.Median(times);
    }

    private async Task<TimeSpan> UpsertAsync(IReadOnlyList<BaselineRow> rows)
    {
        var clock = Stopwatch.StartNew();
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await using (var create = new NpgsqlCommand(
            "create temp table staging (id uuid, workspace_id uuid, name text, phone text, email text, tags text[], custom jsonb) on commit drop", connection, transaction))
        {
            await create.ExecuteNonQueryAsync();
        }

        // Synchronous writes into the COPY buffer (Npgsql sends it as it fills): the least client overhead per value,
        // since the baseline is meant to be the server's limit.
        await using (var copy = await connection.BeginBinaryImportAsync("copy staging (id, workspace_id, name, phone, email, tags, custom) from stdin (format binary)"))
        {
            foreach (var row in rows)
            {
                copy.StartRow();
                copy.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                copy.Write(Workspace, NpgsqlDbType.Uuid);
                copy.Write(row.Name, NpgsqlDbType.Text);
                copy.Write(row.Phone, NpgsqlDbType.Text);
                copy.Write(row.Email, NpgsqlDbType.Text);
                copy.Write(row.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
                copy.Write(row.CustomJson, NpgsqlDbType.Jsonb);
            }

            await copy.CompleteAsync();
        }

        await using (var upsert = new NpgsqlCommand("""
            insert into bench_contacts as c (id, workspace_id, name, phone, phones, email, tags, custom, created_at, updated_at)
            select s.id, s.workspace_id, s.name, s.phone, array[s.phone], s.email, s.tags, s.custom, now(), now() from staging s
            on conflict (workspace_id, phone) do update set
                name = coalesce(excluded.name, c.name),
                email = coalesce(excluded.email, c.email),
                tags = array(select distinct t from unnest(c.tags || excluded.tags) as t),
                custom = c.custom || excluded.custom,
                updated_at = excluded.updated_at
            """, connection, transaction))
        {
            var written = await upsert.ExecuteNonQueryAsync();
            if (written != rows.Count)
            {
                throw new BenchFailure($"Baseline upsert wrote {written} rows, expected {rows.Count}.");
            }
        }

        await transaction.CommitAsync();
        return clock.Elapsed;
    }

    private async Task TruncateAsync()
    {
        await using var command = dataSource.CreateCommand("truncate bench_contacts");
        await command.ExecuteNonQueryAsync();
        await VacuumAsync();
    }

    private async Task VacuumAsync()
    {
        await using var command = dataSource.CreateCommand("vacuum analyze bench_contacts");
        await command.ExecuteNonQueryAsync();
    }
}
