using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Data.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>What one row of a batch does: its outcome, the contact it went to, and its warnings.</summary>
public sealed record PlannedOutcome(PlannedRow Row, string Outcome, Guid? ContactId, IReadOnlyList<string> Warnings);

/// <summary>
/// A batch of import rows (in file order) matched and merged by the rules' <see cref="ContactMatcher"/> against the
/// stored contacts: given the owners of the batch's identifiers and the contacts they name (one query each), the
/// whole batch is decided without another read and written in one transaction (<see cref="ImportBatchStore"/>).
/// The review runs the same plan and writes nothing, so its counts are the run's.
/// </summary>
public sealed class ImportBatchPlan
{
    private readonly Dictionary<Identifier, Guid> _owners;
    private readonly Dictionary<Guid, ContactRecord> _stored;
    private readonly Dictionary<Guid, ContactData> _storedData;
    private readonly ContactMatcher _matcher;
    private readonly ConsentTracker _consent;
    private readonly List<PlannedOutcome> _outcomes = [];

    /// <param name="owners">Who owns each identifier of the batch's rows (absent: nobody); updated as the plan goes.</param>
    /// <param name="stored">The stored contacts the owners name.</param>
    /// <param name="optOuts">The opt-outs of the rows' phones and emails and of those contacts: a row whose contact takes an opted-out one is warned.</param>
    /// <param name="contacts">How many contacts the plan expects to hold (its dictionaries are sized for them once).</param>
    public ImportBatchPlan(Dictionary<Identifier, Guid> owners, IReadOnlyDictionary<Guid, ContactRecord> stored, OptOutView? optOuts = null, int contacts = 0)
    {
        _owners = owners;
        _stored = new Dictionary<Guid, ContactRecord>(Math.Max(contacts, stored.Count));
        _storedData = new Dictionary<Guid, ContactData>(Math.Max(contacts, stored.Count));
        foreach (var (id, record) in stored)
        {
            _stored[id] = record;
            _storedData[id] = record.Data;
        }

        _consent = new ConsentTracker(optOuts ?? OptOutView.None, contacts);
        _matcher = new ContactMatcher(_owners, _storedData, _consent, contacts);
    }

    /// <summary>
    /// Adds what a later lookup found (owners of further rows' identifiers and their contacts), for a plan that reads
    /// its rows a chunk at a time; what the plan itself changed (a freed email, a claimed phone) stays as planned.
    /// </summary>
    public void Learn(IReadOnlyDictionary<Identifier, Guid> owners, IEnumerable<ContactRecord> contacts, OptOutView? optOuts = null)
    {
        _consent.Learn(optOuts ?? OptOutView.None);
        foreach (var (identifier, owner) in owners)
        {
            if (!_matcher.OwnerChanges.ContainsKey(identifier))
            {
                _owners[identifier] = owner;
            }
        }

        foreach (var contact in contacts)
        {
            if (_stored.TryAdd(contact.Id, contact))
            {
                _storedData[contact.Id] = contact.Data;
            }
        }
    }

    /// <summary>Forgets the decided rows (a plan that only counts keeps no rows in memory).</summary>
    public void ForgetOutcomes() => _outcomes.Clear();

    public IReadOnlyList<PlannedOutcome> Outcomes => _outcomes;

    /// <inheritdoc cref="ContactMatcher.OwnerChanges"/>
    public IReadOnlyDictionary<Identifier, Guid?> OwnerChanges => _matcher.OwnerChanges;

    /// <summary>The contacts to write: new ones, and existing ones whose data the batch changed.</summary>
    public IEnumerable<PlannedContact> Changes() =>
        _matcher.Changes().Select(c => new PlannedContact(c.Id, _stored.GetValueOrDefault(c.Id), c.After, c.Added, c.Removed));

    /// <summary>Decides one row (rows must come in file order): invalid and skipped rows keep their verdicts.</summary>
    public PlannedOutcome Apply(PlannedRow row, Func<Guid> newId)
    {
        PlannedOutcome planned;
        if (row.IsInvalid)
        {
            planned = new PlannedOutcome(row, ImportOutcome.Invalid, null, []);
        }
        else if (row.IsSkipped)
        {
            planned = new PlannedOutcome(row, ImportOutcome.Skipped, null, []);
        }
        else
        {
            var match = _matcher.Apply(row.Result.Contact!, newId);
            // The row's own warnings (a bad phone left out of a row imported by its email) come before the match's.
            IReadOnlyList<string> warnings = row.Result.Warnings.Count == 0 ? match.Warnings : [.. row.Result.Warnings, .. match.Warnings];
            planned = new PlannedOutcome(row, match.IsNew ? ImportOutcome.Added : ImportOutcome.Updated, match.ContactId, warnings);
        }

        _outcomes.Add(planned);
        return planned;
    }

    /// <summary>The recorded result of a planned row: reasons for invalid rows, the earlier row for skipped ones.</summary>
    public static ImportRowResult Result(PlannedOutcome planned) => planned.Outcome switch
    {
        ImportOutcome.Invalid => new ImportRowResult(planned.Row.Row.RowNumber, ImportOutcome.Invalid, null, null, planned.Row.Result.Errors, []),
        ImportOutcome.Skipped => new ImportRowResult(planned.Row.Row.RowNumber, ImportOutcome.Skipped, null, planned.Row.DuplicateOf,
            [ImportPlan.SkippedReason(planned.Row)], []),
        _ => new ImportRowResult(planned.Row.Row.RowNumber, planned.Outcome, planned.ContactId, null, [], planned.Warnings),
    };
}
