using Polly;

namespace VeloConnect.Cli.Api;

/// <summary>
/// Sends each request of the generated client through the retry pipeline to the API's HttpClient (its address, key and
/// timeout). The body is buffered once, so every attempt sends the very same bytes with the same headers (the same
/// Idempotency-Key); the generated client disposes the request and its body after the last attempt. A body that already
/// is an array of bytes (the generated client serialises to one) is sent as it is: copying it would be a second buffer.
/// </summary>
internal sealed class RetryingSender(HttpClient api, ResiliencePipeline<HttpResponseMessage> retries) : HttpMessageHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { } body and not ByteArrayContent)
        {
            await body.LoadIntoBufferAsync(cancellationToken);
        }

        return await retries.ExecuteAsync(async token =>
        {
            // Not disposed: that would dispose the shared body, which the next attempt sends again.
            var attempt = new HttpRequestMessage(request.Method, request.RequestUri) { Content = request.Content };
            foreach (var (name, values) in request.Headers)
            {
                attempt.Headers.TryAddWithoutValidation(name, values);
            }

            return await api.SendAsync(attempt, HttpCompletionOption.ResponseContentRead, token);
        }, cancellationToken);
    }
}
