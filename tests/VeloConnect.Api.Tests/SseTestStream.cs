using System.Net.Http.Headers;
using Xunit;

namespace VeloConnect.Api.Tests;

/// <summary>One server-sent event: its name, id and data (the lines of one event, before the blank line).</summary>
public sealed record SseEvent(string? Event, string? Id, string Data)
{
    public long LongId => long.Parse(Id!, System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>An open <c>/api/notifications/stream</c> response read event by event.</summary>
public sealed class SseTestStream : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseTestStream(HttpResponseMessage response, StreamReader reader) => (_response, _reader) = (response, reader);

    /// <summary>Opens the stream (headers received: the server is subscribed), optionally resuming after <paramref name="lastEventId"/>.</summary>
    public static async Task<SseTestStream> OpenAsync(HttpClient http, string url, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            Assert.Fail($"GET {url}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
        return new SseTestStream(response, new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken)));
    }

    public async Task<SseEvent> NextAsync(CancellationToken cancellationToken)
    {
        string? eventName = null, id = null, data = null;
        while (await _reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0 && data is not null)
            {
                return new SseEvent(eventName, id, data);
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal)) eventName = line[7..];
            else if (line.StartsWith("id: ", StringComparison.Ordinal)) id = line[4..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal)) data = line[6..];
        }

        throw new InvalidOperationException("The stream ended before an event arrived.");
    }

    /// <summary>Reads what is left until the server ends the stream: true once it ended, false when <paramref name="cancellationToken"/> came first.</summary>
    public async Task<bool> EndsAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await _reader.ReadLineAsync(cancellationToken) is not null)
            {
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
        catch (IOException)
        {
            // A stopping host may abort the response instead of completing it: the stream ended all the same.
            return true;
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
