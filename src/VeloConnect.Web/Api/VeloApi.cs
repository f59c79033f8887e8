using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace VeloConnect.Web.Api;

/// <summary>
/// The VeloConnect API as the signed-in user reaches it: every request carries their API key, every refusal becomes an
/// <see cref="ApiProblemException"/> with the API's own ProblemDetails. Only the public HTTP contract is used.
/// </summary>
public sealed class VeloApi(HttpClient http, ApiKeySource keys)
{
    private VeloConnect.Client.VeloApiClient? _client;

    /// <summary>
    /// The typed client generated from the API's OpenAPI document. Its requests go through <see cref="SendAsync"/>: the
    /// user's key, and a refusal thrown as <see cref="ApiProblemException"/> before the generated code reads it.
    /// </summary>
    public VeloConnect.Client.VeloApiClient Client => _client ??= new VeloConnect.Client.VeloApiClient(new HttpClient(new ThroughUser(this)) { BaseAddress = http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>The API's JSON: camelCase names, enums as strings, like its OpenAPI document.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(new HttpRequestMessage(HttpMethod.Get, path), cancellationToken);

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(WithJson(HttpMethod.Post, path, body), cancellationToken);

    public Task PostAsync(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<JsonElement?>(WithJson(HttpMethod.Post, path, body), cancellationToken);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(WithJson(HttpMethod.Put, path, body), cancellationToken);

    public Task<T> PatchAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(WithJson(HttpMethod.Patch, path, body), cancellationToken);

    public Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        SendForAsync<JsonElement?>(new HttpRequestMessage(HttpMethod.Delete, path), cancellationToken);

    /// <summary>
    /// Sends a request the caller built (an upload, a download to stream) with the user's key, and throws the API's
    /// problem when it refuses. The caller disposes the response.
    /// </summary>
    public async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        CancellationToken cancellationToken = default)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await keys.GetAsync());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, completion, cancellationToken);
        }
        catch (HttpRequestException exception)
        {
            throw ApiProblemException.Unreachable(exception);
        }

        if (!response.IsSuccessStatusCode)
        {
            using (response)
            {
                throw await ApiProblemException.FromAsync(response, cancellationToken);
            }
        }

        return response;
    }

    private async Task<T> SendForAsync<T>(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        using (var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.NoContent || response.Content.Headers.ContentLength == 0)
            {
                return default!;
            }

            return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
        }
    }

    /// <summary>Hands the generated client's request to <see cref="SendAsync"/> (as a fresh message: that one is already marked sent).</summary>
    private sealed class ThroughUser(VeloApi api) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The body stays the request's own: the generated client disposes it with the request.
            var forwarded = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
            foreach (var (name, values) in request.Headers)
            {
                forwarded.Headers.TryAddWithoutValidation(name, values);
            }

            return api.SendAsync(forwarded, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
    }

    private static HttpRequestMessage WithJson(HttpMethod method, string path, object? body) =>
        new(method, path) { Content = body is null ? null : JsonContent.Create(body, body.GetType(), options: Json) };
}
