using System.Globalization;
using System.Text.Json;
using VeloConnect.Api.Apis;
using VeloConnect.Api.Auth;
using VeloConnect.Api.Contacts;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Fields;
using VeloConnect.Data.Imports;
using VeloConnect.Workflows.Imports;

namespace VeloConnect.Api.Imports;

/// <summary>
/// The command-line importer's part of the import workflow (<c>velo import</c>). It goes through the wizard's steps with
/// the head of its file (<see cref="ImportWorkflow"/>: upload with no row limit, mapping, run marks it running), then sends
/// its rows, each read through the import's mapping by the wizard's <see cref="RowReader"/> and written and recorded as the
/// import job writes a batch; finally it finishes the import with the file's row count, which is where a command-line
/// import ends — the one way every import ends (<see cref="ImportStore.EndAsync"/>, which the wizard's job calls too).
/// </summary>
public sealed class CommandLineImportWorkflow(IClusterClient orleans, ImportStore imports, FieldStore fields)
{
    /// <summary>
    /// Reads a request of a command-line import's rows: what to apply (answering the bulk response's JSON, or null when
    /// the import stopped running meanwhile), or why the request is refused. Nothing is applied here.
    /// </summary>
    public async Task<Outcome<Func<Task<string?>>>> PrepareRowsAsync(CurrentUser user, Guid importId, IReadOnlyList<JsonElement> items, JsonSerializerOptions options,
        CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, importId, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(importId);
        }

        if (ImportLifecycle.CanAddRows(import) is { } refused)
        {
            return refused;
        }

        var reader = new RowReader(import.Mapping!, [.. import.Analysis.Columns.Select(c => c.Header)], await fields.ListAsync(user.WorkspaceId));
        var rows = new List<ImportRowItem>(items.Count);
        var seen = new HashSet<int>();
        for (var index = 0; index < items.Count; index++)
        {
            if (ReadRow(items[index], seen) is not { } row)
            {
                return ImportRefusal.BadRequest("Not an import row", $"Item {index} is not a row of the file: each item is {{\"row\": <its number in the file, as the wizard numbers rows>, "
                    + "\"cells\": [<the row's cells as text>], \"duplicateOf\": <an earlier row with the same phone or email, or leave it out>}, each row once.");
            }

            var read = reader.Read(row.Cells);
            var contact = read.Contact is { } c ? new ContactWrite(c.Name, c.PrimaryPhone, c.AdditionalPhones, c.Email, c.Tags, c.Custom, null) : null;
            rows.Add(new ImportRowItem(row.Number, contact, read.Errors, row.DuplicateOf, read.Warnings));
        }

        return new Func<Task<string?>>(async () =>
        {
            var written = await orleans.GetGrain<IBulkWriterGrain>(user.WorkspaceId).WriteImportRowsAsync(importId, new ImportRowItems(rows));
            if (written is null)
            {
                return null;
            }

            // The grain answers each row by its number; the response keeps the request's order and indexes.
            var byRow = written.ToDictionary(r => r.Index);
            var answer = rows.Select((row, index) => byRow[row.Row] with { Index = index })
                .Select((r, index) => new BulkResultResponse(r.Index, r.Status, r.ContactId, r.DuplicateOf, r.Reasons, r.Warnings, rows[index].Row)).ToList();
            return JsonSerializer.Serialize(BulkResponse.Of(answer), options);
        });
    }

    /// <summary>
    /// Finish: the end every import goes through (<see cref="ImportStore.EndAsync"/>: one transaction counts the recorded
    /// rows and, once all the file's rows are there, marks the import finished, audits and notifies); sent again, it
    /// answers the same and announces nothing more.
    /// </summary>
    public async Task<Outcome<ImportResponse>> FinishAsync(CurrentUser user, Guid id, int? totalRows, CancellationToken cancellationToken)
    {
        if (await imports.VisibleAsync(user, id, cancellationToken) is not { } import)
        {
            return ImportRefusal.NotFound(id);
        }

        if (ImportLifecycle.CanFinish(import) is { } refused)
        {
            return refused;
        }

        if (totalRows is not { } total || total < 0)
        {
            return ImportRefusal.BadRequest("Bad totalRows", "Send {\"totalRows\": N} with the number of data rows in the file: the import finishes once all N are recorded.");
        }

        var end = await imports.EndAsync(ImportAnnouncement.Finished(id, total), cancellationToken);
        var current = (await imports.VisibleAsync(user, id, cancellationToken))!;
        return end.Outcome switch
        {
            // Finishing again (an importer that stopped after finishing and was started again) answers the same.
            ImportEndOutcome.Ended or ImportEndOutcome.EndedWithoutNotification or ImportEndOutcome.AlreadyEnded =>
                ImportResponse.From(current, current.Mapping is { } m ? ImportWorkflow.Confirmed(m) : null, await fields.ListAsync(user.WorkspaceId)),
            ImportEndOutcome.RowsMissing => ImportRefusal.Conflict("Rows missing", string.Create(CultureInfo.InvariantCulture,
                $"{end.Counts.Total:N0} of the file's {total:N0} rows are recorded. Send the others (POST /api/imports/{id}/rows; rows already recorded are answered from their record), then finish again. The command-line importer does this when run again on the same file.")),
            _ => ImportRefusal.Conflict($"Import {current.Status}",
                $"Import {id} is {current.Status}{(current.Status == ImportStatus.Finished ? $" with {current.TotalRows:N0} rows" : "")}; it cannot finish with {total:N0}."),
        };
    }

    private sealed record RowItem(int Number, IReadOnlyList<string> Cells, int? DuplicateOf);

    private static RowItem? ReadRow(JsonElement item, HashSet<int> seen)
    {
        if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("row", out var rowNode) || !TryInt(rowNode, out var number) || number < 1 || !seen.Add(number)
            || !item.TryGetProperty("cells", out var cellNodes) || cellNodes.ValueKind != JsonValueKind.Array)
        {
            return null;
        }

        var cells = new List<string>(cellNodes.GetArrayLength());
        foreach (var cell in cellNodes.EnumerateArray())
        {
            switch (cell.ValueKind)
            {
                case JsonValueKind.Null:
                    cells.Add("");
                    break;
                case JsonValueKind.String:
                    cells.Add(cell.GetString()!);
                    break;
                default:
                    return null;
            }
        }

        int? duplicateOf = null;
        if (item.TryGetProperty("duplicateOf", out var duplicateNode) && duplicateNode.ValueKind != JsonValueKind.Null)
        {
            if (!TryInt(duplicateNode, out var earlier) || earlier < 1 || earlier >= number)
            {
                return null;
            }

            duplicateOf = earlier;
        }

        return new RowItem(number, cells, duplicateOf);
    }

    private static bool TryInt(JsonElement node, out int value)
    {
        value = 0;
        return node.ValueKind == JsonValueKind.Number && node.TryGetInt32(out value);
    }
}
