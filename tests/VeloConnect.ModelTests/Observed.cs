using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

/// <summary>A contact as the API shows it, reduced to what the invariants look at.</summary>
public sealed record Observed(
    Guid Id,
    string? Name,
    IReadOnlyList<string> Phones,
    string? Email,
    IReadOnlyList<string> Tags,
    string? Tier,
    IReadOnlyDictionary<string, (string Status, DateTimeOffset? SetAt)> OptIns,
    string Source)
{
    public static readonly string[] Channels = ["whatsapp", "sms", "email"];

    /// <summary>Its phones and email as addresses ("p:+1…", "e:…" lower-cased).</summary>
    public IEnumerable<string> Addresses => Phones.Select(Pools.PhoneAddress).Concat(Email is { } e ? [Pools.EmailAddress(e)] : []);

    /// <summary>The addresses whose opt-outs on <paramref name="channel"/> this contact carries, in the given scope.</summary>
    public IEnumerable<string> AddressesFor(string channel, OptOutScope scope) => scope == OptOutScope.All
        ? Addresses
        : channel == "email" ? Addresses.Where(a => a.StartsWith("e:", StringComparison.Ordinal)) : Addresses.Where(a => a.StartsWith("p:", StringComparison.Ordinal));

    public static Observed From(JsonNode contact)
    {
        var optIns = new Dictionary<string, (string, DateTimeOffset?)>();
        foreach (var channel in Channels)
        {
            var node = contact["optIns"]?[channel];
            optIns[channel] = (node?["status"]?.GetValue<string>() ?? "unknown", node?["setAt"]?.GetValue<DateTimeOffset>());
        }

        return new Observed(
            contact["id"]!.GetValue<Guid>(),
            contact["name"]?.GetValue<string>(),
            Strings(contact["phones"]),
            contact["email"]?.GetValue<string>(),
            Strings(contact["tags"]),
            contact["custom"]?[ModelStack.FieldKey]?.GetValue<string>(),
            optIns,
            contact["source"]?.GetValue<string>() ?? "");
    }

    /// <summary>One line for failure messages.</summary>
    public string Describe() =>
        $"{Short(Id)} name={Name ?? "-"} phones=[{string.Join(",", Phones)}] email={Email ?? "-"} tags=[{string.Join(",", Tags)}] tier={Tier ?? "-"} "
        + $"optIns=({string.Join(", ", Channels.Select(c => $"{c}:{OptIns[c].Status}"))}) source={Source}";

    public static string Short(Guid id) => id.ToString("N")[..8];

    public static string[] Strings(JsonNode? array) => array is JsonArray a ? [.. a.Select(n => n!.GetValue<string>())] : [];
}

public enum OptOutScope
{
    /// <summary>An opt-out set on a contact applies to every phone and the email it holds (as a deleted contact's opt-outs are retained today).</summary>
    All,

    /// <summary>An opt-out applies to the addresses of its channel only: phones for WhatsApp and SMS, the email for email.</summary>
    Channel,
}

/// <summary>An HTTP answer: status, body text, the body as JSON when it is, and whether it was a replay.</summary>
public sealed record Answer(HttpStatusCode Status, string Body, bool Replayed)
{
    public JsonNode? Json { get; } = TryParse(Body);

    public int Code => (int)Status;

    public override string ToString() => $"{Code} {(Body.Length > 300 ? Body[..300] + "…" : Body)}";

    private static JsonNode? TryParse(string body)
    {
        try
        {
            return body.Length == 0 ? null : JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

public static class Json
{
    public static HttpContent Content(object body) => JsonContent.Create(body);

    public static HttpContent Raw(string json) => new StringContent(json, Encoding.UTF8, "application/json");

    public static async Task<Answer> SendAsync(this HttpClient http, HttpMethod method, string path, HttpContent? content = null,
        string? idempotencyKey = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Answer(response.StatusCode, body, response.Headers.TryGetValues("Idempotency-Replayed", out var replayed) && replayed.Contains("true"));
    }

    /// <summary>Every contact of the workspace (the list, page after page).</summary>
    public static async Task<Dictionary<Guid, Observed>> ListAllAsync(this HttpClient http, string? filter = null)
    {
        var all = new Dictionary<Guid, Observed>();
        string? cursor = null;
        do
        {
            var path = "/api/contacts?limit=500" + (filter is null ? "" : "&" + filter) + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor));
            var answer = await http.SendAsync(HttpMethod.Get, path);
            if (answer.Status != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"GET {path}: {answer}");
            }

            foreach (var item in answer.Json!["items"]!.AsArray())
            {
                var contact = Observed.From(item!);
                all[contact.Id] = contact;
            }

            cursor = answer.Json["nextCursor"]?.GetValue<string>();
        }
        while (cursor is not null);

        return all;
    }
}
