using System.Buffers;
using System.Text.Json;

namespace VeloConnect.Api.Apis;

/// <summary>
/// Text a request may hold: no NUL character (PostgreSQL's text and jsonb cannot store one, so it would fail the write)
/// and no unpaired surrogate (not text at all). Checked as untyped bodies are read; a typed body's NUL is refused by
/// <see cref="UnreadableBodyHandler"/> when PostgreSQL refuses it (the write's transaction rolled back).
/// </summary>
internal static class StoredText
{
    /// <summary>The characters that put a property name in brackets in a JSON path (as System.Text.Json's JsonNode.GetPath does).</summary>
    private static readonly SearchValues<char> PathSpecials = SearchValues.Create(". '/\"[]()\t\n\r\f\b\\\u0085\u2028\u2029");

    public const string Unstorable =
        "holds a NUL character (\\u0000) or an unpaired surrogate (\\ud800-\\udfff alone), which cannot be stored as text: remove it and send the request again";

    /// <summary>The JSON path of the first unstorable text in the value (names and values), or null; path: the value's own.</summary>
    public static string? FirstUnstorable(JsonElement element, string path = "$")
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!Storable(() => property.Name, out var name))
                    {
                        return path;
                    }

                    if (FirstUnstorable(property.Value, PropertyPath(path, name!)) is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FirstUnstorable(item, $"{path}[{index++}]") is { } inside)
                    {
                        return inside;
                    }
                }

                return null;
            case JsonValueKind.String:
                return Storable(() => element.GetString()!, out _) ? null : path;
            default:
                return null;
        }
    }

    /// <summary>A string value or property name as text, when it is storable (an unpaired surrogate cannot be read as text at all).</summary>
    private static bool Storable(Func<string> read, out string? text)
    {
        try
        {
            text = read();
            return !text.Contains('\0', StringComparison.Ordinal);
        }
        catch (InvalidOperationException)
        {
            text = null;
            return false;
        }
    }

    /// <summary>A property's path as System.Text.Json writes one (JsonNode.GetPath): $.name, or $['odd name'].</summary>
    private static string PropertyPath(string path, string name) =>
        name.AsSpan().ContainsAny(PathSpecials) ? $"{path}['{name}']" : $"{path}.{name}";
}
