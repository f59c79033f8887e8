using System.Globalization;
using System.Text.Json.Serialization;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The column-level fixes of an import (issue 14): <c>replace</c> (plain text, ordinal, every occurrence), <c>trim</c>,
/// <c>prefix</c> (to non-blank cells whose text after leading blanks does not already start with it; the leading blanks go)
/// and <c>set</c>. One copy of what each does to a cell, used by the review's edits, the server's recipes and velo alike.
/// </summary>
public static class ColumnFixes
{
    public const string Replace = "replace";
    public const string Trim = "trim";
    public const string Prefix = "prefix";
    public const string Set = "set";

    public static readonly IReadOnlyList<string> Kinds = [Replace, Trim, Prefix, Set];

    public static bool IsColumnFix(string kind) => kind is Replace or Trim or Prefix or Set;

    /// <summary>Sets a cell in <paramref name="cells"/> (a copy of <paramref name="original"/> made on the first change); a column past a short row's end pads it with blanks.</summary>
    public static void SetCell(IReadOnlyList<string> original, ref string[]? cells, int column, string value)
    {
        cells ??= [.. original];
        if (column >= cells.Length)
        {
            var longer = new string[column + 1];
            Array.Fill(longer, "");
            cells.CopyTo(longer, 0);
            cells = longer;
        }

        cells[column] = value;
    }

    /// <summary>A cell after a column fix (<c>cell</c>, a single-cell edit, sets like <c>set</c>).</summary>
    public static string Next(string kind, string cell, string? value, string? find, string? replace, string? prefix) => kind switch
    {
        Set or "cell" => value ?? "",
        Replace when !string.IsNullOrEmpty(find) => cell.Replace(find, replace ?? "", StringComparison.Ordinal),
        Trim => cell.Trim(),
        Prefix when prefix is { Length: > 0 } && !string.IsNullOrWhiteSpace(cell) && !cell.TrimStart().StartsWith(prefix, StringComparison.Ordinal)
            => prefix + cell.TrimStart(),
        _ => cell,
    };
}

/// <summary>
/// The rows a column fix applies to, judged on each row alone as it reads through the mapping (so it can be judged again on
/// another file): <c>outcome</c> invalid, valid, warning (valid with a warning) or dropped; <c>reason</c>, text in a reason or
/// warning; <c>q</c>, text in a cell (both case-insensitive). In-file duplicates are not a row's own verdict: not filterable.
/// </summary>
public sealed record RowFilter(string? Outcome = null, string? Reason = null, string? Q = null)
{
    public static readonly IReadOnlyList<string> Outcomes = ["invalid", "valid", "warning", "dropped"];

    [JsonIgnore]
    public bool IsEmpty => string.IsNullOrEmpty(Outcome) && string.IsNullOrEmpty(Reason) && string.IsNullOrEmpty(Q);

    /// <summary>Whether the outcome filter needs the row read through the mapping (reason and outcome do; q reads cells only).</summary>
    [JsonIgnore]
    public bool NeedsReading => !string.IsNullOrEmpty(Outcome) || !string.IsNullOrEmpty(Reason);

    public bool Matches(IReadOnlyList<string> cells, RowResult? read, bool dropped) =>
        (Outcome switch
        {
            "invalid" => !dropped && read is { IsValid: false },
            "valid" => !dropped && read is { IsValid: true },
            "warning" => !dropped && read is { IsValid: true, Warnings.Count: > 0 },
            "dropped" => dropped,
            _ => true,
        })
        && (string.IsNullOrEmpty(Reason) || (read is not null && read.Errors.Concat(read.Warnings).Any(r => r.Contains(Reason, StringComparison.OrdinalIgnoreCase))))
        && (string.IsNullOrEmpty(Q) || cells.Any(c => c.Contains(Q, StringComparison.OrdinalIgnoreCase)));

    public string Describe()
    {
        var parts = new List<string>();
        if (!string.IsNullOrEmpty(Outcome))
        {
            parts.Add($"{Outcome} rows");
        }

        if (!string.IsNullOrEmpty(Reason))
        {
            parts.Add($"with a reason containing '{Reason}'");
        }

        if (!string.IsNullOrEmpty(Q))
        {
            parts.Add($"with a cell containing '{Q}'");
        }

        return parts.Count == 0 ? "every row" : (string.IsNullOrEmpty(Outcome) ? "rows " : "") + string.Join(" ", parts);
    }
}

/// <summary>
/// One step of a recipe: a column fix named by its column's header (the file it is applied to has the same headers) and
/// the filter of the rows it applies to, judged again on each new file's rows.
/// </summary>
public sealed record RecipeStep(string Kind, string Header, string? Value = null, string? Find = null, string? Replace = null, string? Prefix = null, RowFilter? Rows = null)
{
    public string Next(string cell) => ColumnFixes.Next(Kind, cell, Value, Find, Replace, Prefix);

    /// <summary>The step in words, as a list or a report shows it: "prefix '+34' on Phone (invalid rows with a reason containing 'country')".</summary>
    public string Describe()
    {
        var what = Kind switch
        {
            ColumnFixes.Replace => $"replace '{Find}' with '{Replace}' on {Header}",
            ColumnFixes.Trim => $"trim on {Header}",
            ColumnFixes.Prefix => $"prefix '{Prefix}' on {Header}",
            _ => $"set '{Value}' on {Header}",
        };
        return Rows is { IsEmpty: false } filter ? $"{what} ({filter.Describe()})" : what;
    }
}

/// <summary>
/// A recipe's steps over rows that are read and sent by velo (no stored file): each row's cells go through the steps in
/// order, each step's filter judged on the row as the earlier steps left it (what the server's edits do, one edit after
/// another over every row, as the filters are row-local). Counts the rows each step changed.
/// </summary>
public sealed class RecipeApplier
{
    private readonly IReadOnlyList<RecipeStep> _steps;
    private readonly int[] _columns;
    private readonly RowReader _reader;
    private readonly long[] _changed;

    /// <summary>The steps over a file with these headers; a header a step names that the file lacks throws (checked by the caller first: <see cref="MissingHeaders"/>).</summary>
    public RecipeApplier(IReadOnlyList<RecipeStep> steps, IReadOnlyList<string> headers, RowReader reader)
    {
        _steps = steps;
        _columns = [.. steps.Select(s => ColumnOf(headers, s.Header) ?? throw new ArgumentException($"The file has no column '{s.Header}'.", nameof(steps)))];
        _reader = reader;
        _changed = new long[steps.Count];
    }

    /// <summary>Rows each step changed so far, in step order.</summary>
    public IReadOnlyList<long> Changed => _changed;

    public IReadOnlyList<RecipeStep> Steps => _steps;

    /// <summary>The index of the column with this header (the first, compared as the remembered header sets compare: trimmed, case-insensitive).</summary>
    public static int? ColumnOf(IReadOnlyList<string> headers, string header)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), header.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return null;
    }

    /// <summary>The headers the steps name that the file does not have.</summary>
    public static IReadOnlyList<string> MissingHeaders(IReadOnlyList<RecipeStep> steps, IReadOnlyList<string> headers) =>
        [.. steps.Where(s => ColumnOf(headers, s.Header) is null).Select(s => s.Header).Distinct(StringComparer.OrdinalIgnoreCase)];

    public IEnumerable<CsvRow> Apply(IEnumerable<CsvRow> rows)
    {
        foreach (var row in rows)
        {
            yield return Apply(row);
        }
    }

    public CsvRow Apply(CsvRow row)
    {
        string[]? cells = null;
        for (var i = 0; i < _steps.Count; i++)
        {
            var step = _steps[i];
            IReadOnlyList<string> current = cells ?? (IReadOnlyList<string>)row.Cells;
            if (step.Rows is { IsEmpty: false } filter && !filter.Matches(current, filter.NeedsReading ? _reader.Read(current) : null, dropped: false))
            {
                continue;
            }

            var column = _columns[i];
            var before = column < current.Count ? current[column] : "";
            var after = step.Next(before);
            if (after == before)
            {
                continue;
            }

            ColumnFixes.SetCell(row.Cells, ref cells, column, after);
            _changed[i]++;
        }

        return cells is null ? row : row with { Cells = cells };
    }

    /// <summary>"recipe 'hubspot-es': prefix '+34' on Phone: 1,204 rows; trim on Email: 17 rows".</summary>
    public string Report(string name) =>
        $"recipe '{name}': " + string.Join("; ", _steps.Select((s, i) => string.Create(CultureInfo.InvariantCulture, $"{s.Describe()}: {_changed[i]:N0} rows")));
}
