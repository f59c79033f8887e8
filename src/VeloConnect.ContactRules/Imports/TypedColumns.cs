using System.Globalization;
using System.Text;
using System.Text.Json;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// A column's date format as the whole column reads: <see cref="Format"/> when exactly one format reads every non-blank value
/// (ISO cells are read as ISO whatever the format, so a column of ISO dates only is "yyyy-MM-dd"); <see cref="Choices"/> every
/// format that does; <see cref="Ambiguous"/> when two or more do (day and month both at most 12): the user is asked.
/// </summary>
public sealed record ColumnDateFormat(string? Format, IReadOnlyList<string> Choices)
{
    public bool Ambiguous => Choices.Count > 1;
}

/// <summary>One distinct value of a column, how many rows hold it, and the select option it matches (null: none, or not a select target).</summary>
public sealed record ColumnValue(string Value, int Count, string? Option);

/// <summary>A column's values over the whole file, for the mapping step (see <see cref="TypedColumns.Summarise"/>).</summary>
public sealed record ColumnSummary(ColumnDateFormat Dates, string? DecimalSeparator, IReadOnlyList<ColumnValue> Values, int DistinctCount, int UnmatchedCount);

/// <summary>
/// Custom field values as a file's locale writes them, read through a column's options in the mapping: dates in the column's
/// format, numbers with its decimal separator, booleans as common words (<see cref="LocaleBooleans"/>), select values matching an
/// option case- and accent-insensitively, then through the column's value map. The JSON API keeps <see cref="FieldValues"/>'
/// stricter reading; imports read cells here.
/// </summary>
public static class TypedColumns
{
    public const int MaxListedValues = 500;

    /// <summary>The decimal separators a number column may have.</summary>
    public static readonly IReadOnlyList<string> DecimalSeparators = [".", ","];

    /// <summary>
    /// The date format of a column from its distinct non-blank values (ISO ones set aside, they read as ISO anyway, and so are
    /// values no format reads); Excel serial numbers only when <paramref name="allowSerial"/> and every value is one.
    /// </summary>
    public static ColumnDateFormat DetectDates(IEnumerable<string> values, bool allowSerial = true)
    {
        ArgumentNullException.ThrowIfNull(values);
        var cells = values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (cells.Count == 0)
        {
            return new(null, []);
        }

        var notIso = cells.Where(c => !LocaleDates.TryParse(c, "yyyy-MM-dd", out _)).ToList();
        if (notIso.Count == 0)
        {
            return new("yyyy-MM-dd", ["yyyy-MM-dd"]);
        }

        // A value no format reads (a typo, 31/02) is an invalid row whatever the format: it does not stop the others deciding.
        var written = LocaleDates.Formats.Skip(1).ToList();
        var readable = notIso.Where(c => written.Any(f => LocaleDates.TryParse(c, f, out _))).ToList();
        List<string> fitting = readable.Count == 0 ? [] : [.. written.Where(f => readable.All(c => LocaleDates.TryParse(c, f, out _)))];
        if (readable.Count == 0 && allowSerial && notIso.All(c => LocaleDates.TryParse(c, LocaleDates.ExcelSerial, out _)))
        {
            fitting.Add(LocaleDates.ExcelSerial);
        }

        return new(fitting.Count == 1 ? fitting[0] : null, fitting);
    }

    /// <summary>The decimal separator of a number-like column ("," or "."), or null when some value is not a number either way.</summary>
    public static string? DetectDecimal(IReadOnlyList<string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var cells = values.Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
        if (cells.Count == 0)
        {
            return null;
        }

        var separator = LocaleNumbers.DetectDecimal(cells);
        return cells.All(c => TryNumber(c, separator, out _)) ? separator.ToString() : null;
    }

    /// <summary>
    /// Reads a number written with the given decimal separator (<see cref="LocaleNumbers.TryParse"/>), its thousands groups
    /// checked: three digits after each separator, so "1,5" is not read as 15 when the decimal separator is a dot.
    /// </summary>
    public static bool TryNumber(string text, char decimalSeparator, out string invariant)
    {
        ArgumentNullException.ThrowIfNull(text);
        invariant = "";
        var trimmed = text.Trim();
        var decimalAt = trimmed.LastIndexOf(decimalSeparator);
        var whole = decimalAt < 0 ? trimmed : trimmed[..decimalAt];
        var groups = whole.TrimStart('-', '+').Split([decimalSeparator == ',' ? '.' : ',', ' ', '\u00A0', '\u202F', '\'']);
        if (groups.Length > 1 && (groups[0].Length is 0 or > 3 || groups.Skip(1).Any(g => g.Length != 3)))
        {
            return false;
        }

        return LocaleNumbers.TryParse(trimmed, decimalSeparator, out invariant);
    }

    /// <summary>A value as compared with options and value-map keys: trimmed, lower-case, accents removed ("Élite " → "elite").</summary>
    public static string Fold(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var decomposed = text.Trim().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString().Normalize(NormalizationForm.FormC).ToLowerInvariant();
    }

    /// <summary>The option a value matches, case- and accent-insensitively (an exact spelling first), or null.</summary>
    public static string? MatchOption(FieldDefinition field, string value)
    {
        ArgumentNullException.ThrowIfNull(field);
        var trimmed = value.Trim();
        if (field.Options.FirstOrDefault(o => string.Equals(o, trimmed, StringComparison.Ordinal)) is { } exact)
        {
            return exact;
        }

        var folded = Fold(trimmed);
        return field.Options.FirstOrDefault(o => Fold(o) == folded);
    }

    /// <summary>The items of a multi-select cell (comma-separated, blanks dropped).</summary>
    public static IEnumerable<string> Items(string cell) => cell.Split(',').Select(p => p.Trim()).Where(p => p.Length > 0);

    /// <summary>
    /// Summarises a column's cells over the whole file for a target field (null: a built-in target): its distinct non-blank values
    /// (a multi-select's items), most frequent first (at most <see cref="MaxListedValues"/> listed), each with the option it
    /// matches; its date format and decimal separator.
    /// </summary>
    public static ColumnSummary Summarise(IEnumerable<string?> cells, FieldDefinition? field)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var cell in cells)
        {
            var text = Exports.SpreadsheetCells.Restore(cell ?? "").Trim();
            if (text.Length == 0)
            {
                continue;
            }

            foreach (var value in field?.Type == FieldType.MultiSelect ? Items(text) : [text])
            {
                counts[value] = counts.GetValueOrDefault(value) + 1;
            }
        }

        var select = field?.IsSelect == true;
        var distinct = counts.Keys.ToList();
        var options = counts.ToDictionary(kv => kv.Key, kv => select ? MatchOption(field!, kv.Key) : null, StringComparer.Ordinal);
        var values = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxListedValues)
            .Select(kv => new ColumnValue(kv.Key, kv.Value, options[kv.Key])).ToList();
        var dates = DetectDates(distinct, allowSerial: field?.Type == FieldType.Date);
        return new ColumnSummary(dates, DetectDecimal(distinct), values, counts.Count, select ? options.Count(o => o.Value is null) : 0);
    }

    /// <summary>
    /// Reads a cell for a custom field through the column's options (<paramref name="dateFormat"/>: null reads ISO only;
    /// <paramref name="valueMap"/>: a select value matching no option → an option, or null for blank). A blank cell, or a select
    /// value mapped to blank, is "no value" (null, no error). The error names the value and what to do.
    /// </summary>
    public static bool TryRead(FieldDefinition field, string? cell, string? dateFormat, char decimalSeparator, IReadOnlyDictionary<string, string?>? valueMap,
        out string? canonicalJson, out string? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        canonicalJson = null;
        error = null;
        var text = cell?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        switch (field.Type)
        {
            case FieldType.Date:
                if (LocaleDates.TryParse(text, "yyyy-MM-dd", out var iso) || (dateFormat is not null && LocaleDates.TryParse(text, dateFormat, out iso)))
                {
                    canonicalJson = JsonSerializer.Serialize(iso);
                    return true;
                }

                // What imports read before formats were chosen (yyyy/MM/dd, ISO date-times) still reads.
                if (FieldValues.TryParseText(field, text, out canonicalJson, out _))
                {
                    return true;
                }

                error = dateFormat is null
                    ? $"'{text}' is not a date in yyyy-MM-dd (choose the column's date format in the mapping, e.g. dd/MM/yyyy, or fix the value)."
                    : $"'{text}' is not a date written {DateFormatName(dateFormat)} like the rest of the column (fix the value, or choose another date format for the column).";
                return false;
            case FieldType.Number:
                if (TryNumber(text, decimalSeparator, out var invariant))
                {
                    return FieldValues.TryParseText(field, invariant, out canonicalJson, out error);
                }

                // What imports read before separators were chosen (an exponent, 1e3) still reads.
                if (decimalSeparator == '.' && FieldValues.TryParseText(field, text, out canonicalJson, out _))
                {
                    return true;
                }

                error = $"'{text}' is not a number with '{decimalSeparator}' as the decimal separator (e.g. {(decimalSeparator == ',' ? "1.234,5" : "1,234.5")}): fix the value or choose the column's decimal separator.";
                return false;
            case FieldType.Boolean:
                if (LocaleBooleans.TryParse(text, out var flag))
                {
                    canonicalJson = flag ? "true" : "false";
                    return true;
                }

                error = $"'{text}' is not a yes/no value (use yes/no, true/false, 1/0, x, ja/nein, oui/non or sí/no).";
                return false;
            case FieldType.SingleSelect:
                if (!TrySelect(field, text, valueMap, out var option, out error))
                {
                    return false;
                }

                canonicalJson = option is null ? null : JsonSerializer.Serialize(option);
                return true;
            case FieldType.MultiSelect:
                var chosen = new List<string>();
                foreach (var item in Items(text))
                {
                    if (!TrySelect(field, item, valueMap, out var itemOption, out error))
                    {
                        return false;
                    }

                    if (itemOption is not null && !chosen.Contains(itemOption))
                    {
                        chosen.Add(itemOption);
                    }
                }

                canonicalJson = chosen.Count == 0 ? null : JsonSerializer.Serialize(chosen);
                return true;
            default:
                return FieldValues.TryParseText(field, text, out canonicalJson, out error);
        }
    }

    /// <summary>The value-map entry for a value (its key matched case- and accent-insensitively), if the map has one.</summary>
    public static bool TryMap(IReadOnlyDictionary<string, string?>? valueMap, string value, out string? option)
    {
        option = null;
        if (valueMap is null)
        {
            return false;
        }

        if (valueMap.TryGetValue(value, out option))
        {
            return true;
        }

        var folded = Fold(value);
        foreach (var (key, mapped) in valueMap)
        {
            if (Fold(key) == folded)
            {
                option = mapped;
                return true;
            }
        }

        return false;
    }

    /// <summary>How a format is named to the user: "dd/MM/yyyy", or "as Excel serial numbers".</summary>
    public static string DateFormatName(string format) => format == LocaleDates.ExcelSerial ? "as an Excel serial number" : format;

    private static bool TrySelect(FieldDefinition field, string value, IReadOnlyDictionary<string, string?>? valueMap, out string? option, out string? error)
    {
        error = null;
        option = MatchOption(field, value);
        if (option is not null)
        {
            return true;
        }

        if (TryMap(valueMap, value, out var mapped))
        {
            option = mapped is null ? null : MatchOption(field, mapped);
            if (mapped is null || option is not null)
            {
                return true;
            }
        }

        error = $"'{value}' is not one of the options ({string.Join(", ", field.Options.Take(10))}{(field.Options.Count > 10 ? ", …" : "")}): map it to an option (or to blank) in the mapping step, add it in Settings → Contact fields, or fix the value.";
        return false;
    }
}
