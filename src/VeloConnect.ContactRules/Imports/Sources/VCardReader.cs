using System.Globalization;
using System.Text;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// A vCard file read as a table, so it goes through the same mapping step as a CSV: Header names the columns (see
/// <see cref="VCardReader"/>), Rows holds one row per contact in file order, each with as many cells as Header
/// (<see cref="CsvRow.RowNumber"/> is the contact's position in the file, 1 for the first; Raw its text without binary
/// properties such as PHOTO). Errors block the import; warnings do not (the same codes as the CSV analysis, plus
/// <see cref="VCardCodes"/>).
/// </summary>
public sealed record VCardFile(
    IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows, int ContactCount, IReadOnlyList<SniffProblem> Errors, IReadOnlyList<SniffProblem> Warnings)
{
    public bool CanImport => Errors.Count == 0;
}

/// <summary>The codes of problems only a vCard file has.</summary>
public static class VCardCodes
{
    public const string NotVCard = "not_vcard";
    public const string SkippedProperties = "vcard_skipped_properties";
    public const string UnclosedCard = "vcard_unclosed";
}

/// <summary>
/// Reads .vcf files (vCard 2.1, 3.0 and 4.0; any number of contacts; folded lines; quoted-printable; CHARSET parameters).
/// Columns, in this order and only where some contact has a value: "Name" (FN, else built from N), "Name Prefix",
/// "First Name", "Middle Name", "Last Name", "Name Suffix", "Nickname", then one column per phone kind ("Phone (mobile)",
/// "Phone (work)", "Phone (home fax)", "Phone" without a type; an Apple label such as "Phone (iPhone)"), then "Email",
/// "Email (work)" …, "Categories", "Organization", "Job Title", "Address (home)" …, "Website", "Birthday", "Note".
/// A contact with two phones of one kind fills "Phone (mobile)" and "Phone (mobile) 2": every number keeps its own column.
/// </summary>
public static class VCardReader
{
    // Lines that carry no contact data, and Apple's label lines (read into the label of their group's TEL or EMAIL).
    private static readonly HashSet<string> Structural = ["BEGIN", "END", "VERSION", "PRODID", "REV", "UID", "X-ABLABEL", "KIND", "SOURCE", "NAME", "CLIENTPIDMAP"];

    private static readonly HashSet<string> Binary = ["PHOTO", "LOGO", "SOUND", "KEY"];

    // Type words that say where or what a phone or email is, in the order they are written in a header.
    private static readonly string[] TypeOrder = ["home", "work", "mobile", "main", "fax", "pager", "other"];

    private static readonly Dictionary<string, string> TypeWords = new(StringComparer.OrdinalIgnoreCase)
    {
        ["home"] = "home", ["work"] = "work", ["cell"] = "mobile", ["mobile"] = "mobile", ["iphone"] = "mobile", ["main"] = "main",
        ["fax"] = "fax", ["pager"] = "pager", ["other"] = "other",
    };

    public const string NameHeader = "Name";
    public const string FirstNameHeader = "First Name";
    public const string MiddleNameHeader = "Middle Name";
    public const string LastNameHeader = "Last Name";
    public const string PhoneHeader = "Phone";
    public const string EmailHeader = "Email";
    public const string CategoriesHeader = "Categories";

    private enum Rank { Name, Prefix, First, Middle, Last, Suffix, Nickname, Phone, Email, Categories, Organization, Title, Address, Website, Birthday, Note }

    private sealed record Card(int Number, List<(Rank Rank, string Header, string Value)> Values, string Raw);

    /// <summary>Reads the whole file (the stream is left open). options: only MaxDataRows (the contact limit) applies.</summary>
    public static VCardFile Read(Stream file, SniffOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        SniffEncodings.EnsureRegistered();
        using var text = Latin1Text(file);
        var errors = new List<SniffProblem>();
        var warnings = new List<SniffProblem>();
        var cards = new List<Card>();
        var skipped = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var badCharsetLines = new List<int>();
        var count = 0;
        var sawContent = false;
        List<VCardProperty>? current = null;
        StringBuilder? raw = null;
        var unclosed = false;

        foreach (var (line, number) in VCardLines.Unfold(text))
        {
            var clean = number == 1 && line.StartsWith("\u00EF\u00BB\u00BF", StringComparison.Ordinal) ? line[3..] : line;
            if (clean.Trim().Length == 0)
            {
                continue;
            }

            if (!sawContent && !clean.TrimStart().StartsWith("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase))
            {
                errors.Add(new(VCardCodes.NotVCard, VCardMessages.NotVCard, number));
                return new([], [], 0, errors, warnings);
            }

            sawContent = true;
            if (clean.Trim().Equals("BEGIN:VCARD", StringComparison.OrdinalIgnoreCase))
            {
                unclosed |= current is not null;
                Finish();
                current = [];
                raw = new StringBuilder();
                continue;
            }

            if (clean.Trim().Equals("END:VCARD", StringComparison.OrdinalIgnoreCase))
            {
                Finish();
                continue;
            }

            if (current is null || VCardLines.Parse(clean, number, out var decodeFailed) is not { } property)
            {
                continue;
            }

            if (decodeFailed)
            {
                badCharsetLines.Add(number);
            }

            current.Add(property);
            if (!Binary.Contains(property.Name) && raw!.Length < CsvSniffer.MaxCellLength)
            {
                raw.Append(property.Group is null ? "" : property.Group + ".").Append(property.Name).Append(':').Append(property.Value).Append('\n');
            }
        }

        unclosed |= current is not null;
        Finish();

        if (!sawContent)
        {
            errors.Add(new(SniffCodes.EmptyFile, SniffMessages.EmptyFile));
        }
        else if (count == 0)
        {
            errors.Add(new(VCardCodes.NotVCard, VCardMessages.NotVCard));
        }

        if (count > options.MaxDataRows)
        {
            errors.Add(new(SniffCodes.TooManyRows, SniffMessages.TooManyRows(count, options.MaxDataRows)));
        }

        var (header, rows) = Table(cards);
        if (header.Count > CsvSniffer.MaxColumns)
        {
            errors.Add(new(SniffCodes.TooManyColumns, VCardMessages.TooManyColumns(header.Count, CsvSniffer.MaxColumns)));
        }

        if (unclosed)
        {
            warnings.Add(new(VCardCodes.UnclosedCard, VCardMessages.Unclosed));
        }

        if (badCharsetLines.Count > 0)
        {
            warnings.Add(new(SniffCodes.NotUtf8, VCardMessages.NotUtf8(badCharsetLines), badCharsetLines[0]));
        }

        var oversized = rows.Where(r => r.Cells.Any(c => c.Length > CsvSniffer.MaxCellLength)).Select(r => r.RowNumber).ToList();
        if (oversized.Count > 0)
        {
            warnings.Add(new(SniffCodes.OversizedCells, SniffMessages.OversizedCells(oversized.Count, [.. oversized.Take(10)])));
        }

        if (skipped.Count > 0)
        {
            warnings.Add(new(VCardCodes.SkippedProperties, VCardMessages.Skipped(skipped)));
        }

        return new(header, rows, count, errors, warnings);

        void Finish()
        {
            if (current is null)
            {
                return;
            }

            count++;
            foreach (var name in current.Select(p => p.Name).Distinct().Where(n => !Structural.Contains(n) && !Known(n)))
            {
                skipped[name] = skipped.GetValueOrDefault(name) + 1;
            }

            if (count <= options.MaxDataRows)
            {
                cards.Add(new Card(count, Values(current), raw!.ToString()));
            }

            current = null;
            raw = null;
        }
    }

    private static bool Known(string name) =>
        name is "FN" or "N" or "NICKNAME" or "TEL" or "EMAIL" or "CATEGORIES" or "ORG" or "TITLE" or "ADR" or "URL" or "BDAY" or "NOTE";

    /// <summary>The file's bytes one per char, so line structure is found before each value is decoded in its own charset.</summary>
    private static TextReader Latin1Text(Stream file)
    {
        var head = new byte[2];
        var read = file.ReadAtLeast(head, 2, throwOnEndOfStream: false);
        var utf16 = read == 2 && ((head[0] == 0xFF && head[1] == 0xFE) || (head[0] == 0xFE && head[1] == 0xFF));
        var rest = new SniffReplayStream(head, read, file, null);
        if (!utf16)
        {
            return new StreamReader(rest, Encoding.Latin1, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        }

        // UTF-16 (a rare export): decoded whole, then given back as UTF-8 bytes like any other file.
        using var wide = new StreamReader(rest, SniffEncodings.Utf16(bigEndian: head[0] == 0xFE), detectEncodingFromByteOrderMarks: true, leaveOpen: true);
        return new StringReader(Encoding.Latin1.GetString(Encoding.UTF8.GetBytes(wide.ReadToEnd())));
    }

    private static List<(Rank, string, string)> Values(List<VCardProperty> properties)
    {
        var labels = properties
            .Where(p => p.Name == "X-ABLABEL" && p.Group is not null)
            .GroupBy(p => p.Group!)
            .ToDictionary(g => g.Key, g => AppleLabel(g.First().Value));
        var values = new List<(Rank, string, string)>();
        void Add(Rank rank, string header, string value)
        {
            if (value.Trim().Length > 0)
            {
                values.Add((rank, header, value.Trim()));
            }
        }

        string? fn = null;
        IReadOnlyList<string>? n = null;
        var categories = new List<string>();
        var notes = new List<string>();
        foreach (var p in properties)
        {
            switch (p.Name)
            {
                case "FN":
                    fn ??= VCardLines.Unescape(p.Value).Trim();
                    break;
                case "N":
                    n ??= VCardLines.Components(p.Value).Select(c => string.Join(' ', VCardLines.ListItems(c))).ToList();
                    break;
                case "NICKNAME":
                    Add(Rank.Nickname, "Nickname", string.Join(", ", VCardLines.ListItems(p.Value)));
                    break;
                case "TEL":
                    var tel = VCardLines.Unescape(p.Value).Trim();
                    tel = tel.StartsWith("tel:", StringComparison.OrdinalIgnoreCase) ? tel[4..] : tel;
                    Add(Rank.Phone, Labelled(PhoneHeader, p, labels), tel);
                    break;
                case "EMAIL":
                    Add(Rank.Email, Labelled(EmailHeader, p, labels), VCardLines.Unescape(p.Value));
                    break;
                case "CATEGORIES":
                    categories.AddRange(VCardLines.ListItems(p.Value));
                    break;
                case "ORG":
                    Add(Rank.Organization, "Organization", string.Join(", ", VCardLines.Components(p.Value).Select(c => c.Trim()).Where(c => c.Length > 0)));
                    break;
                case "TITLE":
                    Add(Rank.Title, "Job Title", VCardLines.Unescape(p.Value));
                    break;
                case "ADR":
                    // PO box, extended address, street, locality, region, postal code, country: written as one line.
                    var adr = VCardLines.Components(p.Value).Select(c => c.Replace('\n', ' ').Trim()).Where(c => c.Length > 0);
                    Add(Rank.Address, Labelled("Address", p, labels), string.Join(", ", adr));
                    break;
                case "URL":
                    Add(Rank.Website, "Website", VCardLines.Unescape(p.Value));
                    break;
                case "BDAY":
                    Add(Rank.Birthday, "Birthday", Birthday(VCardLines.Unescape(p.Value).Trim()));
                    break;
                case "NOTE":
                    notes.Add(VCardLines.Unescape(p.Value).Trim());
                    break;
            }
        }

        var parts = n ?? [];
        string Part(int i) => i < parts.Count ? parts[i].Trim() : "";
        var built = string.Join(' ', new[] { Part(3), Part(1), Part(2), Part(0), Part(4) }.Where(s => s.Length > 0));
        Add(Rank.Name, NameHeader, string.IsNullOrWhiteSpace(fn) ? built : fn);
        Add(Rank.Prefix, "Name Prefix", Part(3));
        Add(Rank.First, FirstNameHeader, Part(1));
        Add(Rank.Middle, MiddleNameHeader, Part(2));
        Add(Rank.Last, LastNameHeader, Part(0));
        Add(Rank.Suffix, "Name Suffix", Part(4));
        Add(Rank.Categories, CategoriesHeader, string.Join(", ", categories.Distinct(StringComparer.OrdinalIgnoreCase)));
        Add(Rank.Note, "Note", string.Join("\n", notes.Where(x => x.Length > 0)));
        return values;
    }

    /// <summary>"Phone (work fax)" from TYPE=work,fax; "Phone (iPhone)" from Apple's item1.X-ABLabel; "Phone" without either.</summary>
    private static string Labelled(string header, VCardProperty property, Dictionary<string, string> labels)
    {
        if (property.Group is { } group && labels.TryGetValue(group, out var label) && label.Length > 0)
        {
            return $"{header} ({label})";
        }

        var words = property.Types.Select(t => TypeWords.GetValueOrDefault(t)).OfType<string>().Distinct().OrderBy(w => Array.IndexOf(TypeOrder, w)).ToList();
        return words.Count == 0 ? header : $"{header} ({string.Join(' ', words)})";
    }

    /// <summary>Apple writes its standard labels as "_$!&lt;Mobile&gt;!$_": read as the type word ("mobile"); a custom label is kept as written.</summary>
    private static string AppleLabel(string value)
    {
        var label = VCardLines.Unescape(value).Trim();
        if (label.StartsWith("_$!<", StringComparison.Ordinal) && label.EndsWith(">!$_", StringComparison.Ordinal))
        {
            var word = label[4..^4];
            return TypeWords.GetValueOrDefault(word) ?? word.ToLowerInvariant();
        }

        return label;
    }

    /// <summary>ISO yyyy-MM-dd from "19850412", "1985-04-12" or "1985-04-12T00:00:00Z"; any other form (e.g. "--0412") as written.</summary>
    private static string Birthday(string value)
    {
        string[] formats = ["yyyyMMdd", "yyyy-MM-dd"];
        var date = value.Length >= 10 && value[4] == '-' ? value[..10] : value.Length >= 8 && char.IsDigit(value[4]) ? value[..8] : value;
        return DateOnly.TryParseExact(date, formats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            ? parsed.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)
            : value;
    }

    private static (IReadOnlyList<string> Header, IReadOnlyList<CsvRow> Rows) Table(List<Card> cards)
    {
        // Columns: each header base as often as the contact with most of it needs, ordered by kind, then first appearance.
        var order = new Dictionary<string, (Rank Rank, int First, int Count)>(StringComparer.Ordinal);
        var seen = 0;
        foreach (var card in cards)
        {
            foreach (var group in card.Values.GroupBy(v => v.Header))
            {
                (Rank Rank, int First, int Count) existing = order.TryGetValue(group.Key, out var known) ? known : (group.First().Rank, seen++, 0);
                order[group.Key] = (existing.Rank, existing.First, Math.Max(existing.Count, group.Count()));
            }
        }

        var columns = new List<(string Base, int Occurrence)>();
        foreach (var (key, (_, _, count)) in order.OrderBy(o => o.Value.Rank).ThenBy(o => o.Value.First))
        {
            for (var i = 1; i <= count; i++)
            {
                columns.Add((key, i));
            }
        }

        var header = columns.Select(c => c.Occurrence == 1 ? c.Base : $"{c.Base} {c.Occurrence}").ToList();
        var index = columns.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i);
        var rows = new List<CsvRow>(cards.Count);
        foreach (var card in cards)
        {
            var cells = new string[columns.Count];
            Array.Fill(cells, "");
            foreach (var group in card.Values.GroupBy(v => v.Header))
            {
                var occurrence = 0;
                foreach (var value in group)
                {
                    cells[index[(group.Key, ++occurrence)]] = value.Value;
                }
            }

            rows.Add(new CsvRow(card.Number, cells, card.Raw.TrimEnd('\n')));
        }

        return (HeaderNames.Unique(header), rows);
    }
}

/// <summary>The texts of vCard findings; each says what to do.</summary>
internal static class VCardMessages
{
    public static string NotVCard =>
        "This is not a vCard file: a .vcf file starts with BEGIN:VCARD and holds contacts between BEGIN:VCARD and END:VCARD. "
        + "Export the contacts again as vCard (from your phone, Apple Contacts or iCloud: select the contacts, then Export vCard) and upload that file.";

    public static string Unclosed =>
        "A contact in the file has no END:VCARD line (the file may have been cut off): it is read up to where the next contact starts or the file ends. "
        + "Check the last contacts in the review, or export the file again.";

    public static string TooManyColumns(int columns, int limit) =>
        $"The contacts need {columns:N0} columns (one per phone, email and address of the contact that has most); the limit is {limit:N0}. "
        + "Split the file or remove unused numbers and addresses, and upload it again.";

    public static string NotUtf8(IReadOnlyList<int> lines) =>
        $"Some values are not UTF-8 and name no charset (line{(lines.Count == 1 ? "" : "s")} {string.Join(", ", lines.Take(10))}{(lines.Count > 10 ? " …" : "")}): "
        + "they were read as windows-1252. Check that accented letters in the samples look right; if they do not, export the contacts again as vCard 3.0 or 4.0.";

    public static string Skipped(IReadOnlyDictionary<string, int> skipped) =>
        "These vCard details have no place in a contact and are not offered as columns: "
        + string.Join(", ", skipped.Take(10).Select(s => $"{s.Key} ({s.Value:N0} contact{(s.Value == 1 ? "" : "s")})"))
        + (skipped.Count > 10 ? $" and {skipped.Count - 10:N0} more" : "")
        + ". Nothing to do unless you need them; then copy them into a note before exporting.";
}
