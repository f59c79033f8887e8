using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Import;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

public sealed record ReviewRow(int RowNumber, IReadOnlyList<string> Cells, Guid? ContactId, int? DuplicateOf, IReadOnlyList<string> Reasons);

public sealed record ReviewWarning(int RowNumber, string Message);

/// <summary>What running the import would do now: the counts, the warnings, and the first rows of each kind.</summary>
public sealed record ReviewResult(
    int Rows,
    ImportCounts Counts,
    IReadOnlyList<ReviewWarning> Warnings,
    int WarningCount,
    IReadOnlyList<ReviewRow> Added,
    IReadOnlyList<ReviewRow> Updated,
    IReadOnlyList<ReviewRow> Skipped,
    IReadOnlyList<ReviewRow> Invalid);

/// <summary>
/// The dry run: reads every row as the run will, and looks each one's phones, then email, up in the current contacts
/// (one query per few thousand identifiers). Changes nothing.
/// </summary>
public sealed class ImportReview(NpgsqlDataSource dataSource)
{
    public const int ExamplesPerKind = 5;
    public const int MaxWarnings = 100;
    private const int LookupBatch = 5_000;

    public async Task<ReviewResult> ReviewAsync(ImportRecord import, byte[] file, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields, CancellationToken cancellationToken = default)
    {
        var rows = ImportPlan.Rows(file, import, mapping, fields).ToList();
        var owners = await OwnersAsync(import.WorkspaceId, rows.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()), cancellationToken);

        int added = 0, updated = 0, skipped = 0, invalid = 0, warningCount = 0;
        List<ReviewRow> addedRows = [], updatedRows = [], skippedRows = [], invalidRows = [];
        List<ReviewWarning> warnings = [];
        foreach (var row in rows)
        {
            if (row.IsInvalid)
            {
                invalid++;
                Keep(invalidRows, new ReviewRow(row.Row.RowNumber, row.Row.Cells, null, null, row.Result.Errors));
                continue;
            }

            if (row.IsSkipped)
            {
                skipped++;
                Keep(skippedRows, new ReviewRow(row.Row.RowNumber, row.Row.Cells, null, row.DuplicateOf, [ImportPlan.SkippedReason(row.DuplicateOf!.Value)]));
                continue;
            }

            var identifiers = ImportPlan.Identifiers(row.Result.Contact!);
            var match = identifiers.Select(i => owners.TryGetValue(i, out var owner) ? owner : (Guid?)null).FirstOrDefault(o => o is not null);
            if (match is { } contactId)
            {
                updated++;
                Keep(updatedRows, new ReviewRow(row.Row.RowNumber, row.Row.Cells, contactId, null, []));
                // Phone wins: an identifier of this row that belongs to another contact stays there.
                foreach (var identifier in identifiers)
                {
                    if (owners.TryGetValue(identifier, out var other) && other != contactId)
                    {
                        warningCount++;
                        if (warnings.Count < MaxWarnings)
                        {
                            warnings.Add(new ReviewWarning(row.Row.RowNumber,
                                $"{Describe(identifier)} belongs to another contact ({other}); the row updates contact {contactId} and leaves it there."));
                        }
                    }
                }
            }
            else
            {
                added++;
                Keep(addedRows, new ReviewRow(row.Row.RowNumber, row.Row.Cells, null, null, []));
            }
        }

        return new ReviewResult(rows.Count, new ImportCounts(added, updated, skipped, invalid), warnings, warningCount, addedRows, updatedRows, skippedRows, invalidRows);
    }

    private static void Keep(List<ReviewRow> examples, ReviewRow row)
    {
        if (examples.Count < ExamplesPerKind)
        {
            examples.Add(row);
        }
    }

    private static string Describe(Identifier identifier) =>
        identifier.Kind == IdentifierKind.Phone ? $"Phone {identifier.Key}" : $"Email {identifier.Key}";

    private async Task<Dictionary<Identifier, Guid>> OwnersAsync(Guid workspaceId, IEnumerable<Identifier> identifiers, CancellationToken cancellationToken)
    {
        var owners = new Dictionary<Identifier, Guid>();
        foreach (var batch in identifiers.Distinct().Chunk(LookupBatch))
        {
            await using var command = dataSource.CreateCommand("""
                select i.kind, i.value, i.contact_id from contact_identifiers i join unnest(@kinds, @values) as r(kind, value)
                on i.kind = r.kind and i.value = r.value where i.workspace_id = @ws
                """);
            command.Parameters.AddWithValue("ws", workspaceId);
            command.Parameters.AddWithValue("kinds", batch.Select(i => ContactStore.KindCode(i.Kind)).ToArray());
            command.Parameters.AddWithValue("values", batch.Select(i => i.Key).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var identifier = reader.GetString(0) == "p" ? Identifier.Phone(reader.GetString(1)) : new Identifier(IdentifierKind.Email, reader.GetString(1));
                owners[identifier] = reader.GetGuid(2);
            }
        }

        return owners;
    }
}
