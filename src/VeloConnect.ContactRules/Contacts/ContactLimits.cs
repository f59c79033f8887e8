using System.Globalization;

namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// How much one contact may hold: at most <see cref="MaxPhones"/> phones and <see cref="MaxTags"/> tags. A write that gives
/// more is refused (API create and PATCH: a per-field 400; a bulk item: an error; an import row: invalid). A merge (an import
/// row or a bulk item matching a contact) never drops what the contact has: it adds new phones and tags in the order given
/// while there is room, and names the ones it did not add in a warning.
/// </summary>
public static class ContactLimits
{
    public const int MaxPhones = 20;
    public const int MaxTags = 100;

    // A warning names this many of the values it did not add, then how many more.
    private const int Named = 10;

    /// <summary>The message for more phones than a contact holds, or null within the limit.</summary>
    public static string? TooManyPhones(int count) => count <= MaxPhones ? null : string.Create(CultureInfo.InvariantCulture,
        $"{count:N0} phones were given, but a contact holds at most {MaxPhones} phones: keep the {MaxPhones} that matter (the first is the primary) and send them again.");

    /// <summary>The message for more tags than a contact holds, or null within the limit.</summary>
    public static string? TooManyTags(int count) => count <= MaxTags ? null : string.Create(CultureInfo.InvariantCulture,
        $"{count:N0} tags were given, but a contact holds at most {MaxTags} tags: remove the ones you do not filter by (or combine similar ones) and send them again.");

    /// <summary>
    /// The merged data within the limits: every phone and tag <paramref name="before"/> had is kept (even past a limit, as
    /// stored before the limits existed); the merge's new ones are kept in their order while there is room. A new primary
    /// phone that does not fit leaves the contact's primary as it is. Each kind of value not added gets a warning.
    /// </summary>
    public static ContactData KeepWithin(ContactData before, ContactData merged, ICollection<string> warnings)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(warnings);
        if (merged.Phones.Count <= MaxPhones && merged.Tags.Count <= MaxTags)
        {
            // Within both limits, whatever it had: nothing to leave out (the common case, decided without sets).
            return merged;
        }

        var (phones, phonesLeft) = Fit(before.Phones, merged.Phones, MaxPhones, StringComparer.Ordinal);
        var (tags, tagsLeft) = Fit(before.Tags, merged.Tags, MaxTags, Tags.Comparer);
        if (phonesLeft.Count > 0)
        {
            warnings.Add($"{List("Phone", "Phones", phonesLeft, p => p)} not added: a contact holds at most {MaxPhones} phones and this one has {phones.Count} "
                + "(it keeps every phone it had). Remove phones it no longer uses and send these again.");
        }

        if (tagsLeft.Count > 0)
        {
            warnings.Add($"{List("Tag", "Tags", tagsLeft, t => $"'{t}'")} not added: a contact holds at most {MaxTags} tags and this one has {tags.Count} "
                + "(it keeps every tag it had). Remove tags it no longer needs and send these again.");
        }

        return phonesLeft.Count == 0 && tagsLeft.Count == 0 ? merged : merged with { Phones = phones, Tags = tags };
    }

    private static (List<string> Kept, List<string> Left) Fit(IReadOnlyList<string> had, IReadOnlyList<string> merged, int limit, StringComparer comparer)
    {
        var old = new HashSet<string>(had, comparer);
        var room = limit - merged.Count(old.Contains);
        List<string> kept = [], left = [];
        foreach (var value in merged)
        {
            if (old.Contains(value))
            {
                kept.Add(value);
            }
            else if (room > 0)
            {
                kept.Add(value);
                room--;
            }
            else
            {
                left.Add(value);
            }
        }

        return (kept, left);
    }

    private static string List(string one, string many, List<string> values, Func<string, string> show)
    {
        var shown = string.Join(", ", values.Take(Named).Select(show));
        var more = values.Count > Named ? string.Create(CultureInfo.InvariantCulture, $" and {values.Count - Named:N0} more") : "";
        return values.Count == 1 ? $"{one} {shown}" : $"{many} {shown}{more}";
    }
}
