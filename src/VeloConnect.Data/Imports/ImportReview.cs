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
/// The dry run: reads every row as the run will and plans them with the run's own <see cref="ImportBatchPlan"/>
/// against the current contacts (the owners of the file's phones and emails, and those contacts, a few queries in
/// all). Changes nothing; when nothing else changes in between, the run produces these counts.
/// </summary>
public sealed class ImportReview(ContactStore contacts)
{
    public const int ExamplesPerKind = 5;
    public const int MaxWarnings = 100;
    private const int LookupChunk = 10_000;

    public async Task<ReviewResult> ReviewAsync(ImportRecord import, byte[] file, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields, CancellationToken cancellationToken = default)
    {
        // The file is read (CPU) while the contacts its rows match are looked up (the database), a chunk at a time.
        var rows = new List<PlannedRow>(import.TotalRows);
        var lookups = new List<Task<(Dictionary<Identifier, Guid> Owners, IReadOnlyList<ContactRecord> Contacts)>>();
        var chunk = new List<Identifier>(LookupChunk + 3);
        foreach (var row in ImportPlan.Rows(file, import, mapping, fields))
        {
            rows.Add(row);
            if (row.IsWrite)
            {
                chunk.AddRange(row.Result.Contact!.IdentifiersInMatchOrder());
                if (chunk.Count >= LookupChunk)
                {
                    lookups.Add(LookUpAsync(import.WorkspaceId, chunk, cancellationToken));
                    chunk = new List<Identifier>(LookupChunk + 3);
                }
            }
        }

        lookups.Add(LookUpAsync(import.WorkspaceId, chunk, cancellationToken));
        var owners = new Dictionary<Identifier, Guid>();
        var stored = new Dictionary<Guid, ContactRecord>();
        foreach (var (chunkOwners, chunkContacts) in await Task.WhenAll(lookups))
        {
            foreach (var (identifier, owner) in chunkOwners)
            {
                owners[identifier] = owner;
            }

            foreach (var contact in chunkContacts)
            {
                stored[contact.Id] = contact;
            }
        }

        var plan = new ImportBatchPlan(owners, stored);
        var counts = ImportCounts.Zero;
        var warningCount = 0;
        List<ReviewRow> addedRows = [], updatedRows = [], skippedRows = [], invalidRows = [];
        List<ReviewWarning> warnings = [];
        foreach (var row in rows)
        {
            var planned = plan.Apply(row, Guid.NewGuid);
            counts = counts.Add(planned.Outcome, 1);
            var result = ImportBatchPlan.Result(planned);
            var examples = planned.Outcome switch
            {
                ImportOutcome.Added => addedRows,
                ImportOutcome.Updated => updatedRows,
                ImportOutcome.Skipped => skippedRows,
                _ => invalidRows,
            };
            if (examples.Count < ExamplesPerKind)
            {
                examples.Add(new ReviewRow(row.Row.RowNumber, row.Row.Cells, planned.Outcome == ImportOutcome.Updated ? planned.ContactId : null, result.DuplicateOf, result.Reasons));
            }

            foreach (var warning in planned.Warnings)
            {
                warningCount++;
                if (warnings.Count < MaxWarnings)
                {
                    warnings.Add(new ReviewWarning(row.Row.RowNumber, warning));
                }
            }
        }

        return new ReviewResult(rows.Count, counts, warnings, warningCount, addedRows, updatedRows, skippedRows, invalidRows);
    }

    private async Task<(Dictionary<Identifier, Guid> Owners, IReadOnlyList<ContactRecord> Contacts)> LookUpAsync(Guid workspaceId, List<Identifier> identifiers, CancellationToken cancellationToken)
    {
        var owners = await contacts.OwnersAsync(workspaceId, identifiers, cancellationToken);
        return (owners, owners.Count == 0 ? [] : await contacts.LoadManyAsync(workspaceId, [.. owners.Values.Distinct()], cancellationToken));
    }
}
