using System.Globalization;
using System.Text;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Imports;

/// <summary>A header read for matching: its words and their concatenation ("E-mail 1 - Value" → [e, mail, 1, value], "email1value").</summary>
internal sealed record HeaderWords(IReadOnlyList<string> Tokens, string Compact)
{
    public static HeaderWords Of(string? header)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var previous = '\0';
        foreach (var c in RemoveDiacritics(header ?? ""))
        {
            // A word ends at punctuation or space, between letters and digits, and at a camelCase hump ("firstName").
            var boundary = !char.IsLetterOrDigit(c)
                || (current.Length > 0 && (char.IsDigit(c) != char.IsDigit(previous) || (char.IsUpper(c) && char.IsLower(previous))));
            if (boundary && current.Length > 0)
            {
                tokens.Add(current.ToString());
                current.Clear();
            }

            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }

            previous = c;
        }

        if (current.Length > 0)
        {
            tokens.Add(current.ToString());
        }

        return new(tokens, string.Concat(tokens));
    }

    public bool Has(string token) => Tokens.Contains(token);

    private static string RemoveDiacritics(string text)
    {
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark)
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}

/// <summary>Header synonyms and sample tests behind <see cref="MappingRules.Suggest"/>.</summary>
internal static class MappingVocabulary
{
    // Compact spellings (see HeaderWords.Compact). Exact built-in names are matched first, then these.
    public static readonly IReadOnlySet<string> NameSynonyms = Set(
        "fullname", "contactname", "displayname", "customername", "clientname", "personname", "yourname",
        "nombre", "nombrecompleto", "nom", "nomcomplet", "nome", "nomecompleto", "naam", "vollstandigername");

    // Used as the name only when no full-name column exists: common exports (Outlook, HubSpot, newer Google) have no full name.
    public static readonly IReadOnlySet<string> FirstNameSynonyms = Set(
        "firstname", "givenname", "forename", "first", "vorname", "prenom", "primernombre");

    public static readonly IReadOnlySet<string> LastNameHeaders = Set(
        "lastname", "familyname", "surname", "last", "nachname", "apellido", "apellidos", "middlename");

    public static readonly IReadOnlySet<string> PhoneSynonyms = Set(
        "phonenumber", "phoneno", "phonenr", "mobile", "mobilephone", "mobilenumber", "mobileno", "mobilephonenumber",
        "cell", "cellphone", "cellular", "cellnumber", "cellphonenumber", "telephone", "telephonenumber", "tel", "telno",
        "telnumber", "whatsapp", "whatsappnumber", "whatsappphone", "msisdn", "contactnumber", "contactphone",
        "primaryphone", "primaryphonenumber", "phone1", "phone1value", "mainphone", "homephone", "workphone",
        "businessphone", "officephone", "handy", "mobil", "telefon", "telefono", "telefone", "celular", "movil",
        "portable", "telefonnummer", "numerodetelefono");

    // Phone columns that are additional by name, wherever they stand.
    public static readonly IReadOnlySet<string> AdditionalPhoneSynonyms = Set(
        "additionalphone", "additionalphones", "phoneadditional", "phones", "otherphone", "otherphones",
        "secondaryphone", "alternatephone", "alternativephone", "altphone", "phone2", "phone3", "phone4",
        "phone2value", "phone3value", "phone4value", "phone5value", "homephone2", "businessphone2", "mobilephone2");

    public static readonly IReadOnlySet<string> EmailSynonyms = Set(
        "emailaddress", "mail", "emailid", "emailadresse", "emails", "email1", "email1value", "primaryemail",
        "emailprimary", "mainemail", "workemail", "personalemail", "businessemail", "contactemail", "emailaddr",
        "correo", "correoelectronico", "courriel", "adressemail", "eaddress");

    public static readonly IReadOnlySet<string> TagsSynonyms = Set(
        "tag", "labels", "label", "groups", "group", "groupmembership", "categories", "category", "segments",
        "segment", "etiquetas", "etiquettes", "schlagworter");

    // Words that make a header a phone or email column in any position ("Customer Mobile Number", "Work E-mail").
    public static readonly IReadOnlySet<string> PhoneWords = Set(
        "phone", "phones", "mobile", "cell", "cellphone", "telephone", "tel", "whatsapp", "msisdn", "handy", "telefon", "telefono");

    public static readonly IReadOnlySet<string> EmailWords = Set("email", "mail", "emailaddress", "correo", "courriel");

    public static readonly IReadOnlySet<string> AdditionalWords = Set(
        "additional", "secondary", "alternate", "alternative", "alt", "other", "extra", "second", "backup");

    // Opt-in and consent columns: never a target (opt-ins are set deliberately, through their own API).
    private static readonly string[] OptInFragments =
    [
        "optin", "optout", "optedin", "optedout", "consent", "unsubscrib", "subscribed", "subscriptionstatus",
        "donotcontact", "donotcall", "donotemail", "donottext", "donotsms", "donotmessage", "acceptsmarketing",
        "acceptsemailmarketing", "acceptssmsmarketing", "marketingpermission", "gdpr", "hasoptedout", "emailoptout",
        "smsoptout",
    ];

    private static readonly IReadOnlySet<string> OptInWords = Set("dnc", "optins", "optouts");

    // What an export writes and VeloConnect sets by itself: round-tripping an export must not try to import them.
    public static readonly IReadOnlySet<string> SystemColumns = Set(
        "id", "contactid", "source", "createdat", "created", "createddate", "createdon", "lastactivityat", "lastactivity",
        "lastactivitydate", "updatedat", "assignedagent", "assignedagentid", "assignedto", "owner");

    private static readonly IReadOnlySet<string> StatusWords = Set(
        "optedin", "optedout", "subscribed", "unsubscribed", "optin", "optout");

    // Words that make a phone or email header describe one rather than hold one.
    public static readonly IReadOnlySet<string> QualifierWords = Set(
        "type", "kind", "label", "verified", "valid", "status", "count", "ext", "extension", "country", "code",
        "prefix", "confirmed", "bounced", "domain", "format", "provider", "carrier");

    public static bool LooksLikeOptIn(HeaderWords header) =>
        OptInFragments.Any(f => header.Compact.Contains(f, StringComparison.Ordinal)) || header.Tokens.Any(OptInWords.Contains);

    /// <summary>Samples such as "opted_out", "Unsubscribed": an opt-in column whatever its header says.</summary>
    public static bool SamplesLookLikeOptIn(IReadOnlyList<string> samples) =>
        // "unknown" counts only beside a real status: a column of "Unknown" alone says nothing about consent.
        MostlyFit(samples, s => HeaderWords.Of(s).Compact is var c && (c == "unknown" || StatusWords.Contains(c)))
        && samples.Any(s => StatusWords.Contains(HeaderWords.Of(s).Compact));

    public static bool IsEmailLike(string sample) => Emails.TryNormalize(sample, out var email, out _) && email is not null;

    /// <summary>7–15 digits written with phone punctuation only; several numbers in one cell (",", ";", " ::: ") all qualify.</summary>
    public static bool IsPhoneLike(string sample) => PhoneParts(sample).All(IsOnePhone) && PhoneParts(sample).Any();

    /// <summary>Phone-like and formatted as a phone ("+44 …", "(415) 555-0100"), not a bare run of digits that could be an id.</summary>
    public static bool IsFormattedPhone(string sample) =>
        IsPhoneLike(sample) && PhoneParts(sample).All(p => p.StartsWith('+') || p.StartsWith("00", StringComparison.Ordinal) || p.Any(c => !char.IsAsciiDigit(c)));

    public static bool IsNumber(string sample) =>
        decimal.TryParse(sample.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out _);

    /// <summary>The parts of a phone cell: exports and address books put several numbers in one cell.</summary>
    public static IEnumerable<string> PhoneParts(string? cell) =>
        (cell ?? "").Split([":::", ",", ";"], StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>True when at least half of the non-blank samples fit (and there is one), so a single typo does not decide.</summary>
    public static bool MostlyFit(IReadOnlyList<string> samples, Func<string, bool> fits)
    {
        var given = samples.Where(s => !string.IsNullOrWhiteSpace(s)).ToList();
        return given.Count > 0 && given.Count(fits) * 2 >= given.Count;
    }

    /// <summary>True when every non-blank sample fits (vacuously true without samples).</summary>
    public static bool AllFit(IReadOnlyList<string> samples, Func<string, bool> fits) =>
        samples.Where(s => !string.IsNullOrWhiteSpace(s)).All(fits);

    /// <summary>1 for equal strings, 0 for nothing in common: optimal-string-alignment distance over the longer length, so a swapped pair ("emial") costs one edit.</summary>
    public static double Similarity(string a, string b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            return a == b ? 1 : 0;
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return 1 - (double)d[a.Length, b.Length] / Math.Max(a.Length, b.Length);
    }

    private static bool IsOnePhone(string part)
    {
        var text = part.Trim();
        var digits = text.Count(char.IsAsciiDigit);
        return digits is >= 7 and <= 15
            && text.All(c => char.IsAsciiDigit(c) || c is '+' or ' ' or '-' or '(' or ')' or '.' or '/' or '\u00A0')
            && text.IndexOf('+', 1) < 0;
    }

    private static HashSet<string> Set(params string[] words) => new(words, StringComparer.Ordinal);
}
