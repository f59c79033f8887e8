using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>The kept review after an edit's re-review: its new tally and the rows planned again (row order).</summary>
public sealed record ReviewUpdate(ReviewTally Tally, IReadOnlyList<ReviewedRow> Rows);

/// <summary>
/// An edit's re-review (issue 14): in the transaction that stores the edit or its undo (<see cref="ImportEditTransaction"/>),
/// plans again only the rows the edit can change and replaces them in the kept review, so the review stays the review of
/// the edited file. The rows it can change are closed over what links rows in a plan: the edited rows; every row sharing
/// an identifier with them (before or after the edit: in-file duplicates move); the stored contacts owning any of those
/// identifiers (a row matches, updates or takes an identifier from them), and every identifier of those contacts and
/// every row sharing one — until nothing is added. A row outside that set shares no identifier and no contact with it,
/// so its plan cannot change, and the set's plan depends on nothing outside it: planning the set alone, in row order,
/// with the run's own <see cref="ImportBatchPlan"/> gives the rows a full review would.
/// </summary>
public sealed class ImportReviewUpdate(ContactStore contacts)
{
    /// <summary>Beyond this many rows to plan again, the edit clears the review and the caller reviews the whole file.</summary>
    public const int MaxRows = 2_000;

    /// <summary>
    /// Plans again the rows linked to <paramref name="rowNumbers"/> (whose cells or drop the current edits changed: they are
    /// re-read by replaying <paramref name="edits"/> over the rows as uploaded) and replaces them in the kept review. Null when
    /// more than <see cref="MaxRows"/> rows are linked or a row is not in the review: the caller clears the review.
    /// </summary>
    public async Task<ReviewUpdate?> UpdateAsync(ImportEditTransaction held, ImportRecord import, IReadOnlyList<FieldDefinition> fields, IReadOnlyCollection<int> rowNumbers,
        IReadOnlyList<ImportEdit> edits, CancellationToken cancellationToken = default)
    {
        var reader = ImportPlan.Reader(import, import.Mapping!, fields);
        var index = ImportEditIndex.Build(edits);
        var numbers = new HashSet<int>(rowNumbers);
        var identifiers = new HashSet<string>(StringComparer.Ordinal);
        var rows = new SortedDictionary<int, ReviewedRow>();
        var edited = new Dictionary<int, EditedRow>();
        var owners = new Dictionary<Identifier, Guid>();
        var loaded = new Dictionary<Guid, ContactRecord>();
        var ownersAsked = -1;
        while (true)
        {
            var identifiersBefore = identifiers.Count;
            foreach (var row in await ImportReviewRows.ReadAsync(held, numbers, identifiers, cancellationToken))
            {
                if (!rows.TryAdd(row.RowNumber, row))
                {
                    continue;
                }

                numbers.Add(row.RowNumber);
                identifiers.UnionWith(row.Identifiers ?? []);
                if (rowNumbers.Contains(row.RowNumber))
                {
                    // An edited row brings its identifiers before the edit (kept) and after it (read now).
                    var now = index.Apply(new CsvRow(row.RowNumber, row.Uploaded, ""));
                    edited[row.RowNumber] = now;
                    identifiers.UnionWith(ImportPlan.Read(reader, new InFileDuplicates(), now, row.Uploaded).KeptIdentifiers());
                }
            }

            if (rows.Count > MaxRows || edited.Count < rowNumbers.Count)
            {
                return null;
            }

            // The rows read brought no identifier whose owner is not known yet: closed.
            if (identifiers.Count == ownersAsked)
            {
                break;
            }

            ownersAsked = identifiers.Count;
            var newOwners = await contacts.OwnersAsync(import.WorkspaceId, identifiers.Select(Identifier.Parse), cancellationToken);
            var found = newOwners.Values.Where(id => !loaded.ContainsKey(id)).Distinct().ToList();
            foreach (var (identifier, owner) in newOwners)
            {
                owners[identifier] = owner;
            }

            if (found.Count > 0)
            {
                foreach (var contact in await contacts.LoadIdentifiersOnlyAsync(import.WorkspaceId, found, cancellationToken))
                {
                    loaded[contact.Id] = contact;
                    identifiers.UnionWith(contact.Data.Phones.Select(p => Identifier.Phone(p).ToString()));
                    if (contact.Data.Email is { } email)
                    {
                        identifiers.Add(Identifier.ForEmail(email).ToString());
                    }
                }
            }

            // A row found with no new identifier brings no new link (rows are found by their identifiers).
            if (identifiers.Count == identifiersBefore)
            {
                break;
            }
        }

        // The set in row order, read as the file's pass reads it (the same duplicates, over the set alone).
        var duplicates = new InFileDuplicates();
        var planned = rows.Values.Select(r => ImportPlan.Read(reader, duplicates, edited.GetValueOrDefault(r.RowNumber) ?? Kept(r), r.Uploaded)).ToList();
        var writes = planned.Where(r => r.IsWrite).SelectMany(r => r.Result.Contact!.IdentifiersInMatchOrder()).Distinct().ToList();
        // As the full review looks up: the owners of the rows' identifiers, their contacts, and the opt-outs of both.
        var rowOwners = writes.Where(owners.ContainsKey).ToDictionary(i => i, i => owners[i]);
        var optOuts = await contacts.OptOutsAsync(import.WorkspaceId, writes, rowOwners.Values, cancellationToken);
        // Their contacts were loaded while closing the set (phones, email and tags, as the full review loads them).
        var stored = rowOwners.Values.Distinct().Where(loaded.ContainsKey).ToDictionary(id => id, id => loaded[id]);
        var plan = new ImportBatchPlan(rowOwners, stored, optOuts);
        var reviewed = planned.Select(r => ImportReview.Kept(plan.Apply(r, Guid.NewGuid))).ToList();
        return new ReviewUpdate(await ImportReviewRows.ReplaceAsync(held, reviewed, cancellationToken), reviewed);
    }

    /// <summary>A kept row not edited now: its cells and drop as the review read them.</summary>
    private static EditedRow Kept(ReviewedRow row) => new(new CsvRow(row.RowNumber, row.Cells, ""), row.DroppedBy, row.Edited);
}
