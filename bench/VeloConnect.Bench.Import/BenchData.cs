using System.Text;
using VeloConnect.Bench.Support;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.Bench.Import;

/// <summary>One generated contact: a unique valid US phone, an email and two or three tags.</summary>
internal sealed record BenchRow(string Name, string Phone, string Email, string[] Tags);

/// <summary>The generated files: the same contacts first with their tags, then with one tag more (every row changes).</summary>
internal static class BenchData
{
    /// <summary>
    /// <paramref name="count"/> rows with phones +1 415 2xx xxxx counting up from <paramref name="firstNumber"/>, each checked
    /// with the product's own phone rules (numbers libphonenumber does not accept are skipped), so every row is valid.
    /// </summary>
    public static BenchRow[] Rows(int count, long firstNumber, string emailPrefix)
    {
        var rows = new BenchRow[count];
        var candidate = firstNumber;
        for (var i = 0; i < count; i++)
        {
            string? e164;
            do
            {
                var text = "+1415" + candidate++.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (candidate - firstNumber > count * 2L)
                {
                    throw new InvalidOperationException($"Too many generated phones were rejected by the phone rules (last tried {text}).");
                }

                Phones.TryNormalize(text, "US", out e164, out _);
            }
            while (e164 is null);

            rows[i] = new BenchRow($"Bench Contact {i}", e164, $"{emailPrefix}{i}@example.com", ["bench", $"batch{i % 10}"]);
        }

        return rows;
    }

    /// <summary>The same contacts with the tag "again" added.</summary>
    public static BenchRow[] Again(BenchRow[] rows) => [.. rows.Select(r => r with { Tags = [.. r.Tags, "again"] })];

    /// <summary>The rows as the baseline writes them (no custom values).</summary>
    public static BaselineRow[] ForBaseline(BenchRow[] rows) => [.. rows.Select(r => new BaselineRow(r.Name, r.Phone, r.Email, r.Tags, "{}"))];

    /// <summary>The CSV the wizard gets: header Name,Phone,Email,Tags; tags comma-separated in one quoted cell.</summary>
    public static byte[] Csv(IEnumerable<BenchRow> rows)
    {
        var text = new StringBuilder("Name,Phone,Email,Tags\n");
        foreach (var row in rows)
        {
            text.Append(row.Name).Append(',').Append(row.Phone).Append(',').Append(row.Email).Append(",\"").AppendJoin(',', row.Tags).Append("\"\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
