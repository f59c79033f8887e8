namespace VeloConnect.ModelTests;

/// <summary>
/// What one operation did, as its answers (and, where the API cannot tell, the database) say: the contacts it touched,
/// created or may have deleted, the tags and field values it wrote, the opt-outs it set or cleared, and what it saw wrong.
/// </summary>
public sealed class OpOutcome(Op op)
{
    public Op Op { get; } = op;

    /// <summary>What happened, for the trace ("201 created 1a2b3c4d", "409", "nobody holds p3").</summary>
    public List<string> Notes { get; } = [];

    /// <summary>Contacts the operation wrote, deleted, opted, or tried to (they are not "untouched since" for a revert).</summary>
    public HashSet<Guid> Touched { get; } = [];

    /// <summary>Contacts the operation's answers name as created or updated.</summary>
    public HashSet<Guid> Reported { get; } = [];

    /// <summary>Contacts the operation may have deleted.</summary>
    public HashSet<Guid> Deletable { get; } = [];

    /// <summary>A delete by filter: whatever another operation of the step touched may have matched the filter too.</summary>
    public bool DeletesByFilter { get; set; }

    public List<(Guid Id, IReadOnlyList<string> Tags)> TagAdds { get; } = [];

    public List<(Guid Id, IReadOnlyList<string> Tags)> TagReplacements { get; } = [];

    public List<(Guid Id, IReadOnlyList<string> Tags)> TagRemovals { get; } = [];

    public List<(Guid Id, string? Tier)> TierWrites { get; } = [];

    public List<(Guid Id, string? Tier)> TierRestores { get; } = [];

    public List<(string Address, string Channel)> OptOuts { get; } = [];

    public List<(string Address, string Channel)> OptInClears { get; } = [];

    public List<Violation> Violations { get; } = [];

    /// <summary>How many times the operation's bulk requests must have been applied (audited) in all: once each.</summary>
    public int BulkApplications { get; set; }

    /// <summary>Idempotency keys the operation used, with the answer the first application gave.</summary>
    public List<(string Key, string Answer)> Keys { get; } = [];

    public bool Abandoned { get; set; }

    /// <summary>
    /// An abandoned request whose retry was applied afresh: whether its first attempt was applied too is unknown, so the
    /// field values of its items may be on any contact it touched.
    /// </summary>
    public IReadOnlyList<string?>? UncertainTiers { get; set; }

    public Guid? FinishedImport { get; set; }

    public RevertObservation? Revert { get; set; }

    public void Note(string note) => Notes.Add(note);

    public override string ToString() => $"{Op}  → {string.Join("; ", Notes)}";
}

/// <summary>What the model knows a surviving contact must hold: at least these tags (lower-cased), one of these field values.</summary>
public sealed class Expected
{
    public HashSet<string> MustTags { get; set; } = new(StringComparer.Ordinal);

    public HashSet<string?> AllowedTier { get; set; } = [null];
}

/// <summary>
/// The model: which addresses are opted out on which channel, what each surviving contact must hold, the imports that
/// finished (for reverts), and how many bulk applications the audit must show.
/// </summary>
public sealed class Model
{
    public HashSet<(string Address, string Channel)> OptedOut { get; } = [];

    public Dictionary<Guid, Expected> Contacts { get; } = [];

    public List<Guid> Imports { get; } = [];

    public HashSet<Guid> Reverted { get; } = [];

    public int BulkApplications { get; set; }

    /// <summary>Contacts a delete of the last step may have removed that are still there (for the label of what they lost).</summary>
    public HashSet<Guid> SurvivedDelete { get; } = [];

    public Dictionary<string, string> Keys { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Takes in a step's outcomes and the contacts as listed after it: contacts that vanished must have been deletable,
    /// contacts that appeared must have been reported; then the expectations move on. Returns what did not add up.
    /// </summary>
    public List<Violation> Apply(IReadOnlyList<OpOutcome> outcomes, IReadOnlyDictionary<Guid, Observed> observed)
    {
        var violations = outcomes.SelectMany(o => o.Violations).ToList();
        var deletable = outcomes.SelectMany(o => o.Deletable).ToHashSet();
        if (outcomes.Any(o => o.DeletesByFilter))
        {
            deletable.UnionWith(outcomes.SelectMany(o => o.Touched));
        }

        var reported = outcomes.SelectMany(o => o.Reported.Concat(o.Touched)).ToHashSet();
        foreach (var id in Contacts.Keys.Where(id => !observed.ContainsKey(id)).ToList())
        {
            if (!deletable.Contains(id))
            {
                violations.Add(new Violation(Invariant.NothingLost, $"contact {Observed.Short(id)} is gone, but no operation of this step deleted it"));
            }

            Contacts.Remove(id);
        }

        SurvivedDelete.Clear();
        SurvivedDelete.UnionWith(deletable.Where(observed.ContainsKey));
        var uncertain = outcomes.Where(o => o.UncertainTiers is not null).ToList();
        var added = new HashSet<Guid>();
        foreach (var contact in observed.Values.Where(c => !Contacts.ContainsKey(c.Id)))
        {
            if (!reported.Contains(contact.Id))
            {
                violations.Add(new Violation(uncertain.Count > 0 ? Invariant.ExactlyOnceAbandoned : Invariant.ExactlyOnce,
                    $"contact {contact.Describe()} exists, but no answer of this step reported it"));
            }

            Contacts[contact.Id] = new Expected();
            added.Add(contact.Id);
        }

        foreach (var (id, expected) in Contacts)
        {
            var replacements = outcomes.SelectMany(o => o.TagReplacements).Where(r => r.Id == id).ToList();
            if (replacements.Count > 0)
            {
                // Whatever order the step's writes took, the contact holds at least what every replacement left.
                expected.MustTags = replacements.Select(r => Lower(r.Tags)).Aggregate((a, b) => [.. a.Intersect(b)]);
            }
            else
            {
                expected.MustTags.UnionWith(outcomes.SelectMany(o => o.TagAdds).Where(a => a.Id == id).SelectMany(a => Lower(a.Tags)));
            }

            expected.MustTags.ExceptWith(outcomes.SelectMany(o => o.TagRemovals).Where(r => r.Id == id).SelectMany(r => Lower(r.Tags)));

            var writes = outcomes.SelectMany(o => o.TierWrites).Where(w => w.Id == id).Select(w => w.Tier).ToHashSet();
            var restores = outcomes.SelectMany(o => o.TierRestores).Where(w => w.Id == id).Select(w => w.Tier).ToList();
            var prior = expected.AllowedTier;
            expected.AllowedTier = writes.Count > 0 ? writes : prior;
            if (restores.Count > 0)
            {
                expected.AllowedTier = [.. expected.AllowedTier, .. prior, .. restores];
            }

            foreach (var unsure in uncertain.Where(o => o.Touched.Contains(id)))
            {
                expected.AllowedTier = [.. expected.AllowedTier, .. prior, .. unsure.UncertainTiers!];
            }
        }

        // Set and cleared by operations of the same step (order unknown): the model no longer requires it.
        OptedOut.UnionWith(outcomes.SelectMany(o => o.OptOuts));
        OptedOut.ExceptWith(outcomes.SelectMany(o => o.OptInClears));

        foreach (var outcome in outcomes)
        {
            if (outcome.FinishedImport is { } import)
            {
                Imports.Add(import);
            }

            if (outcome.Revert is { } revert)
            {
                Reverted.Add(revert.ImportId);
            }

            BulkApplications += outcome.BulkApplications;
            foreach (var (key, answer) in outcome.Keys)
            {
                Keys[key] = answer;
            }
        }

        return violations;
    }

    /// <summary>
    /// After a step's checks (everything wrong is reported), the model takes what is there as the new baseline: from here
    /// on a contact must keep every tag it holds (unless a PATCH replaces them, a revert removes its import's, or it is
    /// deleted) and its field value changes only by a write.
    /// </summary>
    public void Resync(IReadOnlyDictionary<Guid, Observed> observed)
    {
        foreach (var (id, expected) in Contacts)
        {
            if (observed.TryGetValue(id, out var contact))
            {
                expected.MustTags = Lower(contact.Tags);
                expected.AllowedTier = [contact.Tier];
            }
        }
    }

    public static HashSet<string> Lower(IEnumerable<string> tags) => tags.Select(t => t.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
}
