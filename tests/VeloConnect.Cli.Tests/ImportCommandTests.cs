using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using VeloConnect.Cli.Api;
using VeloConnect.Cli.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>The whole command against the in-memory server: counts, the errors file, refusals, and resuming after a failure.</summary>
public sealed class ImportCommandTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly RetryPolicy Quick = new(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5));

    /// <summary>
    /// 20 rows: row 5 invalid (no phone, no email), row 9 repeats row 2's phone, row 15 repeats row 3's email, rows 11 and 19
    /// match existing contacts. So: 15 added, 2 updated, 2 skipped, 1 invalid.
    /// </summary>
    private string SampleFile()
    {
        var csv = new StringBuilder("Name,Mobile,E-mail\r\n");
        for (var row = 2; row <= 21; row++)
        {
            var phone = row switch
            {
                5 => "",
                9 => "(415) 555-0102",
                _ => $"+1 415 555 01{row:00}",
            };
            var email = row switch
            {
                3 => "ann@example.com",
                15 => "ANN@example.com",
                5 => "",
                _ => "",
            };
            csv.Append($"Person {row},{phone},{email}\r\n");
        }

        return _files.Write("contacts.csv", csv.ToString());
    }

    private static FakeVeloServer Server()
    {
        var server = new FakeVeloServer();
        server.Existing.Add("+14155550111");
        server.Existing.Add("+14155550119");
        return server;
    }

    private static Task<(int Exit, string Out, string Error)> Run(FakeVeloServer server, string input, params string[] args) =>
        Run(server, input, CancellationToken.None, args);

    private static Task<(int Exit, string Out, string Error)> Run(FakeVeloServer server, string input, CancellationToken cancellationToken, params string[] args) =>
        Run(server, input, terminal: false, cancellationToken, args);

    private static async Task<(int Exit, string Out, string Error)> Run(FakeVeloServer server, string input, bool terminal, CancellationToken cancellationToken, params string[] args)
    {
        var parsed = CliArguments.Parse(["import", .. args], name => name == "VELO_API_KEY" ? "vc_test" : null);
        using var http = VeloApi.CreateClient("http://velo.test", "vc_test", server);
        var output = new StringWriter();
        var error = new StringWriter();
        var console = new CliConsole(new StringReader(input), output, error, ErrorIsTerminal: terminal, OutIsTerminal: terminal);
        var exit = await new ImportCommand(parsed.Import!, new VeloApi(http, Quick), console).RunAsync(cancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task A_file_is_imported_in_batches_with_exact_counts_and_an_errors_file()
    {
        var path = SampleFile();
        var server = Server();

        var (exit, output, error) = await Run(server, "", path, "--batch", "3", "--parallel", "3", "--yes");

        Assert.True(exit == 0, error);
        Assert.Contains("20 rows: 15 added, 2 updated, 2 skipped, 1 invalid.", output, StringComparison.Ordinal);
        Assert.Equal(20, server.FinishedWith);
        Assert.Equal(Enumerable.Range(2, 20), server.RowsReceived.Order());
        Assert.Equal(7, server.BulkRequests);
        Assert.Equal("true", server.UploadFields["commandLine"]);
        Assert.Equal(new FileInfo(path).Length.ToString(System.Globalization.CultureInfo.InvariantCulture), server.UploadFields["fileSize"]);
        Assert.False(File.Exists(ResumeState.PathFor(path)));

        var errors = Encoding.UTF8.GetString(File.ReadAllBytes(ErrorsFile.PathFor(path))[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Row,Outcome,Reasons,Original row", errors[0]);
        Assert.StartsWith("5,invalid,no phone and no email", errors[1], StringComparison.Ordinal);
        Assert.EndsWith(",\"Person 5,,\"", errors[1], StringComparison.Ordinal);
        Assert.Equal("9,skipped,Duplicate of row 2 (same phone or email); only the first is imported.,\"Person 9,(415) 555-0102,\"", errors[2]);
        Assert.StartsWith("15,skipped,Duplicate of row 3", errors[3], StringComparison.Ordinal);
        Assert.Equal(4, errors.Length);
    }

    [Fact]
    public async Task On_a_terminal_the_summary_is_a_table_with_the_errors_file()
    {
        var path = SampleFile();

        var (exit, output, error) = await Run(Server(), "", terminal: true, CancellationToken.None, path, "--batch", "3", "--yes");
        output = Regex.Replace(output, "\u001b\\[[0-9;?]*[a-zA-Z]", "");

        Assert.True(exit == 0, error);
        Assert.Contains("20/20 rows  100%", error, StringComparison.Ordinal);
        Assert.Contains("Imported contacts.csv (import ", output, StringComparison.Ordinal);
        var rows = output.Split(Environment.NewLine).Select(line => string.Join(' ', line.Split(['│', '|', ' '], StringSplitOptions.RemoveEmptyEntries))).ToList();
        Assert.Equal(["added 15", "updated 2", "skipped 2", "invalid 1", "total 20"], rows.Where(r => Regex.IsMatch(r, @"^[a-z]+ \d+$")));
        Assert.Contains($"Rows not imported, with the reasons: {ErrorsFile.PathFor(path)}", output.Split(Environment.NewLine));
        Assert.DoesNotContain("20 rows: 15 added", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_interrupted_import_resumes_from_the_first_unacknowledged_batch_and_counts_every_row_once()
    {
        var path = SampleFile();
        var server = Server();
        // The third request fails for good: the run stops with the first two batches acknowledged.
        server.FailBulk = n => n == 3 ? new HttpResponseMessage(HttpStatusCode.Forbidden) : null;

        var first = await Run(server, "", path, "--batch", "4", "--parallel", "1", "--yes");

        Assert.Equal(1, first.Exit);
        Assert.Contains("Run the same command again to resume", first.Error, StringComparison.Ordinal);
        var progress = ResumeState.Load(ResumeState.PathFor(path))!;
        Assert.Equal((8, 4), (progress.RowsAcknowledged, progress.BatchRows));
        Assert.Equal(server.ImportId, progress.ImportId);

        server.FailBulk = _ => null;
        server.RowsReceived.Clear();
        // A different --batch on the resumed run is ignored: the batches must be cut and keyed as before.
        var second = await Run(server, "", path, "--batch", "7", "--yes");

        Assert.True(second.Exit == 0, second.Error);
        Assert.Contains($"Resuming import {server.ImportId}", second.Error, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(10, 12), server.RowsReceived.Order());
        Assert.Contains("20 rows: 15 added, 2 updated, 2 skipped, 1 invalid.", second.Out, StringComparison.Ordinal);
        var errors = Encoding.UTF8.GetString(File.ReadAllBytes(ErrorsFile.PathFor(path))[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["Row", "5,invalid", "9,skipped", "15,skipped"], errors.Select(e => string.Join(',', e.Split(',').Take(e.StartsWith("Row", StringComparison.Ordinal) ? 1 : 2))));
    }

    [Fact]
    public async Task A_resumed_run_resends_a_batch_the_server_applied_but_never_answered_and_gets_its_recorded_answer()
    {
        var path = SampleFile();
        var server = Server();
        // From request 2 on, the server applies the rows and stores its answer, then the connection drops before the
        // answer arrives: batch 2 (rows 12-21) and each retry of it, for good in this run.
        server.DropAnswer = n => n >= 2;

        var first = await Run(server, "", path, "--batch", "10", "--parallel", "1", "--yes");

        Assert.Equal(1, first.Exit);
        Assert.Contains("Run the same command again to resume", first.Error, StringComparison.Ordinal);
        Assert.Equal(10, ResumeState.Load(ResumeState.PathFor(path))!.RowsAcknowledged);
        // The lost batch was applied: every row of the file is recorded on the server, once.
        Assert.Equal(Enumerable.Range(2, 20), server.Recordings.Keys.Order());
        var (added, updated, skipped, invalid) = server.Counts();
        Assert.Equal((15, 2, 2, 1), (added, updated, skipped, invalid));
        Assert.Null(server.FinishedWith);

        server.DropAnswer = _ => false;
        server.Replayed.Clear();
        server.RowsReceived.Clear();
        var second = await Run(server, "", path, "--yes");

        Assert.True(second.Exit == 0, second.Error);
        // The lost batch is sent again, and nothing is applied twice: the resend carries the key of the lost answer, so
        // the server answers it from its stored answer.
        Assert.Equal(Enumerable.Range(12, 10), server.RowsReceived.Order());
        Assert.All(server.Recordings, pair => Assert.True(pair.Value == 1, $"Row {pair.Key} was recorded {pair.Value} times."));
        Assert.Equal([VeloApi.IdempotencyKey(server.ImportId, 12)], server.Replayed);
        Assert.Equal(20, server.FinishedWith);
        Assert.Contains("20 rows: 15 added, 2 updated, 2 skipped, 1 invalid.", second.Out, StringComparison.Ordinal);
        // Row 15 is in the replayed batch: its outcome comes from the stored answer.
        var errors = File.ReadAllLines(ErrorsFile.PathFor(path)).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["5", "9", "15"], errors);
    }

    [Fact]
    public async Task Ctrl_c_stops_with_the_progress_file_current_and_the_next_run_finishes()
    {
        var path = SampleFile();
        var server = Server();
        using var interrupt = new CancellationTokenSource();
        server.FailBulk = n =>
        {
            if (n == 3)
            {
                interrupt.Cancel();
            }

            return null;
        };

        var first = await Run(server, "", interrupt.Token, path, "--batch", "3", "--parallel", "2", "--yes");

        Assert.Equal(1, first.Exit);
        Assert.Contains("Interrupted. Run the same command again to resume", first.Error, StringComparison.Ordinal);
        var acknowledged = ResumeState.Load(ResumeState.PathFor(path))!.RowsAcknowledged;
        Assert.InRange(acknowledged, 0, 9);
        Assert.Equal(0, acknowledged % 3);

        server.FailBulk = _ => null;
        var second = await Run(server, "", path, "--yes");

        Assert.True(second.Exit == 0, second.Error);
        Assert.Contains("20 rows: 15 added, 2 updated, 2 skipped, 1 invalid.", second.Out, StringComparison.Ordinal);
        var errors = File.ReadAllLines(ErrorsFile.PathFor(path)).Skip(1).Select(l => l.Split(',')[0]).ToList();
        Assert.Equal(["5", "9", "15"], errors);
    }

    [Fact]
    public async Task A_mapping_the_server_refuses_stops_before_anything_is_sent_with_its_reasons()
    {
        var path = SampleFile();
        var server = Server();

        var (exit, _, error) = await Run(server, "", path, "--mapping", "Name=name", "--yes");

        Assert.Equal(1, exit);
        Assert.Contains("The mapping is not valid, nothing was imported", error, StringComparison.Ordinal);
        Assert.Contains("phone", error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, server.BulkRequests);
        Assert.False(File.Exists(ResumeState.PathFor(path)));
    }

    [Fact]
    public async Task The_remembered_mapping_is_shown_and_nothing_runs_without_a_yes()
    {
        var path = SampleFile();
        var server = Server();
        server.Remembered = ["name", "phone", "email"];

        var declined = await Run(server, "n\n", path);
        var unanswered = await Run(server, "", path);

        Assert.Equal(1, declined.Exit);
        Assert.Contains("Mapping (remembered from your last file with these headers", declined.Error, StringComparison.Ordinal);
        Assert.Contains("Mobile  ->  Phone (primary)", declined.Error, StringComparison.Ordinal);
        Assert.Contains("Import 20 rows with this mapping? [y/N]", declined.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing imported", declined.Error, StringComparison.Ordinal);
        Assert.Contains("pass --yes", unanswered.Error, StringComparison.Ordinal);
        Assert.Equal(0, server.BulkRequests);

        var accepted = await Run(server, "y\n", path);
        Assert.True(accepted.Exit == 0, accepted.Error);
    }

    [Fact]
    public async Task A_file_that_is_not_utf8_past_its_head_is_refused_before_anything_is_uploaded()
    {
        var lines = Enumerable.Range(0, 3000).Select(i => $"Person {i},+1 415 555 {i % 10000:0000}").Prepend("Name,Phone");
        var bytes = Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n").Concat(new byte[] { 0x4A, 0xF6, 0x72, 0x67, 0x2C, 0x0A }).ToArray();
        var path = _files.Write("latin.csv", bytes);
        var server = Server();

        var (exit, _, error) = await Run(server, "", path, "--yes");

        Assert.Equal(1, exit);
        Assert.Contains("not UTF-8", error, StringComparison.Ordinal);
        Assert.Contains("--convert-from", error, StringComparison.Ordinal);
        Assert.Null(server.UploadedHead);
    }

    [Fact]
    public async Task Only_the_head_of_a_big_file_is_uploaded()
    {
        var lines = Enumerable.Range(0, 2500).Select(i => $"Person {i},+1 415 2{i / 10000 + 10:00} {i % 10000:0000}").Prepend("Name,Phone");
        var path = _files.Write("big.csv", string.Join("\r\n", lines) + "\r\n");
        var server = Server();

        var (exit, output, error) = await Run(server, "", path, "--yes", "--batch", "1000");

        Assert.True(exit == 0, error);
        Assert.Equal(1_001, Encoding.UTF8.GetString(server.UploadedHead!).Split('\r', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("2,500 rows: 2,500 added", output, StringComparison.Ordinal);
    }
}
