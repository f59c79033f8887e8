using System.Text.Json;
using VeloConnect.Client;

namespace VeloConnect.Cli.Api;

/// <summary>
/// The generated client, reading a successful answer straight from its stream (already buffered by
/// <see cref="RetryingSender"/>) instead of as one string first. The answer to 10,000 rows is megabytes of JSON: read as a
/// string it was velo's largest allocation, transcoded back to UTF-8 for the parser its second, both on the large-object
/// heap, which a million-row file's duplicate table made the collector let grow (docs/decisions.md, "velo's memory for a
/// million rows"). A refusal is still read as text, so <see cref="VeloConnect.Client.ApiException.Response"/> holds the ProblemDetails as sent.
/// </summary>
internal sealed class VeloClient(HttpClient http) : VeloApiClient(http)
{
    protected override async Task<ObjectResponseResult<T>> ReadObjectResponseAsync<T>(HttpResponseMessage response,
        IReadOnlyDictionary<string, IEnumerable<string>> headers, CancellationToken cancellationToken)
    {
        if (response is not { IsSuccessStatusCode: true, Content: { } content })
        {
            return await base.ReadObjectResponseAsync<T>(response!, headers, cancellationToken);
        }

        try
        {
            await using var stream = await content.ReadAsStreamAsync(cancellationToken);
            return new ObjectResponseResult<T>((await JsonSerializer.DeserializeAsync<T>(stream, JsonSerializerSettings, cancellationToken))!, string.Empty);
        }
        catch (JsonException e)
        {
            throw new VeloConnect.Client.ApiException($"Could not deserialize the response body stream as {typeof(T).FullName}.", (int)response.StatusCode, string.Empty, headers, e);
        }
    }
}
