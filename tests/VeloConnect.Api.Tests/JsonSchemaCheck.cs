using System.Text.Json;
using System.Text.Json.Nodes;

namespace VeloConnect.Api.Tests;

/// <summary>
/// Checks a JSON value against the part of JSON Schema (2020-12, as OpenAPI 3.1 uses it) that the API's document uses:
/// <c>$ref</c> to its components, <c>type</c> (one or a list, "null" included), <c>required</c>, <c>properties</c>,
/// <c>additionalProperties</c>, <c>items</c> and <c>enum</c>. Formats are not checked.
/// </summary>
internal static class JsonSchemaCheck
{
    private const string ComponentPrefix = "#/components/schemas/";

    public static List<string> Errors(JsonNode? value, JsonNode schema, JsonObject document, string at)
    {
        var errors = new List<string>();
        Check(value, schema, document, at, errors);
        return errors;
    }

    private static void Check(JsonNode? value, JsonNode schema, JsonObject document, string at, List<string> errors)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            if (!reference.StartsWith(ComponentPrefix, StringComparison.Ordinal) || document["components"]?["schemas"]?[reference[ComponentPrefix.Length..]] is not { } target)
            {
                errors.Add($"{at}: unresolvable $ref {reference}");
                return;
            }

            Check(value, target, document, at, errors);
            return;
        }

        var kind = KindOf(value);
        if (schema["type"] is { } type)
        {
            var allowed = type is JsonArray list ? list.Select(t => t!.GetValue<string>()).ToList() : [type.GetValue<string>()];
            if (!allowed.Contains(kind) && !(kind == "integer" && allowed.Contains("number")))
            {
                errors.Add($"{at}: is {kind}, the schema allows {string.Join(" or ", allowed)}");
                return;
            }
        }

        if (schema["enum"] is JsonArray choices && !choices.Any(choice => JsonNode.DeepEquals(choice, value)))
        {
            errors.Add($"{at}: {value?.ToJsonString() ?? "null"} is not one of {choices.ToJsonString()}");
        }

        if (value is JsonObject body)
        {
            foreach (var name in (schema["required"] as JsonArray ?? []).Select(r => r!.GetValue<string>()).Where(name => !body.ContainsKey(name)))
            {
                errors.Add($"{at}: lacks the required property '{name}'");
            }

            var properties = schema["properties"] as JsonObject;
            foreach (var (name, property) in body)
            {
                if (properties?[name] is { } propertySchema)
                {
                    Check(property, propertySchema, document, $"{at}.{name}", errors);
                }
                else if (schema["additionalProperties"] is { } additional)
                {
                    if (additional.GetValueKind() == JsonValueKind.False)
                    {
                        errors.Add($"{at}: has '{name}', which the schema does not allow");
                    }
                    else if (additional is JsonObject additionalSchema)
                    {
                        Check(property, additionalSchema, document, $"{at}.{name}", errors);
                    }
                }
            }
        }

        if (value is JsonArray array && schema["items"] is { } items)
        {
            for (var i = 0; i < array.Count; i++)
            {
                Check(array[i], items, document, $"{at}[{i}]", errors);
            }
        }
    }

    private static string KindOf(JsonNode? value) => value?.GetValueKind() switch
    {
        null or JsonValueKind.Null => "null",
        JsonValueKind.Object => "object",
        JsonValueKind.Array => "array",
        JsonValueKind.String => "string",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Number => value.AsValue().TryGetValue<long>(out _) ? "integer" : "number",
        _ => "unknown",
    };
}
