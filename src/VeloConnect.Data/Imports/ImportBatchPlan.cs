using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Data.Imports;

/// <summary>What one row of a batch does: its outcome, the contact it went to, and its warnings.</summary>
public sealed record PlannedOutcome(PlannedRow Row, string Outcome, Guid? ContactId, IReadOnlyList<string> Warnings);

/// <summary>A contact the batch changes: its stored version (none for a new one) and its data after the batch's rows.</summary>
public sealed record PlannedContact(Guid Id, ContactRecord? Stored, ContactData Data)
{
    public bool IsNew => Stored is null;

    public IReadOnlyList<Identifier> Added => [.. Data.Identifiers().Except(Stored?.Data.Identifiers() ?? [])];

    public IReadOnlyList<Identifier> Removed => [.. (Stored?.Data.Identifiers() ?? []).Except(Data.Identifiers())];

    /// <summary>The contact as it is once this change is written (what the next batch plans against).</summary>
    public ContactRecord AsWritten(Guid workspaceId, string source, DateTimeOffset now) => Stored is { } stored
        ? stored with { Data = Data, LastActivityAt = now, UpdatedAt = now, Version = stored.Version + 1 }
        : new ContactRecord(Id, workspaceId, Data, source, now, now, now, 1);
}

/// <summary>
/// Applies a batch of import rows (in file order) to the contacts they match, in memory, exactly as the contact
/// grain applies one row: the row goes to the contact owning its first phone, else its email, else a new contact;
/// the merge rules of <see cref="ContactMerge"/> give the new data; a phone or email that belongs to another contact
/// stays there (a warning says so); an email the merge replaces is freed for later rows. Given the owners of the
/// batch's identifiers and the stored contacts they point to (one query each), the whole batch is decided without
/// another read, and written in one transaction. The review runs the same plan and writes nothing, so its counts are
/// the run's.
/// </summary>
public sealed class ImportBatchPlan
{
    private readonly Dictionary<Identifier, Guid> _owners;
    private readonly IReadOnlyDictionary<Guid, ContactRecord> _stored;
    private readonly Dictionary<Guid, ContactData> _current = [];
    private readonly List<Guid> _touched = [];
    private readonly List<PlannedOutcome> _outcomes = [];
    private readonly Dictionary<Identifier, Guid?> _ownerChanges = [];

    /// <param name="owners">Who owns each identifier of the batch's rows (absent: nobody); updated as the plan goes.</param>
    /// <param name="stored">The stored contacts the owners point to.</param>
    public ImportBatchPlan(Dictionary<Identifier, Guid> owners, IReadOnlyDictionary<Guid, ContactRecord> stored)
    {
        _owners = owners;
        _stored = stored;
    }

    public IReadOnlyList<PlannedOutcome> Outcomes => _outcomes;

    /// <summary>The identifiers whose owner the plan changed: claimed (the new owner) or freed (null).</summary>
    public IReadOnlyDictionary<Identifier, Guid?> OwnerChanges => _ownerChanges;

    /// <summary>The contacts to write: new ones, and existing ones whose data the batch changed (in first-touched order).</summary>
    public IEnumerable<PlannedContact> Changes()
    {
        foreach (var id in _touched)
        {
            var data = _current[id];
            var stored = _stored.GetValueOrDefault(id);
            if (stored is null || !data.SameAs(stored.Data))
            {
                yield return new PlannedContact(id, stored, data);
            }
        }
    }

    /// <summary>Decides one row (rows must come in file order): invalid and skipped rows keep their verdicts.</summary>
    public PlannedOutcome Apply(PlannedRow row, Func<Guid> newId)
    {
        if (row.IsInvalid)
        {
            return Add(row, ImportOutcome.Invalid, null, []);
        }

        if (row.IsSkipped)
        {
            return Add(row, ImportOutcome.Skipped, null, []);
        }

        var input = row.Result.Contact!;
        Guid? match = null;
        foreach (var identifier in input.IdentifiersInMatchOrder())
        {
            if (_owners.TryGetValue(identifier, out var owner))
            {
                match = owner;
                break;
            }
        }

        var id = match ?? newId();
        var before = Current(id);
        var data = ContactMerge.Apply(before ?? ContactData.Empty, input);
        var had = (before ?? ContactData.Empty).Identifiers().ToHashSet();
        var warnings = new List<string>();
        foreach (var identifier in data.Identifiers().Where(i => !had.Contains(i)).ToList())
        {
            if (_owners.TryGetValue(identifier, out var other) && other != id)
            {
                // No identifier is ever moved silently: it stays with its owner and the row says so.
                data = ContactMerge.Without(data, identifier, before ?? ContactData.Empty);
                warnings.Add($"{Describe(identifier)} belongs to another contact ({other}); it was left there and not added to this contact.");
            }
        }

        foreach (var identifier in data.Identifiers())
        {
            if (!had.Contains(identifier))
            {
                _owners[identifier] = id;
                _ownerChanges[identifier] = id;
            }
        }

        foreach (var identifier in had.Except(data.Identifiers()))
        {
            _owners.Remove(identifier);
            _ownerChanges[identifier] = null;
        }

        if (!_current.ContainsKey(id))
        {
            _touched.Add(id);
        }

        _current[id] = data;
        return Add(row, match is null ? ImportOutcome.Added : ImportOutcome.Updated, id, warnings);
    }

    private ContactData? Current(Guid id) =>
        _current.TryGetValue(id, out var data) ? data : _stored.GetValueOrDefault(id)?.Data;

    private PlannedOutcome Add(PlannedRow row, string outcome, Guid? contactId, IReadOnlyList<string> warnings)
    {
        var planned = new PlannedOutcome(row, outcome, contactId, warnings);
        _outcomes.Add(planned);
        return planned;
    }

    /// <summary>The recorded result of a planned row: reasons for invalid rows, the earlier row for skipped ones.</summary>
    public static ImportRowResult Result(PlannedOutcome planned) => planned.Outcome switch
    {
        ImportOutcome.Invalid => new ImportRowResult(planned.Row.Row.RowNumber, ImportOutcome.Invalid, null, null, planned.Row.Result.Errors, []),
        ImportOutcome.Skipped => new ImportRowResult(planned.Row.Row.RowNumber, ImportOutcome.Skipped, null, planned.Row.DuplicateOf,
            [ImportPlan.SkippedReason(planned.Row.DuplicateOf!.Value)], []),
        _ => new ImportRowResult(planned.Row.Row.RowNumber, planned.Outcome, planned.ContactId, null, [], planned.Warnings),
    };

    internal static string Describe(Identifier identifier) =>
        identifier.Kind == IdentifierKind.Phone ? $"Phone {identifier.Key}" : $"Email {identifier.Key}";
}
