using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The typed options of a mapping (per column: date format, decimal separator, value map): what a choice must be
/// (<see cref="Validate"/>), and how a confirmed mapping is completed from the whole file (<see cref="Complete"/>): a date column
/// without a format gets the one detected over all its values, and one that reads both day-first and month-first is refused
/// until the user chooses, never swapped silently. A number column gets its detected decimal separator. Options on columns
/// that do not take them are dropped, so a client may send a value for every column.
/// </summary>
public static class TypedMapping
{
    /// <summary>
    /// Problems with the choices made, keyed "dateFormats[i]", "decimalSeparators[i]", "valueMaps[i]": an unknown format or
    /// separator, a value map entry naming an option the field does not have. Empty when they can be used.
    /// </summary>
    public static Dictionary<string, string[]> Validate(ImportMapping mapping, IReadOnlyList<string> columnNames, IReadOnlyList<FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(columnNames);
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < (mapping.DateFormats?.Count ?? 0); i++)
        {
            if (mapping.DateFormatOf(i) is { } format && format != LocaleDates.ExcelSerial && !LocaleDates.Formats.Contains(format))
            {
                errors[$"dateFormats[{i}]"] = [$"Column '{Name(columnNames, i)}': '{format}' is not a date format; use one of {string.Join(", ", LocaleDates.Formats)} (or leave it out to detect it)."];
            }
        }

        for (var i = 0; i < (mapping.DecimalSeparators?.Count ?? 0); i++)
        {
            if (mapping.DecimalSeparators![i] is { Length: > 0 } separator && !TypedColumns.DecimalSeparators.Contains(separator))
            {
                errors[$"decimalSeparators[{i}]"] = [$"Column '{Name(columnNames, i)}': '{separator}' is not a decimal separator; use \".\" or \",\" (or leave it out to detect it)."];
            }
        }

        for (var i = 0; i < (mapping.ValueMaps?.Count ?? 0); i++)
        {
            if (mapping.ValueMapOf(i) is not { } map || FieldOf(mapping, i, fields) is not { IsSelect: true } field)
            {
                continue;
            }

            var unknown = map.Where(e => e.Value is not null && TypedColumns.MatchOption(field, e.Value) is null).ToList();
            if (unknown.Count > 0)
            {
                errors[$"valueMaps[{i}]"] = [$"Column '{Name(columnNames, i)}': {string.Join(", ", unknown.Take(5).Select(e => $"'{e.Key}' → '{e.Value}'"))}: {field.Label} has no such option "
                    + $"(its options: {string.Join(", ", field.Options.Take(10))}{(field.Options.Count > 10 ? ", …" : "")}); map the value to one of them, or to null to leave the field blank."];
            }
        }

        return errors;
    }

    /// <summary>The columns whose values must be read to complete the mapping: date columns without a format, number columns without a separator.</summary>
    public static IReadOnlyList<(int Index, FieldDefinition Field)> ColumnsToDetect(ImportMapping mapping, IReadOnlyList<FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        var wanted = new List<(int, FieldDefinition)>();
        for (var i = 0; i < mapping.Columns.Count; i++)
        {
            if (FieldOf(mapping, i, fields) is { } field
                && ((field.Type == FieldType.Date && mapping.DateFormatOf(i) is null) || (field.Type == FieldType.Number && At(mapping.DecimalSeparators, i) is null)))
            {
                wanted.Add((i, field));
            }
        }

        return wanted;
    }

    /// <summary>
    /// The mapping with its typed options completed from the summaries of <see cref="ColumnsToDetect"/>'s columns, each list
    /// kept only where a column takes it (a value map's options in the field's spelling), and the refusals: a date column whose
    /// values read both day-first and month-first with no format chosen (key "dateFormats[i]").
    /// </summary>
    public static (ImportMapping Mapping, Dictionary<string, string[]> Errors) Complete(ImportMapping mapping, IReadOnlyList<string> columnNames,
        IReadOnlyList<FieldDefinition> fields, IReadOnlyDictionary<int, ColumnSummary> summaries)
    {
        ArgumentNullException.ThrowIfNull(mapping);
        ArgumentNullException.ThrowIfNull(summaries);
        var errors = new Dictionary<string, string[]>();
        var count = mapping.Columns.Count;
        var dates = new string?[count];
        var decimals = new string?[count];
        var maps = new IReadOnlyDictionary<string, string?>?[count];
        for (var i = 0; i < count; i++)
        {
            var field = FieldOf(mapping, i, fields);
            switch (field?.Type)
            {
                case FieldType.Date:
                    dates[i] = mapping.DateFormatOf(i);
                    if (dates[i] is null && summaries.TryGetValue(i, out var dateSummary))
                    {
                        dates[i] = dateSummary.Dates.Format;
                        if (dateSummary.Dates.Ambiguous)
                        {
                            errors[$"dateFormats[{i}]"] = [AmbiguousDates(Name(columnNames, i), dateSummary)];
                        }
                    }

                    break;
                case FieldType.Number:
                    decimals[i] = At(mapping.DecimalSeparators, i)
                        ?? (summaries.TryGetValue(i, out var numberSummary) ? numberSummary.DecimalSeparator : null) ?? ".";
                    break;
                case FieldType.SingleSelect or FieldType.MultiSelect:
                    maps[i] = mapping.ValueMapOf(i) is { Count: > 0 } map
                        ? map.ToDictionary(e => e.Key.Trim(), e => e.Value is null ? null : TypedColumns.MatchOption(field, e.Value), StringComparer.Ordinal)
                        : null;
                    break;
            }
        }

        return (mapping with
        {
            DateFormats = dates.Any(d => d is not null) ? dates : null,
            DecimalSeparators = decimals.Any(d => d is not null) ? decimals : null,
            ValueMaps = maps.Any(m => m is not null) ? maps : null,
        }, errors);
    }

    /// <summary>"Column 'Born' holds dates that read both day-first and month-first (e.g. 03/04/2024): choose its date format, dd/MM/yyyy or MM/dd/yyyy."</summary>
    public static string AmbiguousDates(string column, ColumnSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var example = summary.Values.Select(v => v.Value.Trim()).FirstOrDefault(v => !LocaleDates.TryParse(v, "yyyy-MM-dd", out _)) ?? "03/04/2024";
        var choices = summary.Dates.Choices;
        var listed = choices.Count == 2 ? $"{choices[0]} or {choices[1]}" : string.Join(", ", choices.Take(choices.Count - 1)) + " or " + choices[^1];
        return $"Column '{column}' holds dates that read both day-first and month-first (e.g. {example}): choose its date format, {listed}.";
    }

    private static FieldDefinition? FieldOf(ImportMapping mapping, int index, IReadOnlyList<FieldDefinition> fields) =>
        index < mapping.Columns.Count && mapping.Columns[index] is { Kind: TargetKind.CustomField, FieldKey: { } key }
            ? fields.FirstOrDefault(f => f.Key == key)
            : null;

    private static string? At(IReadOnlyList<string?>? list, int index) => list is { } l && index < l.Count && !string.IsNullOrEmpty(l[index]) ? l[index] : null;

    private static string Name(IReadOnlyList<string> columnNames, int index) => HeaderNames.Display(columnNames, index);
}
