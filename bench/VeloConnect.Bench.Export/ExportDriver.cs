using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.Bench.Support;
using static VeloConnect.Bench.Support.BenchHttp;

namespace VeloConnect.Bench.Export;

/// <summary>
/// One export through the API and where its time went: <see cref="Seconds"/> from the start request until the file is
/// on disk; <see cref="PostSeconds"/> until the start request answered (it waits up to 2 s for a small export),
/// <see cref="ReadySeconds"/> until a poll saw it ready, the rest the download. <see cref="JobSeconds"/> is the export's
/// own createdAt → finishedAt.
/// </summary>
internal sealed record ExportRun(double Seconds, double PostSeconds, double ReadySeconds, double JobSeconds, long Bytes)
{
    public double DownloadSeconds => Seconds - ReadySeconds;
}

/// <summary>Exports over HTTP as a client does: start, poll every 50 ms until ready, download to a file.</summary>
internal sealed class ExportDriver(HttpClient http, TimeSpan timeout)
{
    /// <summary>Exports every contact (no filter) as <paramref name="format"/> into <paramref name="path"/>.</summary>
    public async Task<ExportRun> RunAsync(string format, string path)
    {
        var clock = Stopwatch.StartNew();
        var started = await ExpectAsync(await http.PostAsync($"/api/exports?format={format}", null), HttpStatusCode.Accepted);
        var postSeconds = clock.Elapsed.TotalSeconds;
        var id = started["id"]?.GetValue<string>() ?? throw new BenchFailure($"POST /api/exports answered 202 without an id: {Shorten(started)}");
        var state = started;
        while (state["status"]?.GetValue<string>() != "ready")
        {
            if (state["status"]?.GetValue<string>() == "failed")
            {
                throw new BenchFailure($"Export {id} failed after {clock.Elapsed.TotalSeconds:0.0} s: {Shorten(state)}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new BenchFailure(FormattableString.Invariant($"Export {id} was not ready {clock.Elapsed.TotalSeconds:0} s after the start request (--timeout {timeout.TotalSeconds:0}): ")
                    + $"status {state["status"]?.ToJsonString()}, rows {state["rows"]?.ToJsonString()} of {state["totalRows"]?.ToJsonString()}");
            }

            await Task.Delay(50);
            state = await ExpectAsync(await http.GetAsync($"/api/exports/{id}"), HttpStatusCode.OK);
        }

        var readySeconds = clock.Elapsed.TotalSeconds;
        var download = state["downloadUrl"]?.GetValue<string>() ?? throw new BenchFailure($"Export {id} is ready without a downloadUrl: {Shorten(state)}");
        using (var response = await http.GetAsync(download, HttpCompletionOption.ResponseHeadersRead))
        {
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new BenchFailure($"GET {download}: expected 200, got {(int)response.StatusCode} {response.StatusCode}: {Shorten(await response.Content.ReadAsStringAsync())}");
            }

            await using var body = await response.Content.ReadAsStreamAsync();
            await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 64 * 1024, FileOptions.Asynchronous);
            await body.CopyToAsync(file, 64 * 1024);
        }

        var seconds = clock.Elapsed.TotalSeconds;
        var job = (Time(state, "finishedAt") - Time(state, "createdAt")).TotalSeconds;
        return new ExportRun(seconds, postSeconds, readySeconds, job, new FileInfo(path).Length);
    }

    /// <summary>The contacts in an export file: CSV lines but the header (no cell of the bench's data holds a line break); the JSON array's length.</summary>
    public static async Task<long> CountRowsAsync(string format, string path) =>
        format == "json" ? await CountJsonRowsAsync(path) : CountCsvRows(path);

    public static long CountCsvRows(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024);
        var buffer = ArrayPool<byte>.Shared.Rent(64 * 1024);
        try
        {
            long lines = 0;
            int read;
            while ((read = file.Read(buffer, 0, buffer.Length)) > 0)
            {
                lines += buffer.AsSpan(0, read).Count((byte)'\n');
            }

            return lines - 1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Streams the array (one element at a time), so a file of a million contacts is never held whole.</summary>
    private static async Task<long> CountJsonRowsAsync(string path)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 64 * 1024, FileOptions.Asynchronous);
        long count = 0;
        await foreach (var element in JsonSerializer.DeserializeAsyncEnumerable<JsonElement>(file))
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                throw new BenchFailure($"{path}: element {count} of the JSON array is a {element.ValueKind}, not a contact object.");
            }

            count++;
        }

        return count;
    }

    private static DateTimeOffset Time(JsonObject state, string name) =>
        state[name]?.GetValue<DateTimeOffset>() ?? throw new BenchFailure($"The ready export has no {name}: {Shorten(state)}");
}
