using System.Text;

namespace VeloConnect.ContactRules.Imports;

/// <summary>Writing CSV per RFC 4180: a field is quoted when it holds a comma, a quote or a line break; quotes are doubled.</summary>
public static class CsvText
{
    public static void AppendField(StringBuilder line, string? value, char delimiter = ',')
    {
        value ??= "";
        if (value.AsSpan().IndexOfAny([delimiter, '"', '\r', '\n']) < 0)
        {
            line.Append(value);
            return;
        }

        line.Append('"').Append(value.Replace("\"", "\"\"")).Append('"');
    }

    /// <summary>One record, fields joined by the delimiter, ended by CRLF.</summary>
    public static void AppendRecord(StringBuilder output, IEnumerable<string?> fields, char delimiter = ',')
    {
        var first = true;
        foreach (var field in fields)
        {
            if (!first)
            {
                output.Append(delimiter);
            }

            AppendField(output, field, delimiter);
            first = false;
        }

        output.Append("\r\n");
    }
}
