using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using VeloConnect.Data.Imports;
using Xunit;
using static VeloConnect.Api.Tests.ApiTestExtensions;

namespace VeloConnect.Api.Tests;

/// <summary>Hostile input gets a fast, clear answer: wide files, oversized bulk bodies, long and dirty file names, large stored files.</summary>
[Collection(ApiCollection.Name)]
public sealed class HostileInputTests(ApiFixture fixture)
{
    [Fact]
    public async Task Upload_whose_header_has_twenty_thousand_columns_is_refused_with_the_column_limit()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // 80 KB: a header of 20,000 cells all named 'a' and one data row.
        var csv = string.Join(',', Enumerable.Repeat("a", 20_000)) + "\n" + string.Join(',', Enumerable.Range(0, 20_000).Select(i => i % 10)) + "\n";

        var response = await ws.Http.UploadAsync(csv, form: new() { ["hasHeader"] = "true" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "20,000 columns");
        Assert.Equal("too_many_columns", problem["code"]!.GetValue<string>());
        var detail = problem["detail"]!.GetValue<string>();
        Assert.Contains("limit is 1,000", detail);
        Assert.Contains("upload", detail);
        Assert.Empty(JsonNode.Parse(await ws.Http.GetStringAsync("/api/imports"))!.AsArray());
    }

    [Fact]
    public async Task Upload_of_a_thousand_columns_is_accepted_and_named_uniquely()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var csv = "phone," + string.Join(',', Enumerable.Repeat("a", 999)) + "\n+14155550990," + string.Join(',', Enumerable.Repeat("x", 999)) + "\n";

        var upload = await ReadAsync(await ws.Http.UploadAsync(csv, form: new() { ["hasHeader"] = "true" }), HttpStatusCode.Created);

        var headers = upload["columns"]!.AsArray().Select(c => c!["header"]!.GetValue<string>()).ToList();
        Assert.Equal(1_000, headers.Count);
        Assert.Equal(1_000, headers.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(["phone", "a", "a (2)", "a (3)"], headers[..4]);
        Assert.Equal("a (999)", headers[^1]);
    }

    [Fact]
    public async Task Bulk_array_past_the_item_limit_is_refused_without_reading_the_rest_of_the_body()
    {
        var ws = await fixture.NewWorkspaceAsync();
        // A million items, about 24 MB; the limit is crossed at item 10,001 (about 240 KB). The body holds back after
        // 20,000 items until the answer is in (for at most 20 s): a server that reads on answers only after that.
        using var body = new GeneratedBody(1_000_000, ndjson: false, holdAfterItems: 20_000);

        using var http = Unbuffered(ws);
        using var response = await http.PostAsync("/api/contacts/bulk", body);
        var sentWhenAnswered = body.BytesSent;
        body.Release();

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "Split it into requests of 10,000");
        Assert.Contains("at most 10,000", problem["detail"]!.GetValue<string>());
        Assert.True(sentWhenAnswered <= body.BytesBeforeHold, $"The server took {sentWhenAnswered:N0} of {body.TotalBytes:N0} bytes before answering; it should stop at item 10,001.");
    }

    [Fact]
    public async Task Bulk_ndjson_past_the_item_limit_is_refused_without_reading_the_rest_of_the_body()
    {
        var ws = await fixture.NewWorkspaceAsync();
        using var body = new GeneratedBody(1_000_000, ndjson: true, holdAfterItems: 20_000);

        using var http = Unbuffered(ws);
        using var response = await http.PostAsync("/api/contacts/bulk", body);
        var sentWhenAnswered = body.BytesSent;
        body.Release();

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "Split it into requests of 10,000");
        Assert.True(sentWhenAnswered <= body.BytesBeforeHold, $"The server took {sentWhenAnswered:N0} of {body.TotalBytes:N0} bytes before answering; it should stop at line 10,001.");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Bulk_of_exactly_ten_thousand_items_is_read_whole(bool ndjson)
    {
        var ws = await fixture.NewWorkspaceAsync();
        // Items without a phone or email: each is answered as an error, nothing is written.
        using var body = new GeneratedBody(10_000, ndjson);

        var response = await ReadAsync(await ws.Http.PostAsync("/api/contacts/bulk", body), HttpStatusCode.OK);

        Assert.Equal((0, 0, 0, 10_000), BulkCounts(response));
        Assert.Equal(9_999, response["results"]![9_999]!["index"]!.GetValue<int>());
    }

    [Fact]
    public async Task Long_file_name_full_of_quotes_line_breaks_and_bidi_overrides_is_bounded_and_cleaned_and_the_import_finishes()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var hostile = string.Concat(Enumerable.Repeat("ab\"\n\u202Ecd\r\t\u0007", 500)) + ".csv";
        Assert.Equal(5_004, hostile.Length);

        var upload = await ReadAsync(await UploadNamedAsync(ws.Http, "Name,Phone\nAnn,+14155550980\nNo phone,\n", hostile), HttpStatusCode.Created);

        var name = upload["fileName"]!.GetValue<string>();
        AssertClean(name);
        Assert.True(name.Length <= 255, $"{name.Length} characters");
        Assert.EndsWith(".csv", name);
        Assert.StartsWith("ab", name);
        var id = upload["id"]!.GetValue<string>();
        await ReadAsync(await ws.Http.PutAsJsonAsync($"/api/imports/{id}/mapping", new { columns = new[] { "name", "phone" }, hasHeader = true }), HttpStatusCode.OK);
        var done = await ws.Http.RunToEndAsync(id);
        Assert.Equal((1, 0, 0, 1), ImportTestSupport.Counts(done));
        Assert.Equal(name, done["fileName"]!.GetValue<string>());

        var notifications = await ReadAsync(await ws.Http.GetAsync("/api/notifications"), HttpStatusCode.OK);
        var message = notifications["items"]!.AsArray().Select(n => n!["message"]!.GetValue<string>()).Single(m => m.Contains("added"));
        Assert.StartsWith(name, message);
        AssertClean(message);
        var audit = await ReadAsync(await ws.Http.GetAsync($"/api/audit?action=import.finished&entityId={id}"), HttpStatusCode.OK);
        Assert.Equal(name, Assert.Single(audit["items"]!.AsArray())!["details"]!["file"]!.GetValue<string>());

        var report = await ws.Http.GetAsync($"/api/imports/{id}/errors.csv");
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        var disposition = report.Content.Headers.ContentDisposition!;
        var downloadName = disposition.FileNameStar ?? disposition.FileName!.Trim('"');
        AssertClean(downloadName);
        Assert.EndsWith("-errors.csv", downloadName);
        Assert.True(downloadName.Length <= 255, $"{downloadName.Length} characters");
    }

    [Fact]
    public async Task Error_report_of_a_large_file_is_streamed_and_complete()
    {
        var ws = await fixture.NewWorkspaceAsync();
        const int rows = 20_000;
        var csv = new StringBuilder("Name,Phone,Notes\n");
        for (var i = 0; i < rows; i++)
        {
            // No phone: every row is invalid, so every row is in the report, with its original text.
            csv.Append("Person ").Append(i).Append(",,\"note ").Append(i).Append(", with a comma\"\n");
        }

        var done = await ws.Http.ImportAsync(csv.ToString(), ["name", "phone", "ignore"]);
        Assert.Equal((0, 0, 0, rows), ImportTestSupport.Counts(done));

        using var report = await ws.Http.GetAsync($"/api/imports/{done["id"]!.GetValue<string>()}/errors.csv", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(HttpStatusCode.OK, report.StatusCode);
        // Written as it is read from the stored file, not built whole first: no length is known up front.
        Assert.Null(report.Content.Headers.ContentLength);
        var lines = (await report.Content.ReadAsStringAsync()).TrimStart('\uFEFF').Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(rows + 1, lines.Length);
        Assert.Equal("Row,Outcome,Reasons,Original row,Edited", lines[0]);
        Assert.StartsWith("2,invalid,", lines[1]);
        Assert.EndsWith(",\"Person 0,,\"\"note 0, with a comma\"\"\",", lines[1]);
        Assert.StartsWith($"{rows + 1},invalid,", lines[^1]);
        Assert.EndsWith($",\"Person {rows - 1},,\"\"note {rows - 1}, with a comma\"\"\",", lines[^1]);
    }

    [Fact]
    public async Task Contact_body_over_a_megabyte_is_refused_with_what_to_send()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var huge = "{\"email\": \"big@example.com\", \"name\": \"" + new string('x', 2 * 1024 * 1024) + "\"}";

        var create = await ws.Http.PostAsync("/api/contacts", new StringContent(huge, Encoding.UTF8, "application/json"));

        var problem = await create.AssertProblemAsync(HttpStatusCode.BadRequest, "The body is over 1 MB");
        Assert.Contains("POST /api/contacts/bulk", problem["detail"]!.GetValue<string>());
        var contact = await ws.Http.CreateContactAsync(new { email = "small@example.com" });
        await (await ws.Http.PatchAsync($"/api/contacts/{contact.Id()}", new StringContent(huge, Encoding.UTF8, "application/json")))
            .AssertProblemAsync(HttpStatusCode.BadRequest, "The body is over 1 MB");
    }

    [Fact]
    public async Task Stored_file_is_read_as_a_stream_and_gives_its_connection_back_when_disposed()
    {
        var ws = await fixture.NewWorkspaceAsync();
        var csv = ImportRows(3_000);
        var upload = await ReadAsync(await ws.Http.UploadAsync(csv), HttpStatusCode.Created);
        var id = Guid.Parse(upload["id"]!.GetValue<string>());
        // Three connections at most: a stream that kept its connection after being disposed would exhaust them.
        var pooled = new NpgsqlConnectionStringBuilder(fixture.DataSource.ConnectionString) { MaxPoolSize = 3, Timeout = 5 };
        await using var dataSource = NpgsqlDataSource.Create(pooled.ConnectionString);
        var store = new ImportStore(dataSource);

        await using (var file = await store.OpenFileAsync(id))
        {
            Assert.False(file.CanSeek);
            using var copy = new MemoryStream();
            var buffer = new byte[1000];
            int read;
            while ((read = await file.ReadAsync(buffer)) > 0)
            {
                copy.Write(buffer, 0, read);
            }

            Assert.Equal(Encoding.UTF8.GetBytes(csv), copy.ToArray());
        }

        for (var i = 0; i < 10; i++)
        {
            // Read a little and stop, as the header re-analysis of a refused file does.
            await using var file = await store.OpenFileAsync(id);
            Assert.Equal(10, await file.ReadAsync(new byte[10]));
        }

        await Assert.ThrowsAsync<InvalidOperationException>(() => store.OpenFileAsync(Guid.NewGuid()));
        await using var after = await store.OpenFileAsync(id);
        Assert.Equal((byte)'N', (byte)after.ReadByte());
    }

    private static string ImportRows(int rows)
    {
        var csv = new StringBuilder("Name,Phone\n");
        for (var i = 0; i < rows; i++)
        {
            csv.Append("Person ").Append(i).Append(",+1415556").Append((i % 10_000).ToString("0000", System.Globalization.CultureInfo.InvariantCulture)).Append('\n');
        }

        return csv.ToString();
    }

    /// <summary>A client straight to the test server: the factory's own client buffers a request body whole (to replay it on a redirect).</summary>
    private HttpClient Unbuffered(TestWorkspace ws)
    {
        var client = ((TestServer)fixture.ApiServices.GetRequiredService<IServer>()).CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ws.ApiKey);
        return client;
    }

    private static void AssertClean(string text)
    {
        Assert.DoesNotContain(text, c => char.IsControl(c) || c is '\u202E' or '\u202D' or '\u202A' or '\u202B' or '\u202C' or '\u2066' or '\u2067' or '\u2068' or '\u2069');
    }

    /// <summary>Uploads with the file name in RFC 5987 form (filename*), the way a client sends any name, line breaks included.</summary>
    private static async Task<HttpResponseMessage> UploadNamedAsync(HttpClient http, string csv, string fileName)
    {
        using var body = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = "\"file\"", FileNameStar = fileName };
        body.Add(file);
        body.Add(new StringContent("true"), "hasHeader");
        return await http.PostAsync("/api/imports", body);
    }

    /// <summary>
    /// A bulk body of small contact items (no phone or email), made as it is sent, in chunks; BytesSent says how much was
    /// sent so far. With holdAfterItems it stops sending after that many items until <see cref="Release"/> (or 20 s):
    /// an answer that comes while it holds was given without the rest of the body.
    /// </summary>
    private sealed class GeneratedBody : HttpContent
    {
        private const int ItemsPerChunk = 500;
        private readonly int _items;
        private readonly bool _ndjson;
        private readonly int? _holdAfterItems;
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private long _sent;

        public GeneratedBody(int items, bool ndjson, int? holdAfterItems = null)
        {
            _items = items;
            _ndjson = ndjson;
            _holdAfterItems = holdAfterItems;
            Headers.ContentType = new MediaTypeHeaderValue(ndjson ? "application/x-ndjson" : "application/json");
            TotalBytes = Enumerable.Range(0, (items + ItemsPerChunk - 1) / ItemsPerChunk).Sum(c => (long)Chunk(c).Length) + (ndjson ? 0 : 2);
            BytesBeforeHold = holdAfterItems is { } hold ? Enumerable.Range(0, hold / ItemsPerChunk).Sum(c => (long)Chunk(c).Length) + (ndjson ? 0 : 1) : TotalBytes;
        }

        public long TotalBytes { get; }

        /// <summary>What is sent before the hold.</summary>
        public long BytesBeforeHold { get; }

        public long BytesSent => Interlocked.Read(ref _sent);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            if (!_ndjson)
            {
                await Send(stream, "[");
            }

            for (var chunk = 0; chunk * ItemsPerChunk < _items; chunk++)
            {
                if (chunk * ItemsPerChunk == _holdAfterItems)
                {
                    await Task.WhenAny(_released.Task, Task.Delay(TimeSpan.FromSeconds(20)));
                }

                await Send(stream, Chunk(chunk));
            }

            if (!_ndjson)
            {
                await Send(stream, "]");
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }

        private async Task Send(Stream stream, string text)
        {
            var bytes = Encoding.UTF8.GetBytes(text);
            await stream.WriteAsync(bytes);
            await stream.FlushAsync();
            Interlocked.Add(ref _sent, bytes.Length);
        }

        private string Chunk(int chunk)
        {
            var text = new StringBuilder();
            for (var i = chunk * ItemsPerChunk; i < Math.Min(_items, (chunk + 1) * ItemsPerChunk); i++)
            {
                if (!_ndjson && i > 0)
                {
                    text.Append(',');
                }

                text.Append("{\"name\": \"Item ").Append(i).Append("\"}");
                if (_ndjson)
                {
                    text.Append('\n');
                }
            }

            return text.ToString();
        }
    }
}
