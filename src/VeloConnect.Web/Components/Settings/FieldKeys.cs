using System.Text;

namespace VeloConnect.Web.Components.Settings;

/// <summary>Helpers of the contact-field form: a key suggested from the label, options from lines.</summary>
public static class FieldKeys
{
    /// <summary>"Loyalty tier" → "loyalty_tier": lower-case letters, digits and '_', starting with a letter (the API's rule).</summary>
    public static string Suggest(string label)
    {
        var key = new StringBuilder();
        foreach (var c in label.Normalize(NormalizationForm.FormD).ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z' || (c is >= '0' and <= '9' && key.Length > 0))
            {
                key.Append(c);
            }
            else if ((char.IsWhiteSpace(c) || c is '_' or '-' or '.' or '/') && key.Length > 0 && key[^1] != '_')
            {
                key.Append('_');
            }
        }

        return key.ToString().TrimEnd('_') is { Length: > 63 } longKey ? longKey[..63].TrimEnd('_') : key.ToString().TrimEnd('_');
    }

    /// <summary>One option per non-blank line, trimmed (the API refuses surrounding spaces and blanks).</summary>
    public static List<string> Lines(string text) =>
        [.. text.Split('\n').Select(line => line.Trim()).Where(line => line.Length > 0)];
}
