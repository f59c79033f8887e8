using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.Client;
using VeloConnect.Cli.Api;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// The server side of a command-line import, in memory, following the contract: the head sniffed as the wizard sniffs it,
/// the mapping validated, rows read with the wizard's RowReader, each row recorded once and answered from its record
/// when sent again; idempotency keys answered verbatim. Bulk requests can be made to fail before they are applied, or to
/// lose their answer after they are applied (the connection reset once the rows are recorded).
/// </summary>
public sealed class FakeVeloServer : HttpMessageHandler
{
    private readonly Lock _gate = new();
    private readonly Dictionary<int, (string Status, IReadOnlyList<string> Reasons, int? DuplicateOf)> _rows = [];
    private readonly Dictionary<string, string> _answers = [];
    private SniffResult? _analysis;
    private ImportMapping? _mapping;

    public Guid ImportId { get; } = Guid.NewGuid();

    public string Status { get; private set; } = "none";

    /// <summary>Phones (E.164) of contacts that exist already: a row with one is "updated".</summary>
    public HashSet<string> Existing { get; } = [];

    /// <summary>The mapping remembered for the file's headers, if any.</summary>
    public IReadOnlyList<string>? Remembered { get; set; }

    /// <summary>Called with the number of the bulk request (1-based); an answer returned is sent instead of the real one.</summary>
    public Func<int, HttpResponseMessage?> FailBulk { get; set; } = _ => null;

    /// <summary>
    /// Called with the number of the bulk request (1-based) once it is applied and its answer stored: true loses the answer,
    /// as a connection reset after the server committed would (the client sees an HttpRequestException, no status).
    /// </summary>
    public Func<int, bool> DropAnswer { get; set; } = _ => false;

    public int BulkRequests { get; private set; }

    /// <summary>The idempotency keys answered from the stored answers (a resend), in order of arrival.</summary>
    public List<string> Replayed { get; } = [];

    /// <summary>
    /// For each row, how many bulk requests with a key not seen before carried it: 1 when the row was recorded once.
    /// A resend under a new key counts again (a real server would apply it again).
    /// </summary>
    public Dictionary<int, int> Recordings { get; } = [];

    /// <summary>Every row number in every bulk request received, in order of arrival.</summary>
    public List<int> RowsReceived { get; } = [];

    public byte[]? UploadedHead { get; private set; }

    public Dictionary<string, string> UploadFields { get; } = [];

    public int? FinishedWith { get; private set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var method = request.Method.Method;
        return (method, path) switch
        {
            ("POST", "/api/imports") => await UploadAsync(request, cancellationToken),
            ("PUT", _) when path.EndsWith("/mapping", StringComparison.Ordinal) => await MappingAsync(request, cancellationToken),
            ("POST", _) when path.EndsWith("/run", StringComparison.Ordinal) => Run(),
            ("GET", "/api/fields") => Json(HttpStatusCode.OK, "[]"),
            ("POST", _) when path.EndsWith("/rows", StringComparison.Ordinal) => await BulkAsync(request, cancellationToken),
            ("POST", _) when path.EndsWith("/finish", StringComparison.Ordinal) => await FinishAsync(request, cancellationToken),
            ("GET", _) when path.StartsWith("/api/imports/", StringComparison.Ordinal) => Json(HttpStatusCode.OK, ImportJson()),
            _ => new HttpResponseMessage(HttpStatusCode.NotFound),
        };
    }

    public (int Added, int Updated, int Skipped, int Invalid) Counts()
    {
        lock (_gate)
        {
            return (_rows.Values.Count(r => r.Status == "created"), _rows.Values.Count(r => r.Status == "updated"),
                _rows.Values.Count(r => r.Status == "skipped"), _rows.Values.Count(r => r.Status == "error"));
        }
    }

    private async Task<HttpResponseMessage> UploadAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var form = (MultipartFormDataContent)request.Content!;
        foreach (var part in form)
        {
            var name = part.Headers.ContentDisposition!.Name!.Trim('"');
            if (name == "file")
            {
                UploadedHead = await part.ReadAsByteArrayAsync(cancellationToken);
            }
            else
            {
                UploadFields[name] = await part.ReadAsStringAsync(cancellationToken);
            }
        }

        bool? hasHeader = UploadFields.TryGetValue("hasHeader", out var h) ? bool.Parse(h) : null;
        using var stream = new MemoryStream(UploadedHead!);
        _analysis = CsvSniffer.Sniff(stream, new SniffOptions(hasHeader, null, MaxDataRows: int.MaxValue));
        if (!_analysis.CanImport)
        {
            return Json(HttpStatusCode.UnprocessableEntity, JsonSerializer.Serialize(new { title = "The file cannot be imported", detail = _analysis.Errors[0].Message }));
        }

        Status = "uploaded";
        return Json(HttpStatusCode.Created, ImportJson());
    }

    private async Task<HttpResponseMessage> MappingAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = (await request.Content!.ReadFromJsonAsync<MappingRequest>(VeloApi.Json, cancellationToken))!;
        var mapping = new ImportMapping([.. body.Columns!.Select(c => ColumnTarget.TryParse(c, out var t) ? t : ColumnTarget.Ignore)], body.HasHeader ?? true, body.Region ?? "US");
        var errors = MappingRules.Validate(mapping, _analysis!.Columns.Count, []);
        if (errors.Count > 0)
        {
            return Json(HttpStatusCode.BadRequest, JsonSerializer.Serialize(new { title = "One or more validation errors occurred.", errors }));
        }

        _mapping = mapping;
        return Json(HttpStatusCode.OK, ImportJson());
    }

    private HttpResponseMessage Run()
    {
        if (Status != "uploaded")
        {
            return Json(HttpStatusCode.Conflict, """{"title":"Import already run","detail":"This import is running."}""");
        }

        Status = "running";
        return new HttpResponseMessage(HttpStatusCode.Accepted) { Content = new StringContent(ImportJson(), Encoding.UTF8, "application/json") };
    }

    private async Task<HttpResponseMessage> BulkAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var key = request.Headers.GetValues(VeloApi.IdempotencyKeyHeader).Single();
        var body = await request.Content!.ReadAsStringAsync(cancellationToken);
        int number;
        lock (_gate)
        {
            number = ++BulkRequests;
        }

        if (FailBulk(number) is { } failure)
        {
            return failure;
        }

        lock (_gate)
        {
            if (Status != "running")
            {
                return Json(HttpStatusCode.Conflict, """{"title":"Import not running","detail":"Run it first."}""");
            }

            var items = JsonSerializer.Deserialize<ImportRowDoc[]>(body, VeloApi.Json)!;
            RowsReceived.AddRange(items.Select(item => item.Row));
            if (_answers.TryGetValue(key, out var stored))
            {
                Replayed.Add(key);
                return Answer(number, stored);
            }

            var reader = new RowReader(_mapping!, [.. _analysis!.Columns.Select(c => c.Header)], []);
            var results = new JsonArray();
            foreach (var (item, index) in items.Select((item, index) => (item, index)))
            {
                Recordings[item.Row] = Recordings.GetValueOrDefault(item.Row) + 1;
                if (!_rows.TryGetValue(item.Row, out var recorded))
                {
                    var read = reader.Read([.. item.Cells]);
                    recorded = !read.IsValid ? ("error", read.Errors, null)
                        : item.DuplicateOf is { } of ? ("skipped", [$"Duplicate of row {of} (same phone or email); only the first is imported."], of)
                        : Existing.Contains(read.Contact!.PrimaryPhone ?? "") ? ("updated", [], null)
                        : ("created", [], null);
                    _rows[item.Row] = recorded;
                }

                results.Add(new JsonObject
                {
                    ["index"] = index,
                    ["row"] = item.Row,
                    ["status"] = recorded.Status,
                    ["contactId"] = recorded.Status is "created" or "updated" ? Guid.NewGuid() : null,
                    ["duplicateOf"] = recorded.DuplicateOf,
                    ["reasons"] = new JsonArray([.. recorded.Reasons.Select(r => JsonValue.Create(r))]),
                    ["warnings"] = new JsonArray(),
                });
            }

            var answer = new JsonObject { ["counts"] = new JsonObject(), ["results"] = results }.ToJsonString();
            _answers[key] = answer;
            return Answer(number, answer);
        }
    }

    /// <summary>The stored answer, or the connection lost after the rows were applied when <see cref="DropAnswer"/> says so.</summary>
    private HttpResponseMessage Answer(int number, string answer) => DropAnswer(number)
        ? throw new HttpRequestException(HttpRequestError.ResponseEnded, $"Bulk request {number} was applied, then the connection was reset before its answer (simulated).")
        : Json(HttpStatusCode.OK, answer);

    private async Task<HttpResponseMessage> FinishAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = (await request.Content!.ReadFromJsonAsync<FinishCommandLineImportRequest>(VeloApi.Json, cancellationToken))!;
        lock (_gate)
        {
            if (_rows.Count != body.TotalRows)
            {
                return Json(HttpStatusCode.Conflict, $$"""{"title":"Rows missing","detail":"{{body.TotalRows - _rows.Count}} rows are not recorded."}""");
            }

            FinishedWith = body.TotalRows ?? 0;
            Status = "finished";
            return Json(HttpStatusCode.OK, ImportJson());
        }
    }

    private string ImportJson()
    {
        var analysis = _analysis!;
        var headers = analysis.Columns.Select(c => c.Header).ToList();
        var suggested = MappingRules.Suggest(headers, [.. analysis.Columns.Select(c => c.Samples)], analysis.HasHeader, []).Select(t => t.ToString()).ToList();
        var (added, updated, skipped, invalid) = Counts();
        var mapping = _mapping is { } confirmed
            ? new MappingResponse { Columns = [.. confirmed.Columns.Select(c => c.ToString())], HasHeader = confirmed.HasHeader, Region = confirmed.Region, Source = "confirmed" }
            : new MappingResponse { Columns = Remembered ?? suggested, HasHeader = analysis.HasHeader, Region = "US", Source = Remembered is null ? "suggested" : "remembered" };
        var import = new ImportResponse
        {
            Id = ImportId, Status = Status, Delimiter = analysis.DelimiterName, HasHeader = analysis.HasHeader,
            Columns = [.. analysis.Columns.Select(c => new ColumnResponse { Index = c.Index, Header = c.Header, Samples = c.Samples })], Warnings = [], Mapping = mapping,
            Targets = [new() { Value = "name", Label = "Name" }, new() { Value = "phone", Label = "Phone (primary)" }, new() { Value = "email", Label = "Email" }, new() { Value = "ignore", Label = "Don't import" }],
            Progress = new ProgressResponse { RowsDone = _rows.Count, TotalRows = 0 }, Counts = new ImportCounts { Added = added, Updated = updated, Skipped = skipped, Invalid = invalid },
        };
        return JsonSerializer.Serialize(import, VeloApiClient.Json);
    }

    private static HttpResponseMessage Json(HttpStatusCode status, string json) =>
        new(status) { Content = new StringContent(json, Encoding.UTF8, status >= HttpStatusCode.BadRequest ? "application/problem+json" : "application/json") };
}
