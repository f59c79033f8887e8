using System.Globalization;
using System.Text;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// A date column's format. Format: one of <see cref="LocaleDates.Formats"/> (or <see cref="LocaleDates.ExcelSerial"/>), null
/// when the samples fit none, or when Ambiguous: both day-first and month-first fit every sample (e.g. 03/04/2024), so the user
/// is asked (Candidates), never answered by a silent swap.
/// </summary>
public sealed record DateFormatProposal(string? Format, IReadOnlyList<string> Candidates, bool Ambiguous, string Reason);

/// <summary>Dates as a file's locale writes them, read into ISO yyyy-MM-dd.</summary>
public static class LocaleDates
{
    public const string ExcelSerial = "excel-serial";

    /// <summary>The formats detected, day and month with one or two digits: ISO, day-first (/ . -), month-first (/).</summary>
    public static readonly IReadOnlyList<string> Formats = ["yyyy-MM-dd", "dd/MM/yyyy", "MM/dd/yyyy", "dd.MM.yyyy", "dd-MM-yyyy"];

    private static readonly Dictionary<string, string[]> Patterns = new(StringComparer.Ordinal)
    {
        ["yyyy-MM-dd"] = ["yyyy-MM-dd", "yyyy-M-d"],
        ["dd/MM/yyyy"] = ["dd/MM/yyyy", "d/M/yyyy"],
        ["MM/dd/yyyy"] = ["MM/dd/yyyy", "M/d/yyyy"],
        ["dd.MM.yyyy"] = ["dd.MM.yyyy", "d.M.yyyy"],
        ["dd-MM-yyyy"] = ["dd-MM-yyyy", "d-M-yyyy"],
    };

    /// <summary>Proposes the format every non-blank sample fits (Excel serial numbers too: whole numbers from 1 to 2958465).</summary>
    public static DateFormatProposal Detect(IReadOnlyList<string> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var cells = samples.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        if (cells.Count == 0)
        {
            return new(null, [], false, "No sample holds a date.");
        }

        var fitting = Formats.Append(ExcelSerial).Where(f => cells.All(c => TryParse(c, f, out _))).ToList();
        return fitting switch
        {
            [] => new(null, [], false, "The samples fit no date format (yyyy-MM-dd, dd/MM/yyyy, MM/dd/yyyy, dd.MM.yyyy, dd-MM-yyyy, Excel serial numbers)."),
            [var only] => new(only, fitting, false, $"Every sample is a date written {only}."),
            _ => new(null, fitting, true,
                $"Every sample fits both {string.Join(" and ", fitting)} (no day above 12): choose how the file writes dates, or a day and month would be swapped."),
        };
    }

    /// <summary>Reads a cell in the given format into ISO yyyy-MM-dd.</summary>
    public static bool TryParse(string? cell, string format, out string iso)
    {
        iso = "";
        var text = cell?.Trim() ?? "";
        if (format == ExcelSerial)
        {
            // Excel's day 1 is 1900-01-01 and it counts a 1900-02-29 that never was: serials from 61 on are one day ahead.
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) || serial is < 1 or > 2958465)
            {
                return false;
            }

            iso = new DateOnly(1899, 12, 31).AddDays(serial >= 61 ? serial - 1 : serial).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            return true;
        }

        if (!Patterns.TryGetValue(format, out var patterns)
            || !DateOnly.TryParseExact(text, patterns, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return false;
        }

        iso = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        return true;
    }
}

/// <summary>Numbers as a file's locale writes them: "1.234,56" or "1,234.56", read into invariant text "1234.56".</summary>
public static class LocaleNumbers
{
    /// <summary>
    /// The decimal separator the samples use: ',' when some sample has a comma followed by other than exactly three digits
    /// ("3,5") or a dot as a thousands separator before a comma ("1.234,56"), and no sample contradicts it; else '.'.
    /// </summary>
    public static char DetectDecimal(IReadOnlyList<string> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var cells = samples.Select(s => s.Trim()).Where(s => s.Length > 0).ToList();
        return cells.Any(c => IsDecimal(c, ',', '.')) && !cells.Any(c => IsDecimal(c, '.', ',')) ? ',' : '.';
    }

    // The separator is a decimal one in this cell: it is the last separator, and other than three digits follow it or the other separator comes before it.
    private static bool IsDecimal(string cell, char separator, char other)
    {
        var i = cell.LastIndexOf(separator);
        return i >= 0 && cell.IndexOf(other, i) < 0 && (cell.Length - i - 1 != 3 || cell.IndexOf(other, StringComparison.Ordinal) is >= 0);
    }

    /// <summary>Reads a number with the given decimal separator; the other of '.' and ',', spaces and apostrophes group thousands.</summary>
    public static bool TryParse(string? cell, char decimalSeparator, out string invariant)
    {
        invariant = "";
        var text = (cell ?? "").Trim();
        var thousands = decimalSeparator == ',' ? '.' : ',';
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c == thousands || c is ' ' or '\u00A0' or '\u202F' or '\'')
            {
                continue;
            }

            builder.Append(c == decimalSeparator ? '.' : c);
        }

        if (!decimal.TryParse(builder.ToString(), NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        invariant = value.ToString(CultureInfo.InvariantCulture);
        return true;
    }
}

/// <summary>Yes/no cells as people write them, in the languages of the product's markets.</summary>
public static class LocaleBooleans
{
    private static readonly HashSet<string> True = new(StringComparer.OrdinalIgnoreCase) { "yes", "y", "true", "1", "x", "ja", "j", "oui", "sí", "si", "wahr", "vrai", "on", "✓" };
    private static readonly HashSet<string> False = new(StringComparer.OrdinalIgnoreCase) { "no", "n", "false", "0", "nein", "non", "falsch", "faux", "off" };

    /// <summary>yes/no, true/false, 1/0, x, ja/nein, oui/non, sí/no (case-insensitive, trimmed). A blank cell is not given, so false is not returned for it.</summary>
    public static bool TryParse(string? cell, out bool value)
    {
        var text = (cell ?? "").Trim();
        value = True.Contains(text);
        return value || False.Contains(text);
    }
}
