namespace VeloConnect.ContactRules.Imports;

/// <summary>The names the wizard shows for a file's columns: one per column, no two equal (case-insensitively).</summary>
public static class HeaderNames
{
    /// <summary>How messages name column <paramref name="index"/> (0-based): its header, trimmed, or "Column n" when it has none.</summary>
    public static string Display(IReadOnlyList<string>? headers, int index) =>
        headers is not null && index < headers.Count && !string.IsNullOrWhiteSpace(headers[index]) ? headers[index].Trim() : $"Column {index + 1}";

    /// <summary>
    /// The names as given, except that a name already used (case-insensitively) by an earlier column gets the next free
    /// " (n)" from 2: "Email", "email (2)", "EMAIL (3)"; a suffixed name a real header already holds is skipped. Each name
    /// remembers the next number to try, so n equal names take linear time, not n² (a header of 20,000 equal cells took
    /// 15 s that way).
    /// </summary>
    public static IReadOnlyList<string> Unique(IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(names);
        var result = new List<string>(names.Count);
        var used = new HashSet<string>(names.Count, StringComparer.OrdinalIgnoreCase);
        var next = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in names)
        {
            if (used.Add(name))
            {
                result.Add(name);
                continue;
            }

            // A candidate is tried once per name: the counter only moves forward, and "x (n)" is a candidate of "x" alone.
            var n = next.GetValueOrDefault(name, 2);
            var unique = $"{name} ({n})";
            while (!used.Add(unique))
            {
                unique = $"{name} ({++n})";
            }

            next[name] = n + 1;
            result.Add(unique);
        }

        return result;
    }
}
