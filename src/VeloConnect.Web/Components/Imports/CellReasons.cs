using System.Text.RegularExpressions;

namespace VeloConnect.Web.Components.Imports;

/// <summary>
/// A review row's reasons split by the cell they are about, so the grid shows each next to its cell. The row reader
/// writes a cell's reason as "column '&lt;header&gt;': …" (or "column '&lt;header&gt;' (field &lt;label&gt;): …"); a reason
/// that names no column of the file (no phone and no email, a duplicate, a dropped row) stays the row's.
/// </summary>
public sealed partial class CellReasons
{
    private readonly Dictionary<int, List<string>> _byColumn = [];
    private readonly List<string> _row = [];

    public CellReasons(IEnumerable<string> reasons, IReadOnlyList<string> headers)
    {
        ArgumentNullException.ThrowIfNull(reasons);
        ArgumentNullException.ThrowIfNull(headers);
        foreach (var reason in reasons)
        {
            var match = ColumnReason().Match(reason);
            var column = match.Success ? ColumnOf(match.Groups["header"].Value, headers) : -1;
            if (column < 0)
            {
                _row.Add(reason);
            }
            else
            {
                if (!_byColumn.TryGetValue(column, out var list))
                {
                    _byColumn[column] = list = [];
                }

                list.Add(match.Groups["message"].Value);
            }
        }
    }

    /// <summary>The reasons about the cell in <paramref name="column"/> (without the "column '…':" they started with).</summary>
    public IReadOnlyList<string> Of(int column) => _byColumn.TryGetValue(column, out var list) ? list : [];

    /// <summary>The reasons about the row as a whole.</summary>
    public IReadOnlyList<string> Row => _row;

    /// <summary>The column a reason names: its header as the API displays it, else "Column n".</summary>
    private static int ColumnOf(string header, IReadOnlyList<string> headers)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), header, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return header.StartsWith("Column ", StringComparison.Ordinal) && int.TryParse(header["Column ".Length..], out var n) && n >= 1 ? n - 1 : -1;
    }

    [GeneratedRegex(@"^column '(?<header>[^']*)'(?: \(field [^)]*\))?: (?<message>.*)$", RegexOptions.Singleline)]
    private static partial Regex ColumnReason();
}
