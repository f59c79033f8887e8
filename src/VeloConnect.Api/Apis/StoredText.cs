using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.Api.Apis;

/// <summary>
/// Text a request may hold: no NUL character (PostgreSQL's text and jsonb cannot store one, so it would fail the write)
/// and no unpaired surrogate (not text at all). Checked as untyped bodies are read; a typed body's NUL is refused by
/// <see cref="UnreadableBodyHandler"/> when PostgreSQL refuses it (the write's transaction rolled back).
/// </summary>
internal static class StoredText
{
    public const string Unstorable =
        "holds a NUL character (\\u0000) or an unpaired surrogate (\\ud800-\\udfff alone), which cannot be stored as text: remove it and send the request again";

    /// <summary>The JSON path of the first unstorable text in the tree (names and values), or null.</summary>
    public static string? FirstUnstorable(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    if (name.Contains('\0', StringComparison.Ordinal))
                    {
                        return obj.GetPath();
                    }

                    if (FirstUnstorable(value) is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case JsonArray array:
                return array.Select(FirstUnstorable).FirstOrDefault(p => p is not null);
            case JsonValue value when value.GetValueKind() == JsonValueKind.String:
                try
                {
                    return value.GetValue<string>().Contains('\0', StringComparison.Ordinal) ? value.GetPath() : null;
                }
                catch (InvalidOperationException)
                {
                    return value.GetPath();
                }

            default:
                return null;
        }
    }
}
