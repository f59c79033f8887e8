using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>One field an update changes: <c>field</c> is name, email, phones or a custom field's key; values as a cell shows them.</summary>
public sealed record FieldChange(string Field, string Label, string? Before, string? After);

/// <summary>
/// What an updated row will do to its contact: the fields it changes (before → after), the tags and phones it adds, and
/// <c>kept</c>, the mapped fields the row leaves blank whose stored value stays.
/// </summary>
public sealed record ReviewChange(IReadOnlyList<FieldChange> Fields, IReadOnlyList<string> TagsAdded, IReadOnlyList<string> PhonesAdded, IReadOnlyList<string> Kept);

/// <summary>
/// The change each updated row of a page of a review makes, computed when the page is read (never stored): the row's cells
/// are read through the mapping (<see cref="RowReader"/>) and applied by the run's own <see cref="ImportBatchPlan"/> (the
/// matcher and <see cref="ContactMerge"/>) to the contacts as they are stored now. Each row is applied alone, to the stored
/// contact: an earlier row of the file that updates the same contact is not applied first.
/// </summary>
public sealed class ReviewChanges(ContactStore contacts)
{
    private const string Name = "name", Email = "email", Phones = "phones";

    /// <summary>The changes of the page's updated rows, by row number (a row that no longer updates a contact has none).</summary>
    public async Task<IReadOnlyDictionary<int, ReviewChange>> ForAsync(ImportRecord import, IReadOnlyList<ReviewedRow> rows, IReadOnlyList<FieldDefinition> fields,
        CancellationToken cancellationToken = default)
    {
        var mapping = import.Mapping!;
        var reader = new RowReader(mapping, [.. import.Analysis.Columns.Select(c => c.Header)], fields);
        var updated = rows.Where(r => r.Outcome == ImportOutcome.Updated).Select(r => (Row: r, Read: reader.Read(r.Cells))).Where(u => u.Read.IsValid).ToList();
        var changes = new Dictionary<int, ReviewChange>();
        if (updated.Count == 0)
        {
            return changes;
        }

        var owners = await contacts.OwnersAsync(import.WorkspaceId, updated.SelectMany(u => u.Read.Contact!.IdentifiersInMatchOrder()), cancellationToken);
        var stored = (await contacts.LoadManyAsync(import.WorkspaceId, [.. owners.Values.Distinct()], cancellationToken)).ToDictionary(c => c.Id);
        foreach (var (row, read) in updated)
        {
            var plan = new ImportBatchPlan(new Dictionary<Identifier, Guid>(owners), stored);
            var planned = plan.Apply(new PlannedRow(new CsvRow(row.RowNumber, row.Cells, ""), read, null), Guid.NewGuid);
            if (planned.Outcome == ImportOutcome.Updated && stored.TryGetValue(planned.ContactId!.Value, out var contact))
            {
                var after = plan.Changes().FirstOrDefault(c => c.Id == contact.Id)?.Data ?? contact.Data;
                changes[row.RowNumber] = Describe(contact.Data, after, read.Contact!, mapping, fields);
            }
        }

        return changes;
    }

    /// <summary>The difference between a contact's data before and after the merge of <paramref name="input"/>.</summary>
    private static ReviewChange Describe(ContactData before, ContactData after, ContactInput input, ImportMapping mapping, IReadOnlyList<FieldDefinition> fields)
    {
        List<FieldChange> changed = [];
        List<string> kept = [];
        Compare(Name, new ColumnTarget(TargetKind.Name).Label(fields), before.Name, after.Name, input.Name is null, Mapped(TargetKind.Name));
        Compare(Email, new ColumnTarget(TargetKind.Email).Label(fields), before.Email, after.Email, input.Email is null, Mapped(TargetKind.Email));
        Compare(Phones, "Phones", Joined(before.Phones), Joined(after.Phones), input.PrimaryPhone is null && input.AdditionalPhones.Count == 0,
            Mapped(TargetKind.PrimaryPhone) || Mapped(TargetKind.AdditionalPhone));
        foreach (var key in before.Custom.Keys.Union(after.Custom.Keys).Order(StringComparer.Ordinal))
        {
            var target = new ColumnTarget(TargetKind.CustomField, key);
            Compare(key, fields.FirstOrDefault(f => f.Key == key)?.Label ?? key, Cell(before.Custom, key), Cell(after.Custom, key), !input.Custom.ContainsKey(key),
                mapping.Columns.Contains(target));
        }

        return new ReviewChange(changed,
            [.. after.Tags.Where(t => !before.Tags.Contains(t, StringComparer.OrdinalIgnoreCase))],
            [.. after.Phones.Except(before.Phones)],
            kept);

        bool Mapped(TargetKind kind) => mapping.Columns.Any(c => c.Kind == kind);

        // Kept: a field the mapping reads whose cell the row leaves blank, and whose stored value the merge kept.
        void Compare(string field, string label, string? was, string? now, bool blank, bool mapped)
        {
            if (was != now)
            {
                changed.Add(new FieldChange(field, label, was, now));
            }
            else if (was is not null && blank && mapped)
            {
                kept.Add(field);
            }
        }
    }

    private static string? Joined(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join(", ", values);

    private static string? Cell(IReadOnlyDictionary<string, string> custom, string key) =>
        custom.TryGetValue(key, out var json) ? FieldValues.ToCell(json) : null;
}
