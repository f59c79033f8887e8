using System.Globalization;
using VeloConnect.ContactRules.Imports;

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
