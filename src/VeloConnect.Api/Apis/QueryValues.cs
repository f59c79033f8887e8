using System.Globalization;

namespace VeloConnect.Api.Apis;

internal static class QueryValues
{
    /// <summary>Reads a page size given as text, so "limit=ten" is a validation problem naming it rather than a binding failure.</summary>
    public static int ReadLimit(string? text, int defaultValue, int max, Dictionary<string, string[]> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return defaultValue;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
        {
            return value;
        }

        errors["limit"] = [$"'limit' must be a whole number between 1 and {max}."];
        return defaultValue;
    }
}
