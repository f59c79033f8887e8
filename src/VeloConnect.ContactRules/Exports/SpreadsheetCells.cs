using System.Text.RegularExpressions;

namespace VeloConnect.ContactRules.Exports;

/// <summary>
/// Cells a spreadsheet would run as a formula (starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or CR) are
/// neutralised with a leading single quote, which spreadsheets read as "text". Genuine numbers (<c>-42</c>,
/// <c>+3.5</c>) and E.164 phones (<c>+14155550100</c>, or a comma-separated list of them) stay as they are: they evaluate to themselves, and a phone
/// column full of quotes would not re-import as phones. A value that already starts with quotes before such a
/// character gains one more, so <see cref="Restore"/> gives back exactly what was exported.
/// </summary>
public static partial class SpreadsheetCells
{
    private const char Quote = '\'';

    public static string Neutralise(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return NeedsQuote(value) ? Quote + value : value;
    }

    /// <summary>Whether <see cref="Neutralise"/> puts a quote before this cell (the export writes it without building the string).</summary>
    public static bool NeedsQuote(ReadOnlySpan<char> value)
    {
        var firstUnquoted = value.IndexOfAnyExcept(Quote);
        if (value.IsEmpty || firstUnquoted < 0 || !IsTrigger(value[firstUnquoted]))
        {
            return false;
        }

        return firstUnquoted != 0 || !IsInert(value);
    }

    /// <summary>Undoes <see cref="Neutralise"/> (imports read exported files, and files where a user typed the quote to force text).</summary>
    public static string Restore(string value)
    {
        if (value.Length < 2 || value[0] != Quote)
        {
            return value;
        }

        var firstUnquoted = value.AsSpan().IndexOfAnyExcept(Quote);
        return firstUnquoted > 0 && IsTrigger(value[firstUnquoted]) ? value[1..] : value;
    }

    private static bool IsTrigger(char c) => c is '=' or '+' or '-' or '@' or '\t' or '\r';

    private static bool IsInert(ReadOnlySpan<char> value) => IsOnePhone(value) || Number().IsMatch(value) || E164().IsMatch(value);

    /// <summary>The common case without a regex: one E.164 phone (what <see cref="E164"/> matches without a comma).</summary>
    private static bool IsOnePhone(ReadOnlySpan<char> value) =>
        value.Length is >= 8 and <= 16 && value[0] == '+' && value[1] is >= '1' and <= '9' && !value[2..].ContainsAnyExceptInRange('0', '9');

    [GeneratedRegex(@"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\z", RegexOptions.CultureInvariant)]
    private static partial Regex Number();

    // One E.164 phone, or several joined with commas (an export's additional phones): digits only, nothing to run.
    [GeneratedRegex(@"^\+[1-9]\d{6,14}(, ?\+[1-9]\d{6,14})*\z", RegexOptions.CultureInvariant)]
    private static partial Regex E164();
}
