using System.Globalization;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// <c>--mapping "Name=name,Mobile=phone,E-mail=email"</c>: a target per named column (by its header as the analysis shows it,
/// in any case, or by its 1-based number); the columns not named are not imported. It is the whole mapping, so what a run
/// imports never depends on a suggestion the user did not see.
/// </summary>
public static class MappingArgument
{
    public static bool TryParse(string text, IReadOnlyList<string> headers, out IReadOnlyList<string> columns, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(headers);
        var targets = Enumerable.Repeat(ColumnTarget.Ignore.ToString(), headers.Count).ToArray();
        var named = new HashSet<int>();
        columns = targets;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            if (eq <= 0)
            {
                error = $"'{part}' in --mapping is not Header=target (e.g. Mobile=phone).";
                return false;
            }

            var column = part[..eq].Trim();
            var index = FindColumn(column, headers);
            if (index < 0)
            {
                error = $"--mapping names a column '{column}' that the file does not have. Its columns: {string.Join(", ", headers.Select(h => $"'{h}'"))} (or their numbers, 1 to {headers.Count}).";
                return false;
            }

            if (!named.Add(index))
            {
                error = $"--mapping names the column '{headers[index]}' twice; give each column one target.";
                return false;
            }

            if (!ColumnTarget.TryParse(part[(eq + 1)..], out var target))
            {
                error = $"'{part[(eq + 1)..].Trim()}' (for '{column}') is not a target; use name, phone, phone_additional, email, tags, field:<key> or ignore.";
                return false;
            }

            targets[index] = target.ToString();
        }

        error = null;
        return true;
    }

    /// <summary>
    /// <c>--date-format "Born=dd/MM/yyyy,Joined=MM/dd/yyyy"</c>: the date format of named columns (by header or 1-based number),
    /// for a date column whose values read both day-first and month-first. The formats are <see cref="LocaleDates.Formats"/>.
    /// </summary>
    public static bool TryParseDateFormats(string text, IReadOnlyList<string> headers, out IReadOnlyDictionary<int, string> formats, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(headers);
        var found = new Dictionary<int, string>();
        formats = found;
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.LastIndexOf('=');
            var format = eq <= 0 ? null : LocaleDates.Formats.FirstOrDefault(f => string.Equals(f, part[(eq + 1)..].Trim(), StringComparison.OrdinalIgnoreCase));
            if (format is null)
            {
                error = $"'{part}' in --date-format is not Header=format; the formats are {string.Join(", ", LocaleDates.Formats)} (e.g. Born=dd/MM/yyyy).";
                return false;
            }

            var column = part[..eq].Trim();
            var index = FindColumn(column, headers);
            if (index < 0)
            {
                error = $"--date-format names a column '{column}' that the file does not have. Its columns: {string.Join(", ", headers.Select(h => $"'{h}'"))}.";
                return false;
            }

            found[index] = format;
        }

        error = null;
        return true;
    }

    private static int FindColumn(string column, IReadOnlyList<string> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), column, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return int.TryParse(column, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1 && number <= headers.Count ? number - 1 : -1;
    }
}
