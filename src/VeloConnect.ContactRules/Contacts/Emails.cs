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
        // The common shape is decided without the parser (IsPlain: the parser accepts every such address as it is); the
        // parser, the import's most expensive check per row, is asked only about the rest.
        var at = trimmed.IndexOf('@');
        var valid = at > 0
            && at == trimmed.LastIndexOf('@')
            && at < trimmed.Length - 1
            && (IsPlain(trimmed, at)
                || (!trimmed.Any(char.IsWhiteSpace)
                    && trimmed[(at + 1)..].Contains('.')
                    && !trimmed.EndsWith('.')
                    && MailAddress.TryCreate(trimmed, out var parsed)
                    && parsed.Address == trimmed));
        if (!valid)
        {
            error = $"'{trimmed}' is not a valid email address (expected name@example.com).";
            return false;
        }

        email = trimmed;
        return true;
    }

    /// <summary>
    /// Whether the address (one '@' at <paramref name="at"/>) has the common shape: a local part of ASCII letters, digits
    /// and <c>. _ % + -</c> (no dot first, last or twice in a row) and a domain of two or more dot-separated labels of
    /// ASCII letters, digits and hyphens. Every such address is valid as it is (<c>MailAddress</c> accepts it and gives
    /// it back unchanged, checked by EmailsTests over generated addresses).
    /// </summary>
    private static bool IsPlain(string address, int at)
    {
        var local = address.AsSpan(0, at);
        if (local[0] == '.' || local[^1] == '.' || local.Contains("..", StringComparison.Ordinal))
        {
            return false;
        }

        foreach (var c in local)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('.' or '_' or '%' or '+' or '-'))
            {
                return false;
            }
        }

        var labels = 0;
        foreach (var label in address.AsSpan(at + 1).Split('.'))
        {
            var text = address.AsSpan(at + 1)[label];
            if (text.IsEmpty)
            {
                return false;
            }

            foreach (var c in text)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }

            labels++;
        }

        return labels >= 2;
    }
}
