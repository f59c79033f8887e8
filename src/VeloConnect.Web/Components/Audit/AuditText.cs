using System.Globalization;
using System.Text;
using System.Text.Json;

namespace VeloConnect.Web.Components.Audit;

/// <summary>Words for an audit entry's JSON details.</summary>
public static class AuditText
{
    public const int ListLimit = 10;

    private static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("en-US");

    /// <summary>"contactsCleared" or "contacts_cleared" → "Contacts cleared".</summary>
    public static string Words(string name)
    {
        var words = new StringBuilder();
        foreach (var c in name)
        {
            if (c is '_' or '-' or '.')
            {
                words.Append(' ');
            }
            else if (char.IsUpper(c) && words.Length > 0 && words[^1] != ' ')
            {
                words.Append(' ').Append(char.ToLowerInvariant(c));
            }
            else
            {
                words.Append(words.Length == 0 ? char.ToUpperInvariant(c) : c);
            }
        }

        return words.ToString();
    }

    public static string Scalar(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : "(empty)",
        JsonValueKind.Number when value.TryGetInt64(out var whole) => whole.ToString("N0", Culture),
        JsonValueKind.Number => value.GetDouble().ToString("G", Culture),
        JsonValueKind.True => "yes",
        JsonValueKind.False => "no",
        JsonValueKind.Null => "—",
        _ => value.GetRawText(),
    };

    /// <summary>A list of plain values on one line, the first ten and how many more.</summary>
    public static string List(IReadOnlyList<JsonElement> items)
    {
        var shown = string.Join(", ", items.Take(ListLimit).Select(Scalar));
        return items.Count > ListLimit ? $"{shown} and {(items.Count - ListLimit).ToString("N0", Culture)} more" : shown;
    }
}
