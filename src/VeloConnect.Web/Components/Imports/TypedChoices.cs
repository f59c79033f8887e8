using System.Globalization;
using VeloConnect.Client;
using VeloConnect.Web.Api;

namespace VeloConnect.Web.Components.Imports;

/// <summary>A column mapped to a custom field whose values are typed: a date, a number or a select.</summary>
public sealed record TypedColumn(int Index, string Header, string Target, FieldResponse Field)
{
    public bool IsDate => Field.Type == "date";

    public bool IsNumber => Field.Type == "number";

    public bool IsSelect => ContactFieldTypes.IsSelect(Field.Type);

    /// <summary>The columns of the mapping that go to a date, number or select field, in column order.</summary>
    public static IReadOnlyList<TypedColumn> Of(IReadOnlyList<ColumnResponse> columns, IReadOnlyList<string> mapping, IReadOnlyList<FieldResponse> fields) =>
    [
        .. from column in columns
           let target = column.Index < mapping.Count ? mapping[column.Index] ?? "" : ""
           where target.StartsWith(ImportTargets.FieldPrefix, StringComparison.Ordinal)
           let field = fields.FirstOrDefault(f => ImportTargets.FieldPrefix + f.Key == target)
           where field is not null && (field.Type is "date" or "number" || ContactFieldTypes.IsSelect(field.Type))
           orderby column.Index
           select new TypedColumn(column.Index, column.Header, target, field),
    ];
}

/// <summary>
/// The mapping step's choices about typed values, per column index: a date column's format, a number column's decimal
/// separator, a select column's value map (value as in the file → an option, or null to leave the field blank), and
/// what the API said of each column's values (<c>GET /api/imports/{id}/columns/{index}?target=</c>) for its target.
/// Pre-filled from the mapping the API answered (remembered or confirmed); sent only for columns still of that type.
/// </summary>
public sealed class TypedChoices
{
    private readonly Dictionary<int, (string Target, ColumnValuesResponse Values)> _values = [];
    private readonly Dictionary<int, (string Target, string Message)> _failures = [];

    public TypedChoices(int columnCount, MappingResponse? mapping)
    {
        DateFormats = Fill(columnCount, mapping?.DateFormats);
        DecimalSeparators = Fill(columnCount, mapping?.DecimalSeparators);
        ValueMaps = new Dictionary<string, string?>?[columnCount];
        for (var i = 0; i < columnCount && mapping?.ValueMaps is { } maps && i < maps.Count; i++)
        {
            ValueMaps[i] = maps[i] is { } map ? new Dictionary<string, string?>(map!, StringComparer.Ordinal) : null;
        }
    }

    public string?[] DateFormats { get; }

    public string?[] DecimalSeparators { get; }

    public Dictionary<string, string?>?[] ValueMaps { get; }

    public ColumnValuesResponse? ValuesFor(TypedColumn column) =>
        _values.TryGetValue(column.Index, out var loaded) && loaded.Target == column.Target ? loaded.Values : null;

    public string? FailureFor(TypedColumn column) =>
        _failures.TryGetValue(column.Index, out var failed) && failed.Target == column.Target ? failed.Message : null;

    /// <summary>Neither the column's values for its current target nor a refusal is known yet.</summary>
    public bool NeedsValues(TypedColumn column) => ValuesFor(column) is null && FailureFor(column) is null;

    public void Loaded(TypedColumn column, ColumnValuesResponse values)
    {
        _values[column.Index] = (column.Target, values);
        _failures.Remove(column.Index);
    }

    public void Failed(TypedColumn column, string message) => _failures[column.Index] = (column.Target, message);

    /// <summary>A date column whose values read both day-first and month-first, with no format chosen: the user must choose.</summary>
    public bool NeedsDateFormat(TypedColumn column) =>
        column.IsDate && DateFormats[column.Index] is null
        && ValuesFor(column) is { DateFormat: null, DateFormatChoices.Count: > 1 };

    public void SetDateFormat(int column, string? format) => DateFormats[column] = string.IsNullOrEmpty(format) ? null : format;

    public void SetDecimalSeparator(int column, string? separator) => DecimalSeparators[column] = string.IsNullOrEmpty(separator) ? null : separator;

    /// <summary>Maps <paramref name="value"/> to an option, to blank (<paramref name="blank"/>), or removes its entry (neither).</summary>
    public void MapValue(int column, string value, string? option, bool blank)
    {
        var map = ValueMaps[column] ??= new Dictionary<string, string?>(StringComparer.Ordinal);
        if (option is not null || blank)
        {
            map[value] = option;
        }
        else
        {
            map.Remove(value);
        }
    }

    /// <summary>The value's entry: (true, option) mapped to an option, (true, null) left blank, (false, _) none.</summary>
    public (bool Mapped, string? Option) MappedValue(int column, string value) =>
        ValueMaps[column] is { } map && map.TryGetValue(value, out var option) ? (true, option) : (false, null);

    // The API takes null elements ("not such a column"; its records are lists of nullable items); the generated item
    // types say non-null, hence the null-forgiving conversions below. Nothing is sent when no column has a choice.
    public List<string>? DateFormatsToSend(IReadOnlyList<TypedColumn> typed) => PerColumn(typed, c => c.IsDate ? DateFormats[c.Index] : null);

    public List<string>? DecimalSeparatorsToSend(IReadOnlyList<TypedColumn> typed) => PerColumn(typed, c => c.IsNumber ? DecimalSeparators[c.Index] : null);

    public List<IDictionary<string, string>>? ValueMapsToSend(IReadOnlyList<TypedColumn> typed) =>
        PerColumn<IDictionary<string, string>>(typed, c => c.IsSelect && ValueMaps[c.Index] is { Count: > 0 } map
            ? new Dictionary<string, string>(map!, StringComparer.Ordinal)
            : null);

    /// <summary>"03/04/2024 → 3 April 2024" for a value read in <paramref name="format"/>; null when it does not read so.</summary>
    public static string? Example(string value, string format)
    {
        // The contract's formats with two-digit parts; a file writes 3/4/2024 as often as 03/04/2024.
        string[] patterns = [format, format.Replace("dd", "d", StringComparison.Ordinal).Replace("MM", "M", StringComparison.Ordinal)];
        return DateTime.TryParseExact(value.Trim(), patterns, CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date.ToString("d MMMM yyyy", CultureInfo.InvariantCulture)
            : null;
    }

    /// <summary>The first value of the column that reads differently in the choices (else the first that reads in any): the example to show.</summary>
    public static string? ExampleValue(ColumnValuesResponse values)
    {
        var readable = values.Values.Select(v => v.Value).Where(v => values.DateFormatChoices.Any(f => Example(v, f) is not null)).ToList();
        return readable.FirstOrDefault(v => values.DateFormatChoices.Select(f => Example(v, f)).Where(e => e is not null).Distinct().Count() > 1)
            ?? readable.FirstOrDefault();
    }

    private List<T>? PerColumn<T>(IReadOnlyList<TypedColumn> typed, Func<TypedColumn, T?> choice)
        where T : class
    {
        var list = new List<T>(new T[DateFormats.Length]);
        foreach (var column in typed.Where(c => c.Index < list.Count))
        {
            list[column.Index] = choice(column)!;
        }

        return list.Any(item => item is not null) ? list : null;
    }

    private static string?[] Fill(int count, IReadOnlyList<string>? from)
    {
        var result = new string?[count];
        for (var i = 0; i < count && from is not null && i < from.Count; i++)
        {
            result[i] = string.IsNullOrEmpty(from[i]) ? null : from[i];
        }

        return result;
    }
}
