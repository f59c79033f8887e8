using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using VeloConnect.Bench.Support;

namespace VeloConnect.Bench.Bulk;

/// <summary>What one pass of all contacts through the bulk endpoint took, and where the client saw its time go.</summary>
/// <param name="Seconds">From the first request's body being built to the last response read and checked.</param>
/// <param name="SerializeSeconds">Building the request bodies (JSON), added up over the batches.</param>
/// <param name="RequestSeconds">Each request from sending to its response read, in batch order.</param>
/// <param name="ContactIds">The contact each item went to, by its position in the whole list.</param>
internal sealed record BulkPass(double Seconds, double SerializeSeconds, IReadOnlyList<double> RequestSeconds, long BodyBytes, long ResponseBytes, Guid[] ContactIds);

/// <summary>Sends contacts to <c>POST /api/contacts/bulk</c> in batches, a few requests in flight, and checks every answer item by item.</summary>
internal sealed class BulkDriver(HttpClient http)
{
    public const int BatchSize = 10_000;

    /// <summary>
    /// All <paramref name="contacts"/> in batches of <see cref="BatchSize"/>, at most <paramref name="inFlight"/> requests at
    /// a time, each with an Idempotency-Key of its own (as a client that retries safely sends them). Every item must come
    /// back with <paramref name="expectedStatus"/> ("created" or "updated") and a contact; a different answer is a
    /// <see cref="BenchFailure"/>.
    /// </summary>
    public async Task<BulkPass> SendAsync(BulkContact[] contacts, int inFlight, string expectedStatus)
    {
        var ids = new Guid[contacts.Length];
        var batches = Enumerable.Range(0, (contacts.Length + BatchSize - 1) / BatchSize).ToList();
        var requestSeconds = new double[batches.Count];
        var serializeTicks = 0L;
        var (bodyBytes, responseBytes) = (0L, 0L);
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(batches, new ParallelOptions { MaxDegreeOfParallelism = inFlight }, async (batch, cancellationToken) =>
        {
            var start = batch * BatchSize;
            var items = new ArraySegment<BulkContact>(contacts, start, Math.Min(BatchSize, contacts.Length - start));
            var serializing = Stopwatch.StartNew();
            var body = BulkData.Json(items);
            Interlocked.Add(ref serializeTicks, serializing.ElapsedTicks);
            Interlocked.Add(ref bodyBytes, body.Length);

            var request = Stopwatch.StartNew();
            using var message = new HttpRequestMessage(HttpMethod.Post, "/api/contacts/bulk") { Content = new ByteArrayContent(body) };
            message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await http.SendAsync(message, cancellationToken);
            var answer = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            requestSeconds[batch] = request.Elapsed.TotalSeconds;
            Interlocked.Add(ref responseBytes, answer.Length);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchFailure($"POST /api/contacts/bulk (batch {batch}): expected 200, got {(int)response.StatusCode} {response.StatusCode}: {BenchHttp.Shorten(System.Text.Encoding.UTF8.GetString(answer))}");
            }

            Check(answer, items, expectedStatus, ids, start, batch);
        });

        return new BulkPass(clock.Elapsed.TotalSeconds, (double)serializeTicks / Stopwatch.Frequency, requestSeconds, bodyBytes, responseBytes, ids);
    }

    /// <summary>The answer's counts say every item had <paramref name="expectedStatus"/>, and so does each result, in request order, with a contact.</summary>
    private static void Check(byte[] answer, ArraySegment<BulkContact> items, string expectedStatus, Guid[] ids, int start, int batch)
    {
        using var document = JsonDocument.Parse(answer);
        var root = document.RootElement;
        var counts = root.GetProperty("counts");
        int Count(string name) => counts.GetProperty(name).GetInt32();
        var expected = (Created: expectedStatus == "created" ? items.Count : 0, Updated: expectedStatus == "updated" ? items.Count : 0);
        if (Count("created") != expected.Created || Count("updated") != expected.Updated || Count("skipped") != 0 || Count("error") != 0)
        {
            throw new BenchFailure($"Batch {batch}: expected counts created {expected.Created}, updated {expected.Updated}, skipped 0, error 0; got {counts.GetRawText()}: "
                + BenchHttp.Shorten(System.Text.Encoding.UTF8.GetString(answer)));
        }

        var results = root.GetProperty("results");
        if (results.GetArrayLength() != items.Count)
        {
            throw new BenchFailure($"Batch {batch}: {results.GetArrayLength()} results for {items.Count} items.");
        }

        var k = 0;
        foreach (var result in results.EnumerateArray())
        {
            if (result.GetProperty("index").GetInt32() != k || result.GetProperty("status").GetString() != expectedStatus
                || result.GetProperty("contactId").ValueKind != JsonValueKind.String)
            {
                throw new BenchFailure($"Batch {batch}, item {k}: expected index {k}, status {expectedStatus} and a contact; got {result.GetRawText()}");
            }

            ids[start + k] = result.GetProperty("contactId").GetGuid();
            k++;
        }
    }
}
