namespace VeloConnect.ContactRules.Contacts;

/// <summary>Where an incoming contact went: the contact it matched (or the new one), and what it could not take.</summary>
/// <param name="IsNew">No phone or email of the input belonged to anyone: a new contact.</param>
/// <param name="Warnings">The input's phones and emails that belong to another contact and stayed there.</param>
public sealed record MatchResult(Guid ContactId, bool IsNew, IReadOnlyList<string> Warnings);

/// <summary>A contact the matched inputs change: its data before (none when new) and after.</summary>
public sealed record MatchedChange(Guid Id, ContactData? Before, ContactData After)
{
    public bool IsNew => Before is null;

    public IReadOnlyList<Identifier> Added => Missing(After, Before);

    public IReadOnlyList<Identifier> Removed => Missing(Before, After);

    /// <summary>
    /// The identifiers <paramref name="of"/> holds that <paramref name="from"/> does not, in <paramref name="of"/>'s
    /// order. A contact holds a few: small arrays searched in order, not sets (its identifiers are never two equal).
    /// </summary>
    private static Identifier[] Missing(ContactData? of, ContactData? from)
    {
        if (of is null)
        {
            return [];
        }

        Identifier[] holds = [.. of.Identifiers()];
        if (from is null)
        {
            return holds;
        }

        Identifier[] other = [.. from.Identifiers()];
        return Array.FindAll(holds, i => Array.IndexOf(other, i) < 0);
    }
}

/// <summary>
/// Matches incoming contacts (import rows, bulk items), in order, to the contacts that own their identifiers and
/// merges them there, many at a time, in memory, exactly as one write to a contact's grain would:
/// <list type="bullet">
/// <item>the phone wins: an input goes to the owner of its first phone (primary, then additional), else of its
/// email; an input whose phones and email belong to nobody creates a contact;</item>
/// <item>the merge is <see cref="ContactMerge"/>'s (given fields overwrite, blanks keep, tags are added), within
/// <see cref="ContactLimits"/> (phones and tags past the limits are not added, with a warning);</item>
/// <item>a phone or email that belongs to another contact is never moved: it stays there and the input gets a
/// warning naming that contact (<see cref="IdentifierOwners"/>);</item>
/// <item>an email the merge replaces is freed: a later input with it creates (or matches) another contact;</item>
/// <item>given the opt-outs the addresses carry (<see cref="ConsentTracker"/>), an input whose contact takes an
/// opted-out phone or email gets a warning naming it (<see cref="Consent"/>).</item>
/// </list>
/// Given the owners of the inputs' identifiers and the stored data of those owners, a whole batch is decided
/// without another read.
/// </summary>
public sealed class ContactMatcher
{
    private readonly Dictionary<Identifier, Guid> _owners;
    private readonly IReadOnlyDictionary<Guid, ContactData> _stored;
    private readonly Dictionary<Guid, ContactData> _current;
    private readonly List<Guid> _touched;
    private readonly Dictionary<Identifier, Guid?> _ownerChanges;
    private readonly ConsentTracker? _consent;

    /// <param name="owners">Who owns each identifier of the inputs (absent: nobody); kept up to date as inputs apply.</param>
    /// <param name="stored">The stored data of the contacts the owners name.</param>
    /// <param name="consent">The opt-outs of the inputs' addresses and of the owners (none: no consent warnings).</param>
    /// <param name="contacts">How many contacts the inputs are expected to touch (the matcher's state is sized for them once).</param>
    public ContactMatcher(Dictionary<Identifier, Guid> owners, IReadOnlyDictionary<Guid, ContactData> stored, ConsentTracker? consent = null, int contacts = 0)
    {
        _current = new Dictionary<Guid, ContactData>(contacts);
        _touched = new List<Guid>(contacts);
        // A new contact claims its phones and email: at least one owner change each.
        _ownerChanges = new Dictionary<Identifier, Guid?>(contacts);
        // Owners and contacts are two reads: an owner whose contact was not found was deleted in between, and its phones
        // and emails went with it. Matching an input to it would write the deleted contact again under its old id with
        // only the input's data; they belong to nobody now (a new contact takes them; the write fails on the identifier's
        // key, and is matched again, if another contact claimed one meanwhile).
        foreach (var (identifier, owner) in owners.Where(o => !stored.ContainsKey(o.Value)).ToList())
        {
            owners.Remove(identifier);
        }

        _owners = owners;
        _stored = stored;
        _consent = consent;
    }

    /// <summary>The identifiers whose owner changed: claimed (the new owner) or freed (null).</summary>
    public IReadOnlyDictionary<Identifier, Guid?> OwnerChanges => _ownerChanges;

    /// <summary>The contacts to write: new ones, and existing ones whose data changed, in the order they were first touched.</summary>
    public IEnumerable<MatchedChange> Changes()
    {
        foreach (var id in _touched)
        {
            var after = _current[id];
            var before = _stored.GetValueOrDefault(id);
            if (before is null || !after.SameAs(before))
            {
                yield return new MatchedChange(id, before, after);
            }
        }
    }

    /// <summary>Matches and merges one input (inputs must come in order); <paramref name="newId"/> names a new contact.</summary>
    public MatchResult Apply(ContactInput input, Func<Guid> newId)
    {
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
        var before = (_current.TryGetValue(id, out var current) ? current : _stored.GetValueOrDefault(id)) ?? ContactData.Empty;
        var data = ContactMerge.Apply(before, input);
        // A contact holds a few identifiers: small arrays searched in order, not sets.
        Identifier[] had = [.. before.Identifiers()];
        List<string> warnings = [];
        data = IdentifierOwners.LeaveWithOwners(had, before, data, i => _owners.TryGetValue(i, out var other) && other != id ? other : null, warnings);

        // After the identifiers left with their owners, so that none of them takes a place it does not get.
        data = ContactLimits.KeepWithin(before, data, warnings);

        Identifier[] holds = [.. data.Identifiers()];
        foreach (var identifier in holds)
        {
            if (Array.IndexOf(had, identifier) < 0)
            {
                _owners[identifier] = id;
                _ownerChanges[identifier] = id;
            }
        }

        foreach (var identifier in had)
        {
            if (Array.IndexOf(holds, identifier) < 0)
            {
                _owners.Remove(identifier);
                _ownerChanges[identifier] = null;
            }
        }

        if (_consent is not null)
        {
            warnings.AddRange(_consent.Apply(id, had, holds));
        }

        if (!_current.ContainsKey(id))
        {
            _touched.Add(id);
        }

        _current[id] = data;
        return new MatchResult(id, match is null, warnings);
    }
}
