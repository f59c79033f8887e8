using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using VeloConnect.Bench.Support;
using static VeloConnect.Bench.Support.BenchHttp;

namespace VeloConnect.Bench.Import;

/// <summary>The import wizard over HTTP, step by step, as a client drives it.</summary>
internal sealed class ImportDriver(HttpClient http, TimeSpan runTimeout)
{
    /// <summary>How long the last upload and the last mapping took (diagnosis: printed to stderr with the run's own time).</summary>
    public (double Upload, double Mapping) LastSteps { get; private set; }

    /// <summary>Step 1 and 2: uploads the file (multipart field 'file') and confirms the suggested mapping; returns the import id.</summary>
    public async Task<string> UploadAndMapAsync(byte[] content, string fileName)
    {
        using var body = new MultipartFormDataContent();
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(fileName.EndsWith(".xlsx", StringComparison.OrdinalIgnoreCase)
            ? "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            : "text/csv");
        body.Add(file, "file", fileName);
        var clock = Stopwatch.StartNew();
        var upload = await ExpectAsync(await http.PostAsync("/api/imports", body), HttpStatusCode.Created);
        var id = upload["id"]?.GetValue<string>() ?? throw new BenchFailure($"POST /api/imports answered 201 without an id: {Shorten(upload)}");
        var columns = upload["mapping"]?["columns"]?.AsArray().Select(c => c!.GetValue<string>()).ToArray()
            ?? throw new BenchFailure($"POST /api/imports answered 201 without mapping.columns: {Shorten(upload)}");
        var uploaded = clock.Elapsed.TotalSeconds;
        await ExpectAsync(await http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns, hasHeader = true }), HttpStatusCode.OK);
        LastSteps = (uploaded, clock.Elapsed.TotalSeconds - uploaded);
        return id;
    }

    /// <summary>Step 3: the dry run.</summary>
    public async Task<JsonObject> ReviewAsync(string id) =>
        await ExpectAsync(await http.PostAsync($"/api/imports/{id}/review", null), HttpStatusCode.OK);

    /// <summary>
    /// Step 3's rows: the first page of a review's rows (the review's <c>rowsUrl</c>), timed alone: the median of
    /// <paramref name="runs"/> after one not counted. The page must hold <paramref name="expected"/> rows.
    /// </summary>
    public async Task<TimeSpan> FirstPageAsync(JsonObject review, int runs, int expected)
    {
        var url = review["rowsUrl"]?.GetValue<string>() ?? throw new BenchFailure($"The review answered no rowsUrl: {Shorten(review)}");
        List<TimeSpan> times = [];
        for (var i = 0; i <= runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var page = await ExpectAsync(await http.GetAsync(url), HttpStatusCode.OK);
            var elapsed = clock.Elapsed;
            if (page["rows"]?.AsArray().Count != expected)
            {
                throw new BenchFailure($"GET {url} answered {page["rows"]?.AsArray().Count} rows, expected {expected}: {Shorten(page)}");
            }

            if (i > 0)
            {
                times.Add(elapsed);
            }
        }

        return BenchConsole.Median(times);
    }

    /// <summary>
    /// Step 3's fix: a cell edit of one row (its phone, alternately one of two numbers no contact holds) on a reviewed import,
    /// timed alone: the median of <paramref name="runs"/> after one not counted. Each must answer the review brought up to
    /// date incrementally, counting <paramref name="updated"/> updates (the row is still matched by its email).
    /// </summary>
    public async Task<TimeSpan> EditCellAsync(string id, int runs, int updated)
    {
        List<TimeSpan> times = [];
        for (var i = 0; i <= runs; i++)
        {
            var clock = Stopwatch.StartNew();
            var edit = await ExpectAsync(await http.PostAsJsonAsync($"/api/imports/{id}/edits", new { kind = "cell", row = 2, column = 1, value = i % 2 == 0 ? "+14155550100" : "+14155550101" }),
                HttpStatusCode.Created);
            var elapsed = clock.Elapsed;
            if (edit["review"] is not JsonObject review || review["how"]?.GetValue<string>() != "incremental")
            {
                throw new BenchFailure($"The edit answered no incremental review: {Shorten(edit)}");
            }

            CheckCounts("review-edit", review, 0, updated);
            if (i > 0)
            {
                times.Add(elapsed);
            }
        }

        return BenchConsole.Median(times);
    }

    /// <summary>Step 4: runs the import and polls its state until it has finished; a failed import or a timeout is a <see cref="BenchFailure"/>.</summary>
    public async Task<JsonObject> RunToEndAsync(string id)
    {
        var clock = Stopwatch.StartNew();
        await ExpectAsync(await http.PostAsync($"/api/imports/{id}/run", null), HttpStatusCode.Accepted);
        while (true)
        {
            var state = await ExpectAsync(await http.GetAsync($"/api/imports/{id}"), HttpStatusCode.OK);
            switch (state["status"]?.GetValue<string>())
            {
                case "finished":
                    return state;
                case "failed":
                    throw new BenchFailure($"Import {id} failed after {clock.Elapsed.TotalSeconds:0.0} s: error {state["error"]?.ToJsonString() ?? "null"}; state {Shorten(state)}");
            }

            if (clock.Elapsed > runTimeout)
            {
                var rowsDone = state["progress"]?["rowsDone"]?.GetValue<int>() ?? 0;
                var totalRows = state["progress"]?["totalRows"]?.GetValue<int>() ?? 0;
                var rate = rowsDone / clock.Elapsed.TotalSeconds;
                var projection = rate > 0 ? FormattableString.Invariant($"; at that rate all {totalRows} rows would take about {totalRows / rate:0} s") : "";
                throw new BenchFailure(FormattableString.Invariant($"Import {id} had not finished {clock.Elapsed.TotalSeconds:0} s after the run request (--timeout {runTimeout.TotalSeconds:0}): ")
                    + FormattableString.Invariant($"status {state["status"]?.ToJsonString()}, progress {state["progress"]?.ToJsonString()} ({rate:0} rows/s{projection}), counts {state["counts"]?.ToJsonString()}"));
            }

            await Task.Delay(50);
        }
    }

    /// <summary>Checks the counts of a run or a review: exactly the expected added and updated, nothing skipped or invalid.</summary>
    public static void CheckCounts(string what, JsonObject result, int added, int updated)
    {
        var counts = result["counts"] ?? throw new BenchFailure($"{what}: no counts in {Shorten(result)}");
        int Count(string name) => counts[name]?.GetValue<int>() ?? -1;
        if (Count("added") != added || Count("updated") != updated || Count("skipped") != 0 || Count("invalid") != 0)
        {
            throw new BenchFailure($"{what}: expected counts added {added}, updated {updated}, skipped 0, invalid 0; got {counts.ToJsonString()}; {Shorten(result)}");
        }
    }
}
