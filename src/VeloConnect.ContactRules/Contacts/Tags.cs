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
    public static IReadOnlyList<string> Distinct(IEnumerable<string?> tags)
    {
        var seen = new HashSet<string>(Comparer);
        var result = new List<string>();
        foreach (var raw in tags)
        {
            var tag = raw?.Trim();
            if (!string.IsNullOrEmpty(tag) && seen.Add(tag))
            {
                result.Add(tag);
            }
        }

        return result;
    }

    /// <summary>The union of existing and added tags: existing ones first, unchanged; new ones appended.</summary>
    public static IReadOnlyList<string> Union(IReadOnlyList<string> existing, IEnumerable<string> added) =>
        Distinct(existing.Concat(added));

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
