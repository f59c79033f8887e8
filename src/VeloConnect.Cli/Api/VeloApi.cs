using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Polly;
using VeloConnect.Client;

namespace VeloConnect.Cli.Api;

/// <summary>An answer of the API that the importer cannot carry on from: the status and what the API said to do.</summary>
public sealed class ApiException(HttpStatusCode status, HttpValidationProblemDetails? problem, string message) : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public HttpValidationProblemDetails? Problem { get; } = problem;
}

/// <summary>
/// The endpoints a command-line import uses, called through the typed client generated from the API's OpenAPI document;
/// each call retried by the policy when the failure is transient (see <see cref="RetryingSender"/>).
/// </summary>
public sealed class VeloApi
{
    private readonly VeloApiClient _client;

    public VeloApi(HttpClient http, RetryPolicy retry, Action<string>? onRetry = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(retry);
        var retrying = new HttpClient(new RetryingSender(http, retry.Pipeline(onRetry)))
        {
            BaseAddress = http.BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan, // each attempt has the API client's own timeout
        };
        _client = new VeloClient(retrying);
    }

    /// <summary>The header the rows endpoint declares (the generated method's idempotency_Key parameter).</summary>
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>velo's own JSON (the progress file), and for reading a ProblemDetails: camelCase, nulls left out, text unescaped.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
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
    public Task<ImportResponse> UploadHeadAsync(string fileName, byte[] head, long fileSize, bool? hasHeader, string? convertFrom, CancellationToken cancellationToken) =>
        CallAsync(() => _client.UploadImportAsync(new FileParameter(new MemoryStream(head), fileName, "text/csv"), hasHeader, null, convertFrom, true, fileSize, cancellationToken),
            "upload the head of the file");

    public Task<ImportResponse> SetMappingAsync(Guid importId, MappingRequest mapping, CancellationToken cancellationToken) =>
        CallAsync(() => _client.SetImportMappingAsync(importId, mapping, cancellationToken), "confirm the mapping");

    public Task<ImportResponse> GetImportAsync(Guid importId, CancellationToken cancellationToken) =>
        CallAsync(() => _client.GetImportAsync(importId, cancellationToken), "read the import");

    public Task<ImportRecipeResponse> GetRecipeAsync(string name, CancellationToken cancellationToken) =>
        CallAsync(() => _client.GetImportRecipeAsync(name, cancellationToken), $"read the recipe '{name}'");

    public async Task<IReadOnlyList<FieldResponse>> GetFieldsAsync(CancellationToken cancellationToken) =>
        [.. await CallAsync(() => _client.ListFieldsAsync(cancellationToken), "read the contact fields")];

    /// <summary>
    /// Marks the import running, with the file's row count for its progress. The server answers a running import the same
    /// (a resumed run); a 409 is still fine when the import runs.
    /// </summary>
    public async Task RunAsync(Guid importId, int totalRows, CancellationToken cancellationToken)
    {
        try
        {
            await CallAsync(() => _client.RunImportAsync(importId, new StartCommandLineImportRequest { TotalRows = totalRows }, cancellationToken), "start the import");
        }
        catch (ApiException e) when (e.Status == HttpStatusCode.Conflict)
        {
            if ((await GetImportAsync(importId, cancellationToken)).Status != "running")
            {
                throw;
            }
        }
    }

    /// <summary>One batch; the key is "importId:first row", so a retry (or a resumed run) sends the same key with the same bytes.</summary>
    public Task<BulkResponse> SendBatchAsync(Guid importId, int firstRow, IReadOnlyList<ImportRowDoc> rows, CancellationToken cancellationToken) =>
        CallAsync(() => _client.AddCommandLineImportRowsAsync(importId, IdempotencyKey(importId, firstRow), rows, cancellationToken),
            string.Create(CultureInfo.InvariantCulture, $"send the rows from row {firstRow}"));

    public Task FinishAsync(Guid importId, int totalRows, CancellationToken cancellationToken) =>
        CallAsync(() => _client.FinishCommandLineImportAsync(importId, new FinishCommandLineImportRequest { TotalRows = totalRows }, cancellationToken), "finish the import");

    public static string IdempotencyKey(Guid importId, int firstRow) => string.Create(CultureInfo.InvariantCulture, $"{importId}:{firstRow}");

    private static async Task<T> CallAsync<T>(Func<Task<T>> call, string what)
    {
        try
        {
            return await call();
        }
        catch (VeloConnect.Client.ApiException e)
        {
            throw Failure(e, what);
        }
    }

    private static ApiException Failure(VeloConnect.Client.ApiException failure, string what)
    {
        var status = (HttpStatusCode)failure.StatusCode;
        HttpValidationProblemDetails? problem = null;
        try
        {
            problem = failure.Response is { Length: > 0 } text ? JsonSerializer.Deserialize<HttpValidationProblemDetails>(text, Json) : null;
        }
        catch (JsonException)
        {
            // Not a ProblemDetails (a proxy's page, …): the status says enough.
        }

        using var reason = new HttpResponseMessage(status);
        var message = $"Could not {what}: {failure.StatusCode} {reason.ReasonPhrase}";
        if (failure.StatusCode is >= 200 and < 300)
        {
            message = $"Could not {what}: the API answered {failure.StatusCode} with an empty body.";
        }

        if (problem?.Title is { Length: > 0 } title)
        {
            message += $" ({title})";
        }

        if (problem?.Detail is { Length: > 0 } detail)
        {
            message += ". " + detail;
        }
        else if (status == HttpStatusCode.Unauthorized)
        {
            message += ". Check the API key (--key or VELO_API_KEY).";
        }

        foreach (var (key, messages) in problem?.Errors ?? new Dictionary<string, IReadOnlyList<string>>())
        {
            message += $"{Environment.NewLine}  {key}: {string.Join(" ", messages)}";
        }

        return new ApiException(status, problem, message);
    }
}
