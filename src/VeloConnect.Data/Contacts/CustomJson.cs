using System.Text;
using System.Text.Json;

namespace VeloConnect.Data.Contacts;

/// <summary>Custom values travel as key → canonical JSON text; PostgreSQL keeps them as one jsonb object.</summary>
internal static class CustomJson
{
    public static string ToObject(IReadOnlyDictionary<string, string> custom)
    {
        if (custom.Count == 0)
        {
            return "{}";
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in custom.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                writer.WriteRawValue(value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static Dictionary<string, string> FromObject(string json)
    {
        if (json == "{}")
        {
            return new Dictionary<string, string>(StringComparer.Ordinal);
        }

        using var document = JsonDocument.Parse(json);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            result[property.Name] = property.Value.GetRawText();
        }

        return result;
    }
}
