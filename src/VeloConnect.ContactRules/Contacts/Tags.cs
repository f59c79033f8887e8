namespace VeloConnect.ContactRules.Contacts;

/// <summary>Tags are a set: no duplicates, matched case-insensitively, the first spelling kept. Imports add tags, never replace them.</summary>
public static class Tags
{
    public const int MaxLength = 100;

    public static readonly StringComparer Comparer = StringComparer.OrdinalIgnoreCase;

    /// <summary>The key a tag filter matches on.</summary>
    public static string Key(string tag) => tag.Trim().ToLowerInvariant();

    /// <summary>Splits a cell such as "vip, newsletter,,Pro" on commas; parts are trimmed and empty ones dropped.</summary>
    public static IReadOnlyList<string> SplitCell(string? cell) =>
        string.IsNullOrWhiteSpace(cell) ? [] : Distinct(cell.Split(','));

    /// <summary>Trims, drops blanks and case-insensitive duplicates (first spelling kept).</summary>
    public static IReadOnlyList<string> Distinct(IEnumerable<string?> tags) => Append([], tags);

    /// <summary>
    /// The union of existing and added tags: existing ones first, unchanged; new ones appended. Distinct existing tags
    /// that gain nothing are returned as they are (a merge that adds no tag allocates nothing).
    /// </summary>
    public static IReadOnlyList<string> Union(IReadOnlyList<string> existing, IEnumerable<string> added) =>
        existing.Count <= ListedAtMost && AreDistinct(existing) ? Append(existing, added) : Append([], existing.Concat(added));

    // Up to this many tags, duplicates are found by searching the list; past it, by a set.
    private const int ListedAtMost = 16;

    // Appends to distinct tags (at most ListedAtMost of them) the added ones that are new, trimmed: the same list when none is.
    private static IReadOnlyList<string> Append(IReadOnlyList<string> kept, IEnumerable<string?> added)
    {
        List<string>? result = null;
        HashSet<string>? seen = null;
        foreach (var raw in added)
        {
            var tag = raw?.Trim();
            if (string.IsNullOrEmpty(tag) || (seen is null ? IndexOf(result ?? kept, tag) >= 0 : !seen.Add(tag)))
            {
                continue;
            }

            result ??= [.. kept];
            result.Add(tag);
            if (seen is null && result.Count > ListedAtMost)
            {
                seen = new HashSet<string>(result, Comparer);
            }
        }

        return result ?? kept;
    }

    private static int IndexOf(IReadOnlyList<string> tags, string tag)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            if (Comparer.Equals(tags[i], tag))
            {
                return i;
            }
        }

        return -1;
    }

    // What Distinct would return unchanged: no blank, untrimmed or repeated tag.
    private static bool AreDistinct(IReadOnlyList<string> tags)
    {
        for (var i = 0; i < tags.Count; i++)
        {
            var tag = tags[i];
            if (string.IsNullOrEmpty(tag) || char.IsWhiteSpace(tag[0]) || char.IsWhiteSpace(tag[^1]))
            {
                return false;
            }

            for (var j = 0; j < i; j++)
            {
                if (Comparer.Equals(tags[j], tag))
                {
                    return false;
                }
            }
        }

        return true;
    }

    public static string? Validate(IEnumerable<string> tags)
    {
        foreach (var tag in tags)
        {
            if (tag.Length > MaxLength)
            {
                return $"Tag '{tag[..20]}…' is longer than {MaxLength} characters.";
            }

            // Exports join tags with commas and imports split on them, so a comma inside a tag would not survive the round trip.
            if (tag.Contains(','))
            {
                return $"Tag '{tag}' contains a comma; commas separate tags in a CSV cell, so use another character.";
            }
        }

        return null;
    }
}
