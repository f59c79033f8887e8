using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

public sealed partial class OpRunner
{
    private const string Header = "Name,Phone,Other phone,Email,Tags,Tier";

    private static readonly string[] Columns = ["name", "phone", "phone_additional", "email", "tags", "field:" + ModelStack.FieldKey];

    /// <summary>The generated file: a header row, then one row per <see cref="RowSpec"/> (data rows are rows 2, 3, …).</summary>
    public static string Csv(IEnumerable<RowSpec> rows) =>
        Header + "\n" + string.Concat(rows.Select(r => string.Join(",", r.Cells().Select(Quote)) + "\n"));

    private static string Quote(string cell) =>
        cell.Contains(',', StringComparison.Ordinal) || cell.Contains('"', StringComparison.Ordinal) ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;

    /// <summary>
    /// What each row must come to, by the wizard's rules: nothing for a blank line; invalid without a readable phone or email
    /// (an unreadable phone beside a readable one is left out with a warning); skipped when a phone
    /// or the email appeared in an earlier valid, non-skipped row (that row's number); otherwise written (added or updated).
    /// </summary>
    public static (string Outcome, int? DuplicateOf)[] ExpectedRows(IReadOnlyList<RowSpec> rows)
    {
        var firstRow = new Dictionary<string, int>();
        return [.. rows.Select((row, index) =>
        {
            var number = index + 2;
            if (row.Blank)
            {
                return ("blank", (int?)null);
            }

            if (!row.Valid)
            {
                return ("invalid", (int?)null);
            }

            foreach (var address in row.ValidAddresses)
            {
                if (firstRow.TryGetValue(address, out var earlier))
                {
                    return ("skipped", earlier);
                }
            }

            foreach (var address in row.ValidAddresses)
            {
                firstRow.TryAdd(address, number);
            }

            return ("write", null);
        })];
    }

    private async Task<Answer> UploadAsync(string csv, bool commandLine)
    {
        using var form = new MultipartFormDataContent();
        var bytes = Encoding.UTF8.GetBytes(csv);
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        form.Add(file, "file", commandLine ? "model-cli.csv" : "model.csv");
        form.Add(new StringContent("true"), "hasHeader");
        if (commandLine)
        {
            form.Add(new StringContent("true"), "commandLine");
            form.Add(new StringContent(bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture)), "fileSize");
        }

        return await Http.SendAsync(HttpMethod.Post, "/api/imports", form);
    }

    /// <summary>Upload and mapping; the import's id, or null (noted as an unexpected answer).</summary>
    private async Task<Guid?> StartImportAsync(RowSpec[] rows, bool commandLine, OpOutcome outcome)
    {
        var upload = await UploadAsync(Csv(rows), commandLine);
        if (rows.All(r => r.Blank))
        {
            // A header and blank lines only: refused at upload, nothing stored.
            if (upload.Code != 422)
            {
                Unexpected(outcome, "POST /api/imports (no data rows)", upload);
            }

            outcome.Note($"{upload.Code} (no data rows)");
            return null;
        }

        if (upload.Status != HttpStatusCode.Created)
        {
            Unexpected(outcome, "POST /api/imports", upload);
            return null;
        }

        var id = upload.Json!["id"]!.GetValue<Guid>();
        var mapping = await Http.SendAsync(HttpMethod.Put, $"/api/imports/{id}/mapping", Json.Content(new { columns = Columns, hasHeader = true }));
        if (mapping.Status != HttpStatusCode.OK)
        {
            Unexpected(outcome, "PUT /api/imports/{id}/mapping", mapping);
            return null;
        }

        return id;
    }

    private async Task ImportAsync(ImportOp op, OpOutcome outcome)
    {
        if (await StartImportAsync(op.Rows, commandLine: false, outcome) is not { } id)
        {
            return;
        }

        var run = await Http.SendAsync(HttpMethod.Post, $"/api/imports/{id}/run");
        if (run.Status != HttpStatusCode.Accepted)
        {
            Unexpected(outcome, "POST /api/imports/{id}/run", run);
            return;
        }

        var state = await PollAsync(() => Http.SendAsync(HttpMethod.Get, $"/api/imports/{id}"),
            a => a.Json?["status"]?.GetValue<string>() is not "running", $"import {id}");
        await RecordImportAsync(id, op.Rows, state, outcome);
    }

    /// <summary>
    /// The command-line importer's calls: the head upload, mapping and run, the rows in batches keyed as velo keys them,
    /// one batch sent again (a replay with its key, or a resumed importer's new key), then finish.
    /// </summary>
    private async Task CommandLineImportAsync(CliImportOp op, OpOutcome outcome)
    {
        if (await StartImportAsync(op.Rows, commandLine: true, outcome) is not { } id)
        {
            return;
        }

        var total = op.Rows.Count(r => !r.Blank);
        var run = await Http.SendAsync(HttpMethod.Post, $"/api/imports/{id}/run", Json.Content(new { totalRows = total }));
        if (run.Status != HttpStatusCode.Accepted)
        {
            Unexpected(outcome, "POST /api/imports/{id}/run", run);
            return;
        }

        var expected = ExpectedRows(op.Rows);
        var items = op.Rows.Select((row, index) => (row, index)).Where(x => !x.row.Blank).Select(x =>
        {
            var (row, index) = x;
            var item = new JsonObject { ["row"] = index + 2, ["cells"] = new JsonArray([.. row.Cells().Select(c => (JsonNode)c)]) };
            if (expected[index].DuplicateOf is { } earlier)
            {
                item["duplicateOf"] = earlier;
            }

            return item;
        }).ToList();
        var path = $"/api/imports/{id}/rows";
        var batches = items.Chunk(op.BatchSize).Select(batch => (Body: new JsonArray([.. batch]).ToJsonString(), Key: $"{id}:{batch[0]["row"]}")).ToList();
        var answers = new List<Answer>();
        foreach (var (body, key) in batches)
        {
            var answer = await SendUntilAnsweredAsync(body, key, path);
            if (answer.Status != HttpStatusCode.OK)
            {
                Unexpected(outcome, "POST /api/imports/{id}/rows", answer);
                return;
            }

            answers.Add(answer);
        }

        if (op.Retry == CliRetry.SameKey)
        {
            SameAnswer(outcome, Invariant.ExactlyOnce, "a command-line batch sent again with its key", answers[0],
                await SendUntilAnsweredAsync(batches[0].Body, batches[0].Key, path), mustReplay: true);
        }
        else if (op.Retry == CliRetry.NewKey)
        {
            var again = await SendUntilAnsweredAsync(batches[0].Body, batches[0].Key + ":resumed", path);
            if (again.Status != HttpStatusCode.OK || again.Json!["results"]!.ToJsonString() != answers[0].Json!["results"]!.ToJsonString())
            {
                outcome.Violations.Add(new Violation(Invariant.ExactlyOnce, $"a command-line batch resent with a new key answered {again}; the first answer was {answers[0]}"));
            }
        }

        var finish = await Http.SendAsync(HttpMethod.Post, $"/api/imports/{id}/finish", Json.Content(new { totalRows = total }));
        if (finish.Status != HttpStatusCode.OK)
        {
            Unexpected(outcome, "POST /api/imports/{id}/finish", finish);
            return;
        }

        await RecordImportAsync(id, op.Rows, await Http.SendAsync(HttpMethod.Get, $"/api/imports/{id}"), outcome);
    }

    /// <summary>
    /// 3: a finished import recorded every row once (the database's <c>import_rows</c>), each as the rules say, and its
    /// counts add up; then what its written rows did to contacts goes into the outcome.
    /// </summary>
    private async Task RecordImportAsync(Guid id, RowSpec[] rows, Answer state, OpOutcome outcome)
    {
        var status = state.Json?["status"]?.GetValue<string>();
        if (status != "finished")
        {
            outcome.Violations.Add(new Violation(Invariant.ImportRows, $"import {Observed.Short(id)} ended {status}: {state}"));
            return;
        }

        var counts = state.Json!["counts"]!;
        int Count(string name) => counts[name]!.GetValue<int>();
        outcome.Note($"{Observed.Short(id)} finished {counts.ToJsonString()}");
        var recorded = await ReadImportRowsAsync(id);
        var expected = ExpectedRows(rows);
        var numbers = expected.Select((e, index) => (e.Outcome, Row: index + 2)).Where(e => e.Outcome != "blank").Select(e => e.Row).ToList();
        var problems = new List<string>();
        if (Count("added") + Count("updated") + Count("skipped") + Count("invalid") != numbers.Count)
        {
            problems.Add($"counts {counts.ToJsonString()} do not add up to the file's {numbers.Count} rows");
        }

        if (!recorded.Select(r => r.Row).SequenceEqual(numbers))
        {
            problems.Add($"import_rows holds rows [{string.Join(",", recorded.Select(r => r.Row))}] for the file's rows [{string.Join(",", numbers)}]");
        }

        foreach (var name in new[] { "added", "updated", "skipped", "invalid" })
        {
            if (recorded.Count(r => r.Outcome == name) != Count(name))
            {
                problems.Add($"{recorded.Count(r => r.Outcome == name)} rows recorded {name}, the counts say {Count(name)}");
            }
        }

        foreach (var row in recorded.Where(r => r.Row >= 2 && r.Row < rows.Length + 2))
        {
            var (want, duplicateOf) = expected[row.Row - 2];
            var ok = want == "write" ? row.Outcome is "added" or "updated" && row.ContactId is not null : row.Outcome == want && row.DuplicateOf == duplicateOf;
            if (!ok && want == "write" && row.Outcome == "invalid")
            {
                // Only a delete of the same step explains it (the runner relabels it as broken invariant 3 otherwise).
                outcome.Violations.Add(new Violation(Invariant.ImportRowRacingDelete,
                    $"import {Observed.Short(id)}: row {row.Row} {rows[row.Row - 2]} recorded invalid [{string.Join("; ", row.Reasons)}]; expected added or updated"));
            }
            else if (!ok)
            {
                problems.Add($"row {row.Row} {rows[row.Row - 2]} recorded {row.Outcome}{(row.DuplicateOf is { } d ? $" (duplicate of {d})" : "")} [{string.Join("; ", row.Reasons)}]; "
                    + $"expected {want}{(duplicateOf is { } e ? $" (duplicate of {e})" : "")}");
            }

            if (row.Outcome is "added" or "updated" && row.ContactId is { } contact)
            {
                Wrote(outcome, contact, rows[row.Row - 2].Contact, row.Outcome == "added");
            }
        }

        outcome.Violations.AddRange(problems.Select(p => new Violation(Invariant.ImportRows, $"import {Observed.Short(id)}: {p}")));
        outcome.FinishedImport = id;
    }

    private sealed record RecordedRow(int Row, string Outcome, Guid? ContactId, int? DuplicateOf, string[] Reasons);

    private async Task<List<RecordedRow>> ReadImportRowsAsync(Guid importId)
    {
        await using var command = workspace.DataSource.CreateCommand(
            "select row_number, outcome, contact_id, duplicate_of, reasons from import_rows where import_id = @id order by row_number");
        command.Parameters.AddWithValue("id", importId);
        var rows = new List<RecordedRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new RecordedRow(reader.GetInt32(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetGuid(2), reader.IsDBNull(3) ? null : reader.GetInt32(3), reader.GetFieldValue<string[]>(4)));
        }

        return rows;
    }
}
