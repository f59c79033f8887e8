namespace VeloConnect.ContactRules.Contacts;

/// <summary>What an import did to one contact, as its journal recorded it.</summary>
/// <param name="Before">The contact's data before the import's first change; null when the import created it.</param>
/// <param name="After">The data the import's last change left.</param>
/// <param name="At">When the import last changed the contact.</param>
public sealed record JournalEntry(Guid ContactId, ContactData? Before, ContactData After, DateTimeOffset At)
{
    public bool Created => Before is null;
}

public enum RevertAction
{
    /// <summary>The import created the contact and nothing changed it since: delete it.</summary>
    Delete,

    /// <summary>Put back what the import changed (<see cref="RevertDecision.Restored"/>).</summary>
    Restore,

    /// <summary>Something changed the contact since the import (or restoring would take something from someone): leave it, list it.</summary>
    Keep,

    /// <summary>Nothing left to undo (already deleted, already as before, or the import changed nothing).</summary>
    Nothing,
}

/// <summary>
/// A decision for one contact. <see cref="Restored"/> is the data to write for <see cref="RevertAction.Restore"/>;
/// <see cref="Gained"/> and <see cref="Freed"/> are the phones and email that write takes back and gives up.
/// </summary>
public sealed record RevertDecision(RevertAction Action, ContactData? Restored, IReadOnlyList<Identifier> Gained, IReadOnlyList<Identifier> Freed, IReadOnlyList<string> Reasons)
{
    public static RevertDecision Keep(params IReadOnlyList<string> reasons) => new(RevertAction.Keep, null, [], [], reasons);

    public static RevertDecision Nothing(string reason) => new(RevertAction.Nothing, null, [], [], [reason]);
}

/// <summary>
/// Decides how to undo an import for one contact, from its journal entry and the contact as it is now. The decision is
/// per contact: a contact that anything changed since the import (in a part the import touched, or for a contact the
/// import created, anywhere) is kept whole and listed with the reasons, never half restored. Restoring touches only what
/// the import changed; changes made since to other parts stay. Opt-ins are never part of a decision's write, and a restore
/// that would take back an address whose opt-out would change the contact's consent is not made.
/// </summary>
public static class ImportRevert
{
    /// <param name="current">The contact as stored now; null when it no longer exists.</param>
    /// <param name="lastOptInChange">When an opt-in or opt-out of the contact was last set (null: never).</param>
    /// <param name="owners">The owners of identifiers a restore would take back (absent: nobody owns it).</param>
    /// <param name="optOuts">The opt-outs the identifiers a restore would take back carry, and the channels the contact is opted out of now.</param>
    public static RevertDecision Decide(JournalEntry entry, ContactData? current, DateTimeOffset? lastOptInChange,
        IReadOnlyDictionary<Identifier, Guid> owners, OptOutView optOuts)
    {
        if (entry.Before is not { } before)
        {
            return DecideCreated(entry, current, lastOptInChange);
        }

        if (current is null)
        {
            return RevertDecision.Keep("deleted since the import: nothing to restore");
        }

        var changedByImport = Parts(before, entry.After).Where(p => p.Read(before) != p.Read(entry.After)).ToList();
        if (changedByImport.Count == 0)
        {
            return RevertDecision.Nothing("the import changed nothing on this contact");
        }

        if (changedByImport.All(p => p.Read(current) == p.Read(before)))
        {
            return RevertDecision.Nothing("already as before the import");
        }

        var changedSince = changedByImport.Where(p => p.Read(current) != p.Read(entry.After)).ToList();
        if (changedSince.Count > 0)
        {
            return RevertDecision.Keep(ChangedSince(changedSince));
        }

        var restored = changedByImport.Aggregate(current, (data, part) => part.Restore(data, before));
        var now = current.Identifiers().ToHashSet();
        var gained = restored.Identifiers().Where(i => !now.Contains(i)).ToList();
        var blocked = new List<string>();
        foreach (var identifier in gained)
        {
            if (owners.TryGetValue(identifier, out var owner) && owner != entry.ContactId)
            {
                blocked.Add($"{identifier.Describe()} now belongs to another contact ({owner}); it stays there");
            }
            else if (optOuts.Of(identifier).Where(c => !optOuts.OfContact(entry.ContactId).Contains(c)).ToList() is { Count: > 0 } channels)
            {
                // Taking it back would opt the contact out (most restrictive wins): a revert puts data back, it never changes consent.
                blocked.Add($"{identifier.Describe()} is opted out of {string.Join(" and ", channels.Select(OptIns.Name))}; taking it back would opt this contact out too");
            }
        }

        if (blocked.Count > 0)
        {
            return RevertDecision.Keep(blocked);
        }

        var kept = restored.Identifiers().ToHashSet();
        return new RevertDecision(RevertAction.Restore, restored, gained, [.. now.Where(i => !kept.Contains(i))], []);
    }

    private static RevertDecision DecideCreated(JournalEntry entry, ContactData? current, DateTimeOffset? lastOptInChange)
    {
        if (current is null)
        {
            return RevertDecision.Nothing("already deleted");
        }

        var reasons = new List<string>();
        var changedSince = Parts(entry.After, current).Where(p => p.Read(entry.After) != p.Read(current)).ToList();
        if (changedSince.Count > 0)
        {
            reasons.Add(ChangedSince(changedSince));
        }

        if (lastOptInChange > entry.At)
        {
            reasons.Add("an opt-in or opt-out was set after the import");
        }

        return reasons.Count > 0 ? RevertDecision.Keep(reasons) : new RevertDecision(RevertAction.Delete, null, [], [], []);
    }

    private static string ChangedSince(IEnumerable<Part> parts) => "changed since the import: " + string.Join(", ", parts.Select(p => p.Label));

    /// <summary>
    /// The parts of a contact an import can change, each compared on its own: name, phones (as one list: a merge may
    /// reorder them), email, assigned agent, each tag (present or not, in any case) and each custom field.
    /// </summary>
    private static IEnumerable<Part> Parts(ContactData a, ContactData b)
    {
        yield return new Part("name", d => d.Name, (d, from) => d with { Name = from.Name });
        yield return new Part("phones", d => string.Join(',', d.Phones), (d, from) => d with { Phones = from.Phones });
        yield return new Part("email", d => d.Email, (d, from) => d with { Email = from.Email });
        yield return new Part("assigned agent", d => d.AssignedAgentId?.ToString(), (d, from) => d with { AssignedAgentId = from.AssignedAgentId });
        foreach (var key in a.Tags.Concat(b.Tags).Select(Tags.Key).Distinct())
        {
            yield return new Part($"tag '{key}'", d => d.Tags.FirstOrDefault(t => Tags.Key(t) == key), (d, from) => RestoreTag(d, from, key));
        }

        foreach (var key in a.Custom.Keys.Concat(b.Custom.Keys).Distinct(StringComparer.Ordinal))
        {
            yield return new Part($"field '{key}'", d => d.Custom.GetValueOrDefault(key), (d, from) => RestoreCustom(d, from, key));
        }
    }

    private static ContactData RestoreTag(ContactData data, ContactData from, string key)
    {
        var tags = data.Tags.Where(t => Tags.Key(t) != key).ToList();
        if (from.Tags.FirstOrDefault(t => Tags.Key(t) == key) is { } tag)
        {
            tags.Add(tag);
        }

        return data with { Tags = tags };
    }

    private static ContactData RestoreCustom(ContactData data, ContactData from, string key)
    {
        var custom = new Dictionary<string, string>(data.Custom, StringComparer.Ordinal);
        if (from.Custom.TryGetValue(key, out var value))
        {
            custom[key] = value;
        }
        else
        {
            custom.Remove(key);
        }

        return data with { Custom = custom };
    }

    private sealed record Part(string Label, Func<ContactData, string?> Read, Func<ContactData, ContactData, ContactData> Restore);
}
