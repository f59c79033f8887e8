using System.Diagnostics;
using System.Text;
using Npgsql;
using VeloConnect.Bench.Support;

namespace VeloConnect.Bench.Export;

/// <summary>
/// PostgreSQL's own way to write the same file, the limit the export is measured against (docs/spec/performance.md): what
/// psql's <c>\copy (select …) to file with (format csv, header)</c> does — <c>COPY (select …) TO STDOUT</c> read
/// through Npgsql and written to a file. The query selects the CSV export's columns (name, phone, additional phones,
/// email, tags, each custom field, created, last activity, source, assigned agent's name, one opt-in status per
/// channel) for every contact of the workspace, in the export's order, times formatted as the export writes them.
/// </summary>
internal sealed class ExportBaseline(NpgsqlDataSource dataSource, string directory)
{
    /// <summary>The median of <paramref name="runs"/> copies after one that is not counted; the first copy's rows are checked.</summary>
    public async Task<TimeSpan> MeasureAsync(SeededWorkspace workspace, int expectedRows, int runs)
    {
        var path = Path.Combine(directory, $"baseline-{workspace.WorkspaceId:N}.csv");
        try
        {
            await CopyAsync(workspace, path);
            var rows = ExportDriver.CountCsvRows(path);
            if (rows != expectedRows)
            {
                throw new BenchFailure($"The baseline's COPY wrote {rows} rows, expected {expectedRows}.");
            }

            List<TimeSpan> times = [];
            for (var run = 0; run < runs; run++)
            {
                times.Add(await CopyAsync(workspace, path));
            }

            return BenchConsole.Median(times);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task<TimeSpan> CopyAsync(SeededWorkspace workspace, string path)
    {
        // An open connection, as psql has when it runs \copy.
        await using var connection = await dataSource.OpenConnectionAsync();
        var clock = Stopwatch.StartNew();
        await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous))
        await using (var writer = new StreamWriter(file, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 64 * 1024))
        using (var reader = await connection.BeginTextExportAsync($"copy ({Select(workspace)}) to stdout with (format csv, header)"))
        {
            var buffer = new char[64 * 1024];
            int read;
            while ((read = await reader.ReadAsync(buffer)) > 0)
            {
                await writer.WriteAsync(buffer.AsMemory(0, read));
            }
        }

        return clock.Elapsed;
    }

    private static string Select(SeededWorkspace workspace)
    {
        // COPY takes no parameters: the workspace id is a Guid and the field keys are the bench's own.
        const string time = "'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'";
        var custom = string.Concat(workspace.FieldKeys.Select(key => $"c.custom ->> '{key}' as \"{key}\", "));
        return $"""
            select c.name as "Name", c.phones[1] as "Phone", array_to_string(c.phones[2:], ', ') as "Additional phones",
                   c.email as "Email", array_to_string(c.tags, ', ') as "Tags", {custom}
                   to_char(c.created_at at time zone 'UTC', {time}) as "Created",
                   to_char(c.last_activity_at at time zone 'UTC', {time}) as "Last activity",
                   c.source as "Source", u.name as "Assigned agent",
                   coalesce(w.status, 'unknown') as "WhatsApp opt-in", coalesce(s.status, 'unknown') as "SMS opt-in",
                   coalesce(e.status, 'unknown') as "Email opt-in"
            from contacts c
            left join users u on u.id = c.assigned_agent_id
            left join contact_opt_ins w on w.contact_id = c.id and w.channel = 'whatsapp'
            left join contact_opt_ins s on s.contact_id = c.id and s.channel = 'sms'
            left join contact_opt_ins e on e.contact_id = c.id and e.channel = 'email'
            where c.workspace_id = '{workspace.WorkspaceId}'
            order by c.created_at desc, c.id desc
            """;
    }
}
