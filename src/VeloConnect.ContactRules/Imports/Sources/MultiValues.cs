namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>The separator proposed for a column of several values per cell; Name is for the UI ("comma", "semicolon", "pipe", "Google's ' ::: '").</summary>
public sealed record SeparatorProposal(string Separator, string Name, string Reason);

/// <summary>A cell split into values: Values kept in order (trimmed, blanks and repeats dropped), Dropped the system values left out.</summary>
public sealed record SplitValues(IReadOnlyList<string> Values, IReadOnlyList<string> Dropped);

/// <summary>Multi-value cells (tags, groups, categories): which separator a column uses, and the values of a cell.</summary>
public static class MultiValues
{
    public const string GoogleSeparator = " ::: ";

    /// <summary>The separators a user can choose, in the order a tie is settled.</summary>
    public static readonly IReadOnlyList<string> Separators = [GoogleSeparator, ";", "|", ","];

    /// <summary>
    /// The column's separator from its sample cells: Google's " ::: " when any cell has ":::", else the one of ";", "|" and ","
    /// found in the most cells (ties in that order), else "," (what a single-value column is split on today). Overridable.
    /// </summary>
    public static SeparatorProposal Detect(IReadOnlyList<string> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var cells = samples.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        if (cells.Any(c => c.Contains(":::", StringComparison.Ordinal)))
        {
            return new(GoogleSeparator, Name(GoogleSeparator), "Cells separate values with ' ::: ', as Google Contacts exports groups.");
        }

        var best = Separators.Skip(1)
            .Select((s, order) => (Separator: s, Order: order, Cells: cells.Count(c => c.Contains(s, StringComparison.Ordinal))))
            .Where(x => x.Cells > 0)
            .OrderByDescending(x => x.Cells).ThenBy(x => x.Order)
            .FirstOrDefault();
        return best.Separator is null
            ? new(",", Name(","), "No sample cell holds several values; commas would separate them.")
            : new(best.Separator, Name(best.Separator), $"{best.Cells} of {cells.Count} sample cells separate values with a {Name(best.Separator)}.");
    }

    /// <summary>
    /// The values of a cell split on separator (Google's " ::: " is also taken as ":::" without spaces). Values are trimmed and
    /// unquoted (Mailchimp writes "VIP","Pro"); when dropSystemValues, values Google marks as its own groups with a "* " prefix
    /// ("* myContacts", "* starred") are left out and listed in Dropped, so the caller can tell the user.
    /// </summary>
    public static SplitValues Split(string? cell, string separator, bool dropSystemValues = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(separator);
        var values = new List<string>();
        var dropped = new List<string>();
        if (string.IsNullOrWhiteSpace(cell))
        {
            return new(values, dropped);
        }

        var parts = separator.Trim() == ":::" ? cell.Split(":::") : cell.Split(separator);
        foreach (var part in parts)
        {
            var value = part.Trim();
            value = value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1].Trim() : value;
            if (value.Length == 0)
            {
                continue;
            }

            if (dropSystemValues && IsSystemValue(value))
            {
                dropped.Add(value);
            }
            else if (!values.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                values.Add(value);
            }
        }

        return new(values, dropped);
    }

    /// <summary>A group a source sets itself, not the user: Google marks them with "* " ("* myContacts", "* starred").</summary>
    public static bool IsSystemValue(string value) => value.TrimStart().StartsWith("* ", StringComparison.Ordinal);

    public static string Name(string separator) => separator switch
    {
        GoogleSeparator => "Google's ' ::: '",
        ";" => "semicolon",
        "|" => "pipe",
        "," => "comma",
        _ => $"'{separator}'",
    };
}
