using System.Globalization;
using System.Text;
using System.Text.Json;
using VeloConnect.Bench.Support;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.Bench.Bulk;

/// <summary>
/// One generated contact as a client sends it: a name, one phone as a person types it (<see cref="SentPhone"/>: E.164
/// for most, US national format for every fourth), the same phone in E.164 (<see cref="Phone"/>, what is stored), an
/// email, two or three tags and custom values (Company: text, on three in four; Plan: single select, on all).
/// </summary>
internal sealed record BulkContact(string Name, string SentPhone, string Phone, string Email, string[] Tags, string? Company, string Plan);

/// <summary>The generated contacts (deterministic: contact i is the same in every run), as JSON batches, as the baseline's rows and as a CSV file.</summary>
internal static class BulkData
{
    public static readonly string[] Plans = ["Free", "Pro", "Enterprise"];
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "David", "Elif", "Farid", "Grace", "Hiro", "Ines", "José", "Kai", "Łucja", "Mia", "Noah", "Olu"];
    private static readonly string[] LastNames = ["Alvarez", "Brown", "Chen", "Dubois", "Eze", "Fischer", "García", "Haddad", "Ivanova", "Jensen", "Kowalski", "Müller", "Nguyen", "O'Brien", "Patel", "Rossi", "Tanaka"];
    private static readonly string[] TagNames = ["customer", "lead", "vip", "newsletter", "wholesale", "event-2025", "churn-risk"];

    /// <summary>
    /// <paramref name="count"/> contacts with phones +1 415 2xx xxxx counting up from <paramref name="firstNumber"/>, each
    /// checked with the product's own phone rules (numbers libphonenumber does not accept are skipped), so every item is valid.
    /// </summary>
    public static BulkContact[] Contacts(int count, long firstNumber, string emailTag)
    {
        var contacts = new BulkContact[count];
        var candidate = firstNumber;
        for (var i = 0; i < count; i++)
        {
            string? e164;
            long number;
            do
            {
                number = candidate++;
                if (candidate - firstNumber > count * 2L)
                {
                    throw new InvalidOperationException($"Too many generated phones were rejected by the phone rules (last tried +1415{number}).");
                }

                Phones.TryNormalize(string.Create(CultureInfo.InvariantCulture, $"+1415{number}"), "US", out e164, out _);
            }
            while (e164 is null);

            var digits = number.ToString(CultureInfo.InvariantCulture);
            var sent = i % 4 == 3 ? $"(415) {digits[..3]}-{digits[3..]}" : e164;
            var (first, last) = (FirstNames[i % FirstNames.Length], LastNames[i / FirstNames.Length % LastNames.Length]);
            var email = string.Create(CultureInfo.InvariantCulture, $"{Slug(first)}.{Slug(last)}.{emailTag}{i}@example.com");
            contacts[i] = new BulkContact($"{first} {last}", sent, e164, email, Tags(i), i % 4 == 0 ? null : $"Company {i % 5000}", Plans[i % Plans.Length]);
        }

        return contacts;
    }

    /// <summary>The same contacts with the tag "again" added: every item changes its contact (merge, tag union).</summary>
    public static BulkContact[] Again(BulkContact[] contacts) => [.. contacts.Select(c => c with { Tags = [.. c.Tags, "again"] })];

    /// <summary>One request body: a JSON array of contact bodies as for POST /api/contacts.</summary>
    public static byte[] Json(ArraySegment<BulkContact> batch)
    {
        using var buffer = new MemoryStream(batch.Count * 200);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartArray();
            foreach (var contact in batch)
            {
                json.WriteStartObject();
                json.WriteString("name", contact.Name);
                json.WriteStartArray("phones");
                json.WriteStringValue(contact.SentPhone);
                json.WriteEndArray();
                json.WriteString("email", contact.Email);
                json.WriteStartArray("tags");
                foreach (var tag in contact.Tags)
                {
                    json.WriteStringValue(tag);
                }

                json.WriteEndArray();
                json.WriteStartObject("custom");
                if (contact.Company is not null)
                {
                    json.WriteString("company", contact.Company);
                }

                json.WriteString("plan", contact.Plan);
                json.WriteEndObject();
                json.WriteEndObject();
            }

            json.WriteEndArray();
        }

        return buffer.ToArray();
    }

    /// <summary>The contacts as the baseline writes them: the stored phone and the custom values as a JSON object.</summary>
    public static BaselineRow[] ForBaseline(BulkContact[] contacts) => [.. contacts.Select(c => new BaselineRow(c.Name, c.Phone, c.Email, c.Tags,
        c.Company is null ? $$"""{"plan": "{{c.Plan}}"}""" : $$"""{"plan": "{{c.Plan}}", "company": "{{c.Company}}"}"""))];

    /// <summary>The contacts as a CSV file for the command-line importer: Name,Phone,Email,Tags,Company,Plan; tags comma-separated in one quoted cell.</summary>
    public static void WriteCsv(string path, IEnumerable<BulkContact> contacts)
    {
        using var file = new StreamWriter(path, false, new UTF8Encoding(false));
        file.Write("Name,Phone,Email,Tags,Company,Plan\n");
        foreach (var c in contacts)
        {
            file.Write($"\"{c.Name.Replace("\"", "\"\"", StringComparison.Ordinal)}\",{c.SentPhone},{c.Email},\"{string.Join(',', c.Tags)}\",{c.Company},{c.Plan}\n");
        }
    }

    private static string Slug(string name) =>
        new([.. name.Normalize(NormalizationForm.FormD).ToLowerInvariant().Where(char.IsAsciiLetter)]);

    /// <summary>Two tags, and a third for every third contact; never the same tag twice.</summary>
    private static string[] Tags(int i)
    {
        var first = i % TagNames.Length;
        var second = (first + 1 + i / TagNames.Length % (TagNames.Length - 2)) % TagNames.Length;
        var third = (first + TagNames.Length - 1) % TagNames.Length;
        return i % 3 == 0 ? [TagNames[first], TagNames[second], TagNames[third]] : [TagNames[first], TagNames[second]];
    }
}
