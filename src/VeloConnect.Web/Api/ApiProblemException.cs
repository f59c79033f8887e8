using System.Net;
using System.Text.Json;

namespace VeloConnect.Web.Api;

/// <summary>The API refused a request: its ProblemDetails, for the page to show as it was written.</summary>
public sealed class ApiProblemException(
    HttpStatusCode status, string title, string? detail, IReadOnlyDictionary<string, string[]> errors)
    : Exception(detail is null ? title : $"{title}: {detail}")
{
    private static readonly IReadOnlyDictionary<string, string[]> NoErrors = new Dictionary<string, string[]>();

    public HttpStatusCode Status { get; } = status;

    public string Title { get; } = title;

    public string? Detail { get; } = detail;

    /// <summary>Field errors of a validation problem, by field name (empty otherwise).</summary>
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>The whole problem body, for the fields a page knows how to show (e.g. an import's row count).</summary>
    public JsonElement? Body { get; private init; }

    public static async Task<ApiProblemException> FromAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        var fallbackTitle = $"The API answered {(int)response.StatusCode} {response.ReasonPhrase}";
        try
        {
            using var document = JsonDocument.Parse(text);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                var errors = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
                if (root.TryGetProperty("errors", out var errorsElement) && errorsElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (var field in errorsElement.EnumerateObject())
                    {
                        errors[field.Name] = field.Value.ValueKind == JsonValueKind.Array
                            ? [.. field.Value.EnumerateArray().Select(message => message.ToString())]
                            : [field.Value.ToString()];
                    }
                }

                return new ApiProblemException(
                    response.StatusCode,
                    String(root, "title") ?? fallbackTitle,
                    String(root, "detail"),
                    errors)
                { Body = root.Clone() };
            }
        }
        catch (JsonException)
        {
            // Not a ProblemDetails body: shown as text below.
        }

        return new ApiProblemException(response.StatusCode, fallbackTitle, string.IsNullOrWhiteSpace(text) ? null : text.Trim(), NoErrors);
    }

    public static ApiProblemException Unreachable(HttpRequestException exception) => new(
        HttpStatusCode.ServiceUnavailable,
        "The VeloConnect API cannot be reached",
        $"{exception.Message} Check that the api resource is running (the Aspire dashboard shows it), then try again.",
        NoErrors);

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
