using System.Collections.Concurrent;
using System.Globalization;
using ExcelNumberFormat;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>A spreadsheet cell as the user sees it: text as text, dates as ISO yyyy-MM-dd, numbers as their format displays them.</summary>
internal static class SpreadsheetCellText
{
    // A General-format integer up to this many digits is shown whole, as Excel shows it in a wide enough column and as its CSV export writes it.
    private const double WholeLimit = 1e15;

    // A workbook has a handful of formats and many cells: each format is parsed once.
    private static readonly ConcurrentDictionary<string, NumberFormat> Formats = new(StringComparer.Ordinal);

    /// <summary>The cell's text; isNumber is true when Excel holds a number (not text) in the cell, dates excepted.</summary>
    public static string Text(object? value, string? format, out bool isNumber)
    {
        isNumber = false;
        switch (value)
        {
            case null:
                return "";
            case string text:
                return text;
            case bool flag:
                return flag ? "TRUE" : "FALSE";
            case DateTime date:
                var layout = date.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : date.Second == 0 ? "yyyy-MM-dd HH:mm" : "yyyy-MM-dd HH:mm:ss";
                return date.ToString(layout, CultureInfo.InvariantCulture);
            case TimeSpan time:
                return time.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
            case double number:
                isNumber = true;
                return Number(number, format);
            case IConvertible convertible:
                isNumber = value is int or long or decimal or float;
                return isNumber ? Number(convertible.ToDouble(CultureInfo.InvariantCulture), format) : convertible.ToString(CultureInfo.InvariantCulture);
            default:
                return value.ToString() ?? "";
        }
    }

    private static string Number(double number, string? format)
    {
        if (!string.IsNullOrEmpty(format) && !format.Equals("General", StringComparison.OrdinalIgnoreCase))
        {
            var parsed = Formats.Count < 1_000 ? Formats.GetOrAdd(format, f => new NumberFormat(f)) : new NumberFormat(format);
            if (parsed.IsValid && !parsed.IsDateTimeFormat)
            {
                return parsed.Format(number, CultureInfo.InvariantCulture);
            }
        }

        return Math.Abs(number) < WholeLimit && number == Math.Floor(number)
            ? number.ToString("0", CultureInfo.InvariantCulture)
            : number.ToString("G15", CultureInfo.InvariantCulture);
    }
}
