using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VeloConnect.Client;

/// <summary>
/// What the OpenAPI document does not say and the generated client needs: the JSON the API speaks, and the
/// Idempotency-Key header that the bulk and rows endpoints take (described in their text, not declared as a parameter).
/// </summary>
public partial class VeloApiClient
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    private static readonly AsyncLocal<string?> NextIdempotencyKey = new();

    /// <summary>
    /// The JSON the client writes (names from the document's schemas): nulls left out, cells as they are ("+1 415…",
    /// accents) rather than \u-escaped, so the same rows always give the same bytes.
    /// </summary>
    public static JsonSerializerOptions Json { get; } = Configure(new JsonSerializerOptions());

    /// <summary>
    /// Sends the requests made inside <paramref name="send"/> (on this async flow) with the Idempotency-Key
    /// <paramref name="key"/>, so that a retry or a resumed run is answered from the first attempt.
    /// </summary>
    public static async Task<T> WithIdempotencyKeyAsync<T>(string key, Func<Task<T>> send)
    {
        ArgumentNullException.ThrowIfNull(send);
        NextIdempotencyKey.Value = key;
        try
        {
            return await send();
        }
        finally
        {
            NextIdempotencyKey.Value = null;
        }
    }

    private static JsonSerializerOptions Configure(JsonSerializerOptions settings)
    {
        settings.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        settings.Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;
        return settings;
    }

    static partial void UpdateJsonSerializerSettings(JsonSerializerOptions settings) => Configure(settings);

    /// <summary>Keeps each answer's text, so a refusal's <see cref="ApiException.Response"/> holds the API's ProblemDetails as sent.</summary>
    partial void Initialize() => ReadResponseAsString = true;

    partial void PrepareRequest(HttpClient client, HttpRequestMessage request, string url)
    {
        if (NextIdempotencyKey.Value is { } key)
        {
            request.Headers.Add(IdempotencyKeyHeader, key);
        }
    }
}
