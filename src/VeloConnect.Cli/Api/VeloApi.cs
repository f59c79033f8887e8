using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Polly;

namespace VeloConnect.Cli.Api;

/// <summary>An answer of the API that the importer cannot carry on from: the status and what the API said to do.</summary>
public sealed class ApiException(HttpStatusCode status, ProblemDetailsDto? problem, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public ProblemDetailsDto? Problem { get; } = problem;
}

/// <summary>The endpoints a command-line import uses, each call retried by the policy when the failure is transient.</summary>
public sealed class VeloApi(HttpClient http, RetryPolicy retry, Action<string>? onRetry = null)
{
    private readonly ResiliencePipeline<HttpResponseMessage> _retries = retry.Pipeline(onRetry);

    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        // Cells as they are ("+1 415…", accents), not \u-escaped: smaller batches, readable in a trace.
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>An HttpClient for the API: its address, the key as a bearer token, and a timeout long enough for a big batch.</summary>
    public static HttpClient CreateClient(string apiUrl, string apiKey, HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler, disposeHandler: false);
        client.BaseAddress = new Uri(apiUrl.TrimEnd('/') + "/");
        client.Timeout = TimeSpan.FromMinutes(5);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("velo", typeof(VeloApi).Assembly.GetName().Version?.ToString() ?? "1"));
        return client;
    }

    /// <summary>Step 1 for a command-line import: the head of the file (whole lines) and the size of the whole file.</summary>
    public Task<ImportDto> UploadHeadAsync(string fileName, byte[] head, long fileSize, bool? hasHeader, string? convertFrom, CancellationToken cancellationToken) =>
        SendAsync<ImportDto>(() =>
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(head);
            file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            form.Add(file, "file", fileName);
            form.Add(new StringContent("true"), "commandLine");
            form.Add(new StringContent(fileSize.ToString(CultureInfo.InvariantCulture)), "fileSize");
            if (hasHeader is { } header)
            {
                form.Add(new StringContent(header ? "true" : "false"), "hasHeader");
            }

            if (convertFrom is not null)
            {
                form.Add(new StringContent(convertFrom), "convertFrom");
            }

            return new HttpRequestMessage(HttpMethod.Post, "api/imports") { Content = form };
        }, "upload the head of the file", cancellationToken);

    public Task<ImportDto> SetMappingAsync(Guid importId, MappingRequestDto mapping, CancellationToken cancellationToken) =>
        SendAsync<ImportDto>(() => new HttpRequestMessage(HttpMethod.Put, $"api/imports/{importId}/mapping") { Content = JsonContent.Create(mapping, options: Json) },
            "confirm the mapping", cancellationToken);

    public Task<ImportDto> GetImportAsync(Guid importId, CancellationToken cancellationToken) =>
        SendAsync<ImportDto>(() => new HttpRequestMessage(HttpMethod.Get, $"api/imports/{importId}"), "read the import", cancellationToken);

    public Task<IReadOnlyList<FieldDto>> GetFieldsAsync(CancellationToken cancellationToken) =>
        SendAsync<IReadOnlyList<FieldDto>>(() => new HttpRequestMessage(HttpMethod.Get, "api/fields"), "read the contact fields", cancellationToken);

    /// <summary>
    /// Marks the import running, with the file's row count for its progress. The server answers a running import the same
    /// (a resumed run); a 409 is still fine when the import runs.
    /// </summary>
    public async Task RunAsync(Guid importId, int totalRows, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"api/imports/{importId}/run") { Content = JsonContent.Create(new TotalRowsDto(totalRows), options: Json) }, cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        if (response.StatusCode == HttpStatusCode.Conflict && (await GetImportAsync(importId, cancellationToken)).Status == "running")
        {
            return;
        }

        throw await FailureAsync(response, "start the import", cancellationToken);
    }

    /// <summary>One batch; the key is "importId:first row", so a retry (or a resumed run) sends the same key with the same bytes.</summary>
    public Task<BulkResponseDto> SendBatchAsync(Guid importId, int firstRow, byte[] body, CancellationToken cancellationToken) =>
        SendAsync<BulkResponseDto>(() =>
        {
            var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            var request = new HttpRequestMessage(HttpMethod.Post, $"api/imports/{importId}/rows") { Content = content };
            request.Headers.Add(IdempotencyKeyHeader, IdempotencyKey(importId, firstRow));
            return request;
        }, string.Create(CultureInfo.InvariantCulture, $"send the rows from row {firstRow}"), cancellationToken);

    public async Task FinishAsync(Guid importId, int totalRows, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(
            () => new HttpRequestMessage(HttpMethod.Post, $"api/imports/{importId}/finish") { Content = JsonContent.Create(new TotalRowsDto(totalRows), options: Json) }, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, "finish the import", cancellationToken);
        }
    }

    public static string IdempotencyKey(Guid importId, int firstRow) => string.Create(CultureInfo.InvariantCulture, $"{importId}:{firstRow}");

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> request, string what, CancellationToken cancellationToken)
    {
        using var response = await SendWithRetriesAsync(request, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw await FailureAsync(response, what, cancellationToken);
        }

        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new ApiException(response.StatusCode, null, $"Could not {what}: the API answered {(int)response.StatusCode} with an empty body.");
    }

    /// <summary>Each attempt sends a request built anew by <paramref name="request"/>: the same bytes, the same Idempotency-Key.</summary>
    private ValueTask<HttpResponseMessage> SendWithRetriesAsync(Func<HttpRequestMessage> request, CancellationToken cancellationToken) =>
        _retries.ExecuteAsync(async token =>
        {
            using var message = request();
            return await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, token);
        }, cancellationToken);

    private static async Task<ApiException> FailureAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        ProblemDetailsDto? problem = null;
        try
        {
            problem = text.Length > 0 ? JsonSerializer.Deserialize<ProblemDetailsDto>(text, Json) : null;
        }
        catch (JsonException)
        {
            // Not a ProblemDetails (a proxy's page, …): the status says enough.
        }

        var message = $"Could not {what}: {(int)response.StatusCode} {response.ReasonPhrase}";
        if (problem?.Title is { Length: > 0 } title)
        {
            message += $" ({title})";
        }

        if (problem?.Detail is { Length: > 0 } detail)
        {
            message += ". " + detail;
        }
        else if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            message += ". Check the API key (--key or VELO_API_KEY).";
        }

        foreach (var (key, messages) in problem?.Errors ?? [])
        {
            message += $"{Environment.NewLine}  {key}: {string.Join(" ", messages)}";
        }

        return new ApiException(response.StatusCode, problem, message);
    }
}
