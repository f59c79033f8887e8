using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using VeloConnect.Bench.Support;

namespace VeloConnect.Bench.Export;

/// <summary>A seeded workspace: its id, the HTTP client holding its agent's API key, and the custom fields' keys in display order.</summary>
internal sealed record SeededWorkspace(Guid WorkspaceId, HttpClient Client, IReadOnlyList<string> FieldKeys);

/// <summary>
/// Contacts to export, put straight into VeloConnect's tables (the export reads the tables, not the grains): custom
/// fields created through the API, then binary <c>COPY</c> of the contacts, their phone and email identifiers and some
/// opt-ins in one transaction, then <c>vacuum analyze</c>. Deterministic: contact i is the same in every run.
/// </summary>
internal static class ExportData
{
    private static readonly string[] FirstNames = ["Ana", "Ben", "Chloé", "David", "Elif", "Farid", "Grace", "Hiro", "Ines", "José", "Kai", "Łucja", "Mia", "Noah", "Olu", "Priya", "Quinn", "Rosa", "Sven", "Zoë"];
    private static readonly string[] FirstSlugs = ["ana", "ben", "chloe", "david", "elif", "farid", "grace", "hiro", "ines", "jose", "kai", "lucja", "mia", "noah", "olu", "priya", "quinn", "rosa", "sven", "zoe"];
    private static readonly string[] LastNames = ["Alvarez", "Brown", "Chen", "Dubois", "Eze", "Fischer", "García", "Haddad", "Ivanova", "Jensen", "Kowalski", "Lee", "Müller", "Nguyen", "O'Brien", "Patel", "Rossi", "Smith", "Tanaka", "Yilmaz"];
    private static readonly string[] LastSlugs = ["alvarez", "brown", "chen", "dubois", "eze", "fischer", "garcia", "haddad", "ivanova", "jensen", "kowalski", "lee", "muller", "nguyen", "obrien", "patel", "rossi", "smith", "tanaka", "yilmaz"];
    private static readonly string[] AreaCodes = ["415", "628", "650"];
    private static readonly string[] TagNames = ["customer", "lead", "vip", "newsletter", "wholesale", "event-2025", "churn-risk"];
    private static readonly string[] Sources = ["CSV import", "API", "WhatsApp"];
    private static readonly string[] Plans = ["Free", "Pro", "Enterprise"];
    private static readonly DateTimeOffset FirstCreated = new(2024, 1, 1, 8, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// A new workspace with three custom fields (Company: text, Plan: single select, Score: number) and
    /// <paramref name="count"/> contacts: name, one phone, email, 2–3 tags, field values on most, every other one assigned
    /// to the agent, and opt-ins (WhatsApp opted in for a third, SMS opted out for a tenth, email opted in for a fifth).
    /// </summary>
    public static async Task<SeededWorkspace> SeedAsync(Stack stack, string name, int count)
    {
        var clock = Stopwatch.StartNew();
        var (workspaceId, userId, client) = await stack.NewWorkspaceAsync(name);
        await CreateFieldAsync(client, new { key = "company", label = "Company", type = "text" });
        await CreateFieldAsync(client, new { key = "plan", label = "Plan", type = "single_select", options = Plans });
        await CreateFieldAsync(client, new { key = "score", label = "Score", type = "number" });

        await using (var connection = await stack.DataSource.OpenConnectionAsync())
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            var ids = Enumerable.Range(0, count).Select(_ => Guid.CreateVersion7()).ToArray();
            var contacts = Enumerable.Range(0, count).Select(i => Contact(i, ids[i], userId)).ToList();
            await ContactsCopy.CopyContactsAsync(connection, workspaceId, contacts);
            await ContactsCopy.CopyIdentifiersAsync(connection, workspaceId, contacts);
            await using (var copy = await connection.BeginBinaryImportAsync("copy contact_opt_ins (contact_id, workspace_id, channel, status, set_at, source) from stdin (format binary)"))
            {
                for (var i = 0; i < count; i++)
                {
                    foreach (var (channel, status, source) in OptIns(i))
                    {
                        copy.StartRow();
                        copy.Write(ids[i], NpgsqlDbType.Uuid);
                        copy.Write(workspaceId, NpgsqlDbType.Uuid);
                        copy.Write(channel, NpgsqlDbType.Text);
                        copy.Write(status, NpgsqlDbType.Text);
                        copy.Write(Created(i).AddHours(1), NpgsqlDbType.TimestampTz);
                        copy.Write(source, NpgsqlDbType.Text);
                    }
                }

                await copy.CompleteAsync();
            }

            await transaction.CommitAsync();
        }

        // As after a real import: statistics for the planner, and autovacuum's work done before anything is measured.
        await using (var vacuum = stack.DataSource.CreateCommand($"vacuum analyze {ContactsCopy.Tables}, contact_opt_ins"))
        {
            vacuum.CommandTimeout = 0;
            await vacuum.ExecuteNonQueryAsync();
        }

        await Console.Error.WriteLineAsync(FormattableString.Invariant($"bench: seeded {count} contacts into '{name}' in {clock.Elapsed.TotalSeconds:0.0} s"));
        return new SeededWorkspace(workspaceId, client, ["company", "plan", "score"]);
    }

    /// <summary>Contact i: name, a phone unique per contact (+1 415|628|650 2xx xxxx), email, tags, custom values, source, every other one assigned to the agent.</summary>
    private static ContactCopyRow Contact(int i, Guid id, Guid agentId)
    {
        var (first, last) = (i % FirstNames.Length, i / FirstNames.Length % LastNames.Length);
        var phone = FormattableString.Invariant($"+1{AreaCodes[i % AreaCodes.Length]}{2_000_000 + i / AreaCodes.Length}");
        var email = FormattableString.Invariant($"{FirstSlugs[first]}.{LastSlugs[last]}.{i}@example.com");
        var created = Created(i);
        return new ContactCopyRow(id, $"{FirstNames[first]} {LastNames[last]}", phone, email, Tags(i), Custom(i), Sources[i % Sources.Length],
            i % 2 == 0 ? agentId : null, created, created.AddMinutes(i % 1440));
    }

    private static DateTimeOffset Created(int i) => FirstCreated.AddSeconds(i * 31L);

    /// <summary>Two tags, and a third for every third contact; never the same tag twice.</summary>
    private static string[] Tags(int i)
    {
        var first = i % TagNames.Length;
        var second = (first + 1 + i / TagNames.Length % (TagNames.Length - 2)) % TagNames.Length;
        var third = (first + TagNames.Length - 1) % TagNames.Length;
        return i % 3 == 0 ? [TagNames[first], TagNames[second], TagNames[third]] : [TagNames[first], TagNames[second]];
    }

    /// <summary>The custom values as the product stores them (canonical JSON per field key): text, single select, number; some left out.</summary>
    private static string Custom(int i)
    {
        var values = new Dictionary<string, object>();
        if (i % 4 != 0)
        {
            values["company"] = FormattableString.Invariant($"Company {i % 5000}");
        }

        values["plan"] = Plans[i % Plans.Length];
        if (i % 5 != 0)
        {
            values["score"] = i % 1000 / 10m;
        }

        return JsonSerializer.Serialize(values);
    }

    private static IEnumerable<(string Channel, string Status, string Source)> OptIns(int i)
    {
        if (i % 3 == 0)
        {
            yield return ("whatsapp", "opted_in", "WhatsApp keyword JOIN");
        }

        if (i % 10 == 1)
        {
            yield return ("sms", "opted_out", "Replied STOP");
        }

        if (i % 5 == 2)
        {
            yield return ("email", "opted_in", "Web form");
        }
    }

    private static async Task CreateFieldAsync(HttpClient client, object field) =>
        await BenchHttp.ExpectAsync(await client.PostAsJsonAsync("/api/fields", field), HttpStatusCode.Created);
}
