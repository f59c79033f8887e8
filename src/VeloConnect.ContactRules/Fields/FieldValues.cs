using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.ContactRules.Fields;

/// <summary>
/// Custom field values, validated against their field's type on every write and kept as
/// canonical JSON: text and single-select as a string, number as a JSON number, date as
/// "yyyy-MM-dd", boolean as true/false, multi-select as an array of option spellings.
/// </summary>
public static class FieldValues
{
    public const int MaxTextLength = 10_000;

    private static readonly string[] DateFormats = ["yyyy-MM-dd", "yyyy/MM/dd", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.fffZ"];
    private static readonly string[] TrueWords = ["true", "yes", "y", "1"];
    private static readonly string[] FalseWords = ["false", "no", "n", "0"];

    /// <summary>Reads a CSV cell (text). A blank cell means "no value" (null, no error).</summary>
    public static bool TryParseText(FieldDefinition field, string? cell, out string? canonicalJson, out string? error)
    {
        canonicalJson = null;
        error = null;
        var text = cell?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        switch (field.Type)
        {
            case FieldType.Text:
                if (text.Length > MaxTextLength)
                {
                    error = $"{field.Label}: text is longer than {MaxTextLength} characters.";
                    return false;
                }

                canonicalJson = JsonSerializer.Serialize(text);
                return true;
            case FieldType.Number:
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    canonicalJson = Canonical(number);
                    return true;
                }

                error = $"{field.Label}: '{text}' is not a number (use digits with '.' as the decimal point, e.g. 1234.5).";
                return false;
            case FieldType.Date:
                if (DateTime.TryParseExact(text, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var date))
                {
                    canonicalJson = JsonSerializer.Serialize(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    return true;
                }

                error = $"{field.Label}: '{text}' is not a date (use YYYY-MM-DD, e.g. 2024-03-31).";
                return false;
            case FieldType.Boolean:
                if (TrueWords.Contains(text, StringComparer.OrdinalIgnoreCase))
                {
                    canonicalJson = "true";
                    return true;
                }

                if (FalseWords.Contains(text, StringComparer.OrdinalIgnoreCase))
                {
                    canonicalJson = "false";
                    return true;
                }

                error = $"{field.Label}: '{text}' is not a yes/no value (use true or false).";
                return false;
            case FieldType.SingleSelect:
                if (MatchOption(field, text) is { } option)
                {
                    canonicalJson = JsonSerializer.Serialize(option);
                    return true;
                }

                error = NotAnOption(field, text);
                return false;
            case FieldType.MultiSelect:
                return TryMultiSelect(field, text.Split(','), out canonicalJson, out error);
            default:
                throw new InvalidOperationException($"Unknown field type {field.Type}.");
        }
    }

    /// <summary>Reads a JSON value (API). JSON null means "clear the value" and yields a null canonical value.</summary>
    public static bool TryParseJson(FieldDefinition field, JsonElement value, out string? canonicalJson, out string? error)
    {
        ArgumentNullException.ThrowIfNull(field);
        canonicalJson = null;
        error = null;
        switch (field.Type, value.ValueKind)
        {
            case (_, JsonValueKind.Null):
                return true;
            case (FieldType.Number, JsonValueKind.Number):
                // The JSON text rather than GetDecimal(), which fails for numbers outside decimal's range without saying so.
                var raw = value.GetRawText();
                if (decimal.TryParse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    canonicalJson = Canonical(number);
                    return true;
                }

                error = $"{field.Label}: {raw} is out of range for a number (use at most 28 digits, e.g. 1234.5).";
                return false;
            case (FieldType.Boolean, JsonValueKind.True or JsonValueKind.False):
                canonicalJson = value.GetBoolean() ? "true" : "false";
                return true;
            case (FieldType.MultiSelect, JsonValueKind.Array):
                if (value.EnumerateArray().Any(i => i.ValueKind != JsonValueKind.String))
                {
                    error = $"{field.Label}: a multi-select value is an array of option strings.";
                    return false;
                }

                return TryMultiSelect(field, value.EnumerateArray().Select(i => i.GetString()!), out canonicalJson, out error);
            case (FieldType.Text or FieldType.Date or FieldType.SingleSelect or FieldType.Number or FieldType.Boolean or FieldType.MultiSelect, JsonValueKind.String):
                var ok = TryParseText(field, value.GetString()!, out canonicalJson, out error);
                if (ok && canonicalJson is null)
                {
                    // A blank string is not a value; clearing is done with null.
                    error = $"{field.Label}: a blank value is not allowed; send null to clear the field.";
                    return false;
                }

                return ok;
            default:
                error = $"{field.Label}: expected {Describe(field.Type)}, got a JSON {value.ValueKind.ToString().ToLowerInvariant()}.";
                return false;
        }
    }

    /// <summary>Turns a canonical value back into JSON for API answers and exports.</summary>
    public static JsonNode? ToJson(string canonicalJson) => JsonNode.Parse(canonicalJson);

    /// <summary>The text a CSV cell holds for a canonical value: multi-select joined with ", ".</summary>
    public static string ToCell(string canonicalJson) => JsonNode.Parse(canonicalJson) switch
    {
        JsonArray array => string.Join(", ", array.Select(i => i!.GetValue<string>())),
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        var other => other!.ToJsonString(),
    };

    /// <summary>One spelling per number: "1.50", "1.5" and "1.500" are all stored as 1.5, so re-importing never looks like a change.</summary>
    private static string Canonical(decimal number) =>
        (number / 1.000000000000000000000000000000000m).ToString(CultureInfo.InvariantCulture);

    public static string Describe(FieldType type) => type switch
    {
        FieldType.Text => "text",
        FieldType.Number => "a number",
        FieldType.Date => "a date (YYYY-MM-DD)",
        FieldType.Boolean => "true or false",
        FieldType.SingleSelect => "one of the options",
        FieldType.MultiSelect => "an array of options",
        _ => type.ToString(),
    };

    private static bool TryMultiSelect(FieldDefinition field, IEnumerable<string> parts, out string? canonicalJson, out string? error)
    {
        canonicalJson = null;
        error = null;
        var chosen = new List<string>();
        foreach (var part in parts.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            if (MatchOption(field, part) is not { } option)
            {
                error = NotAnOption(field, part);
                return false;
            }

            if (!chosen.Contains(option))
            {
                chosen.Add(option);
            }
        }

        canonicalJson = chosen.Count == 0 ? null : JsonSerializer.Serialize(chosen);
        return true;
    }

    private static string? MatchOption(FieldDefinition field, string text) =>
        field.Options.FirstOrDefault(o => string.Equals(o, text, StringComparison.OrdinalIgnoreCase));

    private static string NotAnOption(FieldDefinition field, string text) =>
        $"{field.Label}: '{text}' is not one of the options ({string.Join(", ", field.Options.Take(10))}{(field.Options.Count > 10 ? ", …" : "")}); add it in Settings → Contact fields or fix the value.";
}
