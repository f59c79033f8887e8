using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

/// <summary>The checks after each step, as pure functions of the model and what the API shows.</summary>
public static class Invariants
{
    /// <summary>1. A contact holding an address the model knows is opted out on a channel must show opted_out on it.</summary>
    public static IEnumerable<Violation> OptOuts(Model model, IReadOnlyDictionary<Guid, Observed> observed, OptOutScope scope)
    {
        foreach (var contact in observed.Values)
        {
            foreach (var channel in Observed.Channels)
            {
                var carried = contact.AddressesFor(channel, scope).Where(a => model.OptedOut.Contains((a, channel))).ToList();
                var status = contact.OptIns[channel].Status;
                if (carried.Count > 0 && status != "opted_out")
                {
                    yield return new Violation(Invariant.OptOut,
                        $"{string.Join(", ", carried)} was opted out on {channel} (no explicit opt-in since), but contact {contact.Describe()} holding it shows {channel} {status}");
                }
            }
        }
    }

    /// <summary>2. No two contacts share a phone or an email (emails in any case).</summary>
    public static IEnumerable<Violation> Unique(IReadOnlyDictionary<Guid, Observed> observed)
    {
        foreach (var shared in observed.Values.SelectMany(c => c.Addresses.Select(a => (Address: a, Contact: c))).GroupBy(x => x.Address).Where(g => g.Count() > 1))
        {
            yield return new Violation(Invariant.Unique,
                $"{shared.Key} is held by {shared.Count()} contacts: {string.Join(" | ", shared.Select(x => x.Contact.Describe()))}");
        }
    }

    /// <summary>6. Every surviving contact holds at least the tags the model requires and one of the field values it allows.</summary>
    public static IEnumerable<Violation> NothingLost(Model model, IReadOnlyDictionary<Guid, Observed> observed)
    {
        foreach (var (id, expected) in model.Contacts)
        {
            if (!observed.TryGetValue(id, out var contact))
            {
                continue;
            }

            var missing = expected.MustTags.Except(Model.Lower(contact.Tags)).ToList();
            if (missing.Count > 0)
            {
                yield return new Violation(Label(model, id), $"contact {contact.Describe()} lost tag(s) {string.Join(", ", missing)} (it must hold {string.Join(", ", expected.MustTags.Order())})");
            }

            if (!expected.AllowedTier.Contains(contact.Tier))
            {
                yield return new Violation(Label(model, id),
                    $"contact {contact.Describe()} has tier {contact.Tier ?? "null"}; the writes it saw allow only {string.Join(" or ", expected.AllowedTier.Select(t => t ?? "null"))}");
            }
        }
    }

    private static string Label(Model model, Guid id) => model.SurvivedDelete.Contains(id) ? Invariant.NothingLostAfterDelete : Invariant.NothingLost;

    /// <summary>
    /// 5. A revert, judged for each contact of the import's journal that no other operation of its step touched, by the
    /// documented rule: a contact the import created and nothing changed since (data, or an opt-in set after the import)
    /// is deleted; one it updated whose parts the import changed are all still as the import left them gets those parts
    /// back (unless a phone or email it would take back is another contact's, or carries a retained opt-out); every other
    /// contact is kept as it was. A revert asked for again changes nothing.
    /// </summary>
    public static IEnumerable<Violation> Revert(RevertObservation revert, IReadOnlySet<Guid> touchedByOthers)
    {
        if (revert.Status != "finished")
        {
            yield return new Violation(Invariant.Revert, $"the revert of import {Observed.Short(revert.ImportId)} ended {revert.Status}: {revert.Response.ToJsonString()}");
            yield break;
        }

        var counts = revert.Response["counts"]!;
        var total = counts["deleted"]!.GetValue<int>() + counts["restored"]!.GetValue<int>() + counts["kept"]!.GetValue<int>() + counts["unchanged"]!.GetValue<int>();
        if (total != revert.Journal.Count)
        {
            yield return new Violation(Invariant.Revert, $"the revert of import {Observed.Short(revert.ImportId)} counts {counts.ToJsonString()} ({total}) for {revert.Journal.Count} journal entries");
        }

        var kept = revert.Response["kept"]!.AsArray().Select(k => k!["contactId"]!.GetValue<Guid>()).ToHashSet();
        foreach (var entry in revert.Journal.Where(e => !touchedByOthers.Contains(e.ContactId)))
        {
            var before = revert.Before.GetValueOrDefault(entry.ContactId);
            var after = revert.After.GetValueOrDefault(entry.ContactId);
            var allowed = revert.AlreadyReverted ? [Snapshot.Of(before)] : Allowed(entry, before, revert, touchedByOthers);
            if (kept.Contains(entry.ContactId) && !revert.AlreadyReverted)
            {
                allowed = [.. allowed.Where(a => Snapshot.Same(a, Snapshot.Of(before)))];
            }

            if (!allowed.Any(a => Snapshot.Same(a, Snapshot.Of(after))))
            {
                yield return new Violation(Invariant.Revert,
                    $"revert of import {Observed.Short(revert.ImportId)}{(revert.AlreadyReverted ? " (asked again)" : "")}, contact {Observed.Short(entry.ContactId)} "
                    + $"(journal: {(entry.Before is null ? "created" : "before " + entry.Before)} → after {entry.After}{(kept.Contains(entry.ContactId) ? "; listed as kept" : "")}): "
                    + $"before the revert {Snapshot.Of(before)?.ToString() ?? "gone"}, after it {Snapshot.Of(after)?.ToString() ?? "gone"}; "
                    + $"allowed: {string.Join(" or ", allowed.Select(a => a?.ToString() ?? "gone"))}");
            }
        }
    }

    private static List<Snapshot?> Allowed(JournalRow entry, Observed? current, RevertObservation revert, IReadOnlySet<Guid> touchedByOthers)
    {
        var now = Snapshot.Of(current);
        if (now is null)
        {
            return [null];
        }

        if (entry.Before is null)
        {
            var optInSince = current!.OptIns.Values.Any(o => o.SetAt > entry.At);
            var looseSame = Snapshot.Same(now, entry.After);
            if (optInSince || !looseSame)
            {
                return [now];
            }

            return Snapshot.Strict(now, entry.After) ? [null] : [null, now];
        }

        var before = entry.Before;
        var parts = Snapshot.Parts(before, entry.After).Where(p => p.Strict(before) != p.Strict(entry.After)).ToList();
        if (parts.Count == 0 || parts.All(p => p.Strict(now) == p.Strict(before)))
        {
            return [now];
        }

        if (parts.Any(p => p.Loose(now) != p.Loose(entry.After)))
        {
            return [now];
        }

        var restored = parts.Aggregate(now, (data, part) => part.Restore(data, before));
        var gained = restored.Addresses.Except(now.Addresses).ToList();
        IEnumerable<Observed> Holders(IReadOnlyDictionary<Guid, Observed> contacts) => contacts.Values.Where(c => c.Id != entry.ContactId && gained.Any(c.Addresses.Contains));
        var deletedByThisRevert = revert.Journal.Where(e => e.Before is null).Select(e => e.ContactId).ToHashSet();
        if (Holders(revert.Before).Any(c => !touchedByOthers.Contains(c.Id) && !deletedByThisRevert.Contains(c.Id)))
        {
            return [now];
        }

        // Taken or given up by another contact while the revert ran (an operation of the same step, or a contact the
        // import created, which this revert deletes): either may have come first.
        if (Holders(revert.Before).Concat(Holders(revert.After)).Any())
        {
            return [restored, now];
        }

        // A retained opt-out on an address it would take back keeps the contact today; a revert that takes it back
        // with the opt-out (the issue's "most restrictive wins") is allowed too.
        var ambiguous = parts.Any(p => p.Strict(now) != p.Strict(entry.After)) || gained.Any(revert.Retained.Contains);
        return ambiguous ? [restored, now] : [restored];
    }
}

/// <summary>One contact's data for the revert checks: name, phones, email, tags, the field value.</summary>
public sealed record Snapshot(string? Name, IReadOnlyList<string> Phones, string? Email, IReadOnlyList<string> Tags, string? Tier)
{
    public IEnumerable<string> Addresses => Phones.Select(Pools.PhoneAddress).Concat(Email is { } e ? [Pools.EmailAddress(e)] : []);

    public static Snapshot? Of(Observed? contact) => contact is null ? null : new(contact.Name, contact.Phones, contact.Email, contact.Tags, contact.Tier);

    /// <summary>A journal's before or after (<c>{name, phones, email, tags, custom, agent}</c>).</summary>
    public static Snapshot FromJournal(JsonNode json) => new(
        json["name"]?.GetValue<string>(),
        Observed.Strings(json["phones"]),
        json["email"]?.GetValue<string>(),
        Observed.Strings(json["tags"]),
        json["custom"]?[ModelStack.FieldKey]?.GetValue<string>());

    /// <summary>The same contact data, loosely: phones and tags as sets, emails and tags in any case.</summary>
    public static bool Same(Snapshot? a, Snapshot? b) =>
        a is null || b is null ? a is null && b is null : Parts(a, b).All(p => p.Loose(a) == p.Loose(b));

    /// <summary>Exactly the same: phone order, email spelling, tag spelling.</summary>
    public static bool Strict(Snapshot a, Snapshot b) => Parts(a, b).All(p => p.Strict(a) == p.Strict(b));

    /// <summary>The parts an import can change, each compared on its own: name, phones, email, field, each tag.</summary>
    public static IEnumerable<Part> Parts(Snapshot a, Snapshot b)
    {
        yield return new Part("name", s => s.Name, s => s.Name, (s, from) => s with { Name = from.Name });
        yield return new Part("phones", s => string.Join(",", s.Phones), s => string.Join(",", s.Phones.Order(StringComparer.Ordinal)), (s, from) => s with { Phones = from.Phones });
        yield return new Part("email", s => s.Email, s => s.Email?.ToLowerInvariant(), (s, from) => s with { Email = from.Email });
        yield return new Part("tier", s => s.Tier, s => s.Tier, (s, from) => s with { Tier = from.Tier });
        foreach (var key in a.Tags.Concat(b.Tags).Select(t => t.ToLowerInvariant()).Distinct())
        {
            yield return new Part("tag " + key, s => s.Tags.FirstOrDefault(t => t.ToLowerInvariant() == key), s => s.Tags.Any(t => t.ToLowerInvariant() == key) ? key : null,
                (s, from) => s with
                {
                    Tags = [.. s.Tags.Where(t => t.ToLowerInvariant() != key), .. from.Tags.Where(t => t.ToLowerInvariant() == key)],
                });
        }
    }

    public override string ToString() =>
        $"{{name {Name ?? "-"} phones [{string.Join(",", Phones)}] email {Email ?? "-"} tags [{string.Join(",", Tags)}] tier {Tier ?? "-"}}}";

    public sealed record Part(string Label, Func<Snapshot, string?> Strict, Func<Snapshot, string?> Loose, Func<Snapshot, Snapshot, Snapshot> Restore);
}

/// <summary>An import's journal entry as the database holds it.</summary>
public sealed record JournalRow(Guid ContactId, Snapshot? Before, Snapshot After, DateTimeOffset At);

/// <summary>A revert as one operation saw it: the journal, every contact before and after, the retained opt-outs, the answer.</summary>
public sealed record RevertObservation(
    Guid ImportId,
    bool AlreadyReverted,
    IReadOnlyList<JournalRow> Journal,
    IReadOnlyDictionary<Guid, Observed> Before,
    IReadOnlyDictionary<Guid, Observed> After,
    IReadOnlySet<string> Retained,
    string Status,
    JsonNode Response);
