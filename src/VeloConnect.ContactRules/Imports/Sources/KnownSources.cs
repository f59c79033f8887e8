namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>A multi-value column and the separator its source writes (e.g. Outlook's "Categories" with ";").</summary>
public sealed record SeparatedColumn(int Column, string Separator);

/// <summary>
/// A recognised export and its conventions, as column indexes (0-based) of the file: NameColumns are combined in order into
/// Name, joined with a space, blanks skipped (empty when the file has a full-name column, then FullNameColumn); TagColumns
/// with their separators (system values such as Google's "* myContacts" are dropped by <see cref="MultiValues.Split"/>);
/// PrimaryPhone the phone column that holds numbers (a mobile one first), never an empty one; OtherPhones the rest that hold
/// any; Email the first email column. Message is for the user ("Looks like an Outlook export: …").
/// </summary>
public sealed record SourceConventions(
    string Source,
    string Message,
    int? FullNameColumn,
    IReadOnlyList<int> NameColumns,
    IReadOnlyList<SeparatedColumn> TagColumns,
    int? PrimaryPhone,
    IReadOnlyList<int> OtherPhones,
    int? Email);

/// <summary>
/// Recognises exports of common tools from their headers (layouts written from the tools' documented export columns):
/// Google Contacts, Outlook, HubSpot, Mailchimp, Salesforce, Zoho CRM, Brevo; vCard files (Apple/iCloud, phones) by their type.
/// </summary>
public static class KnownSources
{
    private sealed record Layout(
        string Source,
        string[] Required,
        string[] AnyOf,
        string[] FullName,
        string[] NameParts,
        (string Header, string Separator)[] Tags,
        string[] Phones,
        string[] Emails);

    // Compact header spellings (HeaderWords.Compact: lower-case letters and digits). Phones: mobile first, the preferred order.
    private static readonly Layout[] Layouts =
    [
        new("Google Contacts",
            [], ["groupmembership", "labels", "email1value", "phone1value"],
            ["name"], ["givenname", "additionalname", "familyname", "firstname", "middlename", "lastname"],
            [("groupmembership", MultiValues.GoogleSeparator), ("labels", MultiValues.GoogleSeparator)],
            ["phone1value", "phone2value", "phone3value", "phone4value"], ["email1value", "email2value", "email3value"]),
        new("Outlook",
            ["emailaddress"], ["businessphone", "primaryphone", "mobilephone", "email2address", "categories", "homephone"],
            [], ["firstname", "middlename", "lastname"],
            [("categories", ";")],
            ["mobilephone", "primaryphone", "businessphone", "homephone", "businessphone2", "homephone2", "otherphone", "carphone", "companymainphone"],
            ["emailaddress", "email2address", "email3address"]),
        new("HubSpot",
            [], ["recordid", "lifecyclestage", "contactowner", "leadstatus", "mobilephonenumber"],
            [], ["firstname", "lastname"],
            [],
            ["mobilephonenumber", "phonenumber"], ["email"]),
        new("Mailchimp",
            [], ["memberrating", "optintime", "optinip", "confirmtime", "leid", "euid", "lastchanged"],
            [], ["firstname", "lastname"],
            [("tags", ",")],
            ["phonenumber", "phone"], ["emailaddress", "email"]),
        new("Salesforce",
            [], ["salutation", "accountname", "mailingstreet", "mobilephone", "accountid", "contactid"],
            [], ["firstname", "lastname"],
            [],
            ["mobile", "mobilephone", "phone", "homephone", "otherphone"], ["email"]),
        new("Zoho CRM",
            ["contactowner"], ["salutation", "tag", "emailoptout", "accountname", "recordid"],
            [], ["firstname", "lastname"],
            [("tag", ",")],
            ["mobile", "phone", "homephone", "otherphone"], ["email", "secondaryemail"]),
        new("Brevo",
            ["sms"], ["firstname", "lastname", "emailblacklisted", "smsblacklisted", "listids", "contactid", "whatsapp"],
            [], ["firstname", "lastname"],
            [],
            ["sms", "whatsapp", "landlinenumber"], ["email"]),
    ];

    /// <summary>
    /// The recognised source and its conventions, or null when the headers match no known layout. A layout matches when every
    /// required header is present and at least two of its telltale headers are (one when it has only one); the layout with the
    /// most telltales wins. samples: per column (may be empty), used to pick the primary phone by content.
    /// </summary>
    public static SourceConventions? Recognize(IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> samples)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(samples);
        var compact = header.Select(h => HeaderWords.Of(h).Compact).ToList();
        var present = compact.ToHashSet(StringComparer.Ordinal);
        var best = Layouts
            .Where(l => l.Required.All(present.Contains))
            .Select(l => (Layout: l, Telltales: l.AnyOf.Count(present.Contains)))
            .Where(x => x.Telltales >= Math.Min(2, x.Layout.AnyOf.Length))
            .OrderByDescending(x => x.Telltales + x.Layout.Required.Length)
            .FirstOrDefault();
        if (best.Layout is not { } layout)
        {
            return null;
        }

        int? Find(string name) => compact.IndexOf(name) is var i and >= 0 ? i : null;
        bool Holds(int column) => column < samples.Count && samples[column].Any(s => !string.IsNullOrWhiteSpace(s));

        var fullName = layout.FullName.Select(Find).FirstOrDefault(i => i is not null);
        var nameParts = fullName is not null && Holds(fullName.Value)
            ? []
            : layout.NameParts.Select(Find).OfType<int>().Distinct().ToList();
        var tags = layout.Tags.Select(t => (Column: Find(t.Header), t.Separator)).Where(t => t.Column is not null)
            .Select(t => new SeparatedColumn(t.Column!.Value, t.Separator)).ToList();
        var phones = layout.Phones.Select(Find).OfType<int>().Distinct().ToList();
        var filled = phones.Where(Holds).ToList();
        int? primary = filled.Count > 0 ? filled[0] : null;
        var email = layout.Emails.Select(Find).FirstOrDefault(i => i is not null);
        return new(layout.Source, Message(layout.Source, nameParts.Select(i => header[i]).ToList(), tags.Select(t => (header[t.Column], t.Separator)).ToList(),
                primary is { } p ? header[p] : null),
            fullName is not null && nameParts.Count == 0 ? fullName : null, nameParts, tags, primary, [.. filled.Skip(1)], email);
    }

    /// <summary>A vCard file: Apple/iCloud Contacts and phones export them; its conventions are those of <see cref="VCardMapping"/>.</summary>
    public static string VCardMessage =>
        "Looks like a vCard export (Apple/iCloud Contacts or a phone): each contact's name, phones, emails and categories are offered as columns, already mapped.";

    private static string Message(string source, IReadOnlyList<string> nameParts, IReadOnlyList<(string Header, string Separator)> tags, string? primary)
    {
        var parts = new List<string>();
        if (nameParts.Count > 1)
        {
            parts.Add($"the name is {string.Join(" + ", nameParts.Select(n => $"'{n}'"))}, joined with a space");
        }

        parts.AddRange(tags.Select(t => $"'{t.Header}' holds several tags separated by {(t.Separator == MultiValues.GoogleSeparator ? "' ::: ' (Google's own groups, marked '* ', are left out)" : $"a {MultiValues.Name(t.Separator)}")}"));
        if (primary is not null)
        {
            parts.Add($"'{primary}' is the primary phone (it holds numbers)");
        }

        var article = source is "Outlook" ? "an" : "a";
        return parts.Count == 0
            ? $"Looks like {article} {source} export."
            : $"Looks like {article} {source} export: {string.Join("; ", parts)}. Check the mapping below; every choice can be changed.";
    }
}
