using System.Net.Http.Headers;
using VeloConnect.Client;

namespace VeloConnect.Web.Api;

/// <summary>
/// The VeloConnect API as the signed-in user reaches it: the typed client generated from the API's OpenAPI document,
/// whose every request carries their API key and whose every refusal becomes an <see cref="ApiProblemException"/> with
/// the API's own ProblemDetails (thrown before the generated code reads the answer). Only the public HTTP contract is used.
/// </summary>
public sealed class VeloApi(HttpClient http, ApiKeySource keys)
{
    private static readonly AsyncLocal<string?> NamedFilters = new();

    private VeloApiClient? _client;

    public VeloApiClient Client => _client ??= For(http, keys.GetAsync);

    /// <summary>A client that sends <paramref name="key"/> (the sign-in, before the key is in a cookie).</summary>
    public static VeloApiClient For(HttpClient http, string key) => For(http, () => Task.FromResult(key));

    /// <summary>
    /// Makes the typed call <paramref name="call"/> with these query parameters added: the contact filters whose name
    /// names a field or a channel (<c>field.&lt;key&gt;</c>, <c>optIn.&lt;channel&gt;</c>), which OpenAPI cannot declare
    /// and the generated methods therefore do not take (their operations' descriptions name them).
    /// </summary>
    public static async Task<T> WithNamedFiltersAsync<T>(IReadOnlyList<KeyValuePair<string, string>> filters, Func<Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        NamedFilters.Value = string.Join('&', filters.Select(p => $"{Uri.EscapeDataString(p.Key)}={Uri.EscapeDataString(p.Value)}"));
        try
        {
            return await call();
        }
        finally
        {
            NamedFilters.Value = null;
        }
    }

    /// <summary>
    /// Sends a request with the key and throws the API's problem when it refuses; the caller disposes the answer. Only
    /// for what the generated client cannot read: the notifications' server-sent event stream.
    /// </summary>
    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, Func<Task<string>> key, CancellationToken cancellationToken)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await key());
        HttpResponseMessage response;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
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

    private static VeloApiClient For(HttpClient http, Func<Task<string>> key) =>
        new(new HttpClient(new WithKey(http, key)) { BaseAddress = http.BaseAddress, Timeout = Timeout.InfiniteTimeSpan });

    /// <summary>Hands the generated client's request to <see cref="SendAsync"/> (as a fresh message: that one is already marked sent).</summary>
    private sealed class WithKey(HttpClient http, Func<Task<string>> key) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            // The body stays the request's own: the generated client disposes it with the request.
            var uri = request.RequestUri!;
            if (NamedFilters.Value is { Length: > 0 } filters)
            {
                var text = uri.OriginalString;
                uri = new Uri(text + (text.Contains('?', StringComparison.Ordinal) ? "&" : "?") + filters, UriKind.RelativeOrAbsolute);
            }

            var forwarded = new HttpRequestMessage(request.Method, uri) { Content = request.Content };
            foreach (var (name, values) in request.Headers)
            {
                forwarded.Headers.TryAddWithoutValidation(name, values);
            }

            return VeloApi.SendAsync(http, forwarded, key, cancellationToken);
        }
    }
}
