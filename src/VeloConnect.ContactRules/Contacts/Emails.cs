using System.Net.Mail;

namespace VeloConnect.ContactRules.Contacts;

/// <summary>Emails are stored trimmed and matched case-insensitively.</summary>
public static class Emails
{
    public const int MaxLength = 254;

    /// <summary>The matching key: trimmed and lower-cased (invariant).</summary>
    public static string Key(string email) => email.Trim().ToLowerInvariant();

    /// <summary>Trims and validates an address; a blank value is "no email" (null, no error).</summary>
    public static bool TryNormalize(string? raw, out string? email, out string? error)
    {
        email = null;
        error = null;
        var trimmed = raw?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return true;
        }

        if (trimmed.Length > MaxLength)
        {
            error = $"Email is longer than {MaxLength} characters; no valid address is that long, so check the cell.";
            return false;
        }

        // One '@' with text on both sides, a dot in the domain, no spaces, and what .NET's parser accepts as a bare address.
        var at = trimmed.IndexOf('@');
        var valid = at > 0
            && at == trimmed.LastIndexOf('@')
            && at < trimmed.Length - 1
            && !trimmed.Any(char.IsWhiteSpace)
            && trimmed[(at + 1)..].Contains('.')
            && !trimmed.EndsWith('.')
            && MailAddress.TryCreate(trimmed, out var parsed)
            && parsed.Address == trimmed;
        if (!valid)
        {
            error = $"'{trimmed}' is not a valid email address (expected name@example.com).";
            return false;
        }

        email = trimmed;
        return true;
    }
}
