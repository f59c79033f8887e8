using System.Globalization;

namespace VeloConnect.ContactRules.Exports;

/// <summary>
/// Where <see cref="ExportLayout.WriteCells"/> puts one contact's cells, in column order and not yet neutralised for
/// spreadsheets. Joined values and times are built in a buffer reused from row to row, so a cell costs no string of its own.
/// </summary>
public abstract class ExportCells
{
    private const string TimeFormat = "yyyy-MM-dd'T'HH:mm:ss'Z'";
    private char[] _scratch = new char[256];

    /// <summary>One cell; empty for a missing value.</summary>
    public abstract void Cell(ReadOnlySpan<char> value);

    /// <summary>The values from <paramref name="skip"/> on, joined with ", ", as one cell.</summary>
    public void Joined(IReadOnlyList<string> values, int skip = 0)
    {
        if (values.Count - skip == 1)
        {
            Cell(values[skip]);
            return;
        }

        var length = 0;
        for (var i = skip; i < values.Count; i++)
        {
            if (i > skip)
            {
                Append(ref length, ", ");
            }

            Append(ref length, values[i]);
        }

        Cell(_scratch.AsSpan(0, length));
    }

    /// <summary>A time in UTC, to the second (<see cref="ExportLayout.Time"/>).</summary>
    public void Time(DateTimeOffset time)
    {
        Span<char> text = stackalloc char[32];
        if (!time.UtcDateTime.TryFormat(text, out var written, TimeFormat, CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException($"The time {time:O} did not fit its cell.");
        }

        Cell(text[..written]);
    }

    /// <summary>Times in UTC, to the second, in the ISO 8601 form spreadsheets recognise.</summary>
    public static string Format(DateTimeOffset time) => time.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture);

    private void Append(ref int length, string value)
    {
        if (length + value.Length > _scratch.Length)
        {
            Array.Resize(ref _scratch, Math.Max(_scratch.Length * 2, length + value.Length));
        }

        value.CopyTo(_scratch.AsSpan(length));
        length += value.Length;
    }
}
