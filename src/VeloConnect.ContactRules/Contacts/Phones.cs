using PhoneNumbers;

namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// Phone numbers are stored in E.164. A number written without a country code is read in the
/// workspace's default region (overridable per import), so "(415) 555-0100", "415.555.0100"
/// and "+1 415 555 0100" are one number.
/// </summary>
public static class Phones
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>True when <paramref name="region"/> is a region code libphonenumber knows ("US", "GB", "DE", …).</summary>
    public static bool IsKnownRegion(string? region) =>
        region is not null && Util.GetSupportedRegions().Contains(region.ToUpperInvariant());

    /// <summary>Normalises to E.164; a blank value is "no phone" (null, no error).</summary>
    public static bool TryNormalize(string? raw, string defaultRegion, out string? e164, out string? error)
    {
        e164 = null;
        error = null;
        var trimmed = raw?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        // "00" is the international prefix in most of the world; libphonenumber only knows it per region.
        var text = trimmed.StartsWith("00", StringComparison.Ordinal) ? "+" + trimmed[2..] : trimmed;
        PhoneNumber number;
        try
        {
            number = Util.Parse(text, defaultRegion.ToUpperInvariant());
        }
        catch (NumberParseException ex)
        {
            // Without a country code the number can only be read in the default region; if that region is unknown, say so.
            error = ex.ErrorType == ErrorType.INVALID_COUNTRY_CODE && !text.StartsWith('+')
                ? $"'{trimmed}' has no country code and '{defaultRegion}' is not a known region (add the country code, e.g. +44…, or choose the import's default region)."
                : $"'{trimmed}' is not a phone number (write it with digits, e.g. +1 415 555 0100 or (415) 555-0100).";
            return false;
        }

        if (!Util.IsValidNumber(number))
        {
            error = text.StartsWith('+')
                ? $"'{trimmed}' is not a valid phone number (check the country code and the number of digits)."
                : $"'{trimmed}' is not a valid phone number in region {defaultRegion.ToUpperInvariant()} (add the country code, e.g. +44…, or choose the import's default region).";
            return false;
        }

        e164 = Util.Format(number, PhoneNumberFormat.E164);
        return true;
    }

    /// <summary>True when the text already is a valid E.164 number (as exports write them).</summary>
    public static bool IsE164(string text) =>
        text.Length is > 2 and <= 16 && text[0] == '+' && text.Skip(1).All(char.IsAsciiDigit)
        && TryNormalize(text, "ZZ", out var e164, out _) && e164 == text;
}
