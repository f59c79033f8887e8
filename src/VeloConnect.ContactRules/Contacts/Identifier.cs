namespace VeloConnect.ContactRules.Contacts;

public enum IdentifierKind
{
    Phone,
    Email,
}

/// <summary>
/// A value that identifies at most one contact in a workspace: a normalised phone (E.164) or
/// a lower-cased email. <see cref="Key"/> is what uniqueness is decided on.
/// </summary>
public readonly record struct Identifier(IdentifierKind Kind, string Key)
{
    public static Identifier Phone(string e164) => new(IdentifierKind.Phone, e164);

    public static Identifier ForEmail(string email) => new(IdentifierKind.Email, Emails.Key(email));

    /// <summary>"p:+14155550100" or "e:ann@example.com": stable text form, used in grain keys and storage.</summary>
    public override string ToString() => (Kind == IdentifierKind.Phone ? "p:" : "e:") + Key;

    /// <summary>"Phone +14155550100" or "Email ann@example.com", for messages.</summary>
    public string Describe() => (Kind == IdentifierKind.Phone ? "Phone " : "Email ") + Key;

    public static Identifier Parse(string text) => text switch
    {
        ['p', ':', ..] => new(IdentifierKind.Phone, text[2..]),
        ['e', ':', ..] => new(IdentifierKind.Email, text[2..]),
        _ => throw new FormatException($"'{text}' is not an identifier (expected 'p:<e164>' or 'e:<email>')."),
    };
}
