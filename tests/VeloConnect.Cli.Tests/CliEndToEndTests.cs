using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Npgsql;
using VeloConnect.Cli.Imports;
using VeloConnect.ContactRules.Contacts;
using Xunit;
using Xunit.Abstractions;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// The acceptance test of the command-line importer: velo as a separate process against the real stack, a generated
/// 200,000-row file, killed mid-run and started again, then exact counts from its summary and from the database.
/// </summary>
public sealed partial class CliEndToEndTests(CliStackFixture stack, ITestOutputHelper log) : IClassFixture<CliStackFixture>, IDisposable
{
    private const int Rows = 200_000;
    private const int Existing = 2_000;

    // Rows by their index i (row number i + 2): i % 100 == 7 has no phone and no email (invalid); i % 100 == 13, from
    // i = 10,000 on, repeats the phone of row i - 7,013 in another spelling, several batches earlier (skipped); i % 100 == 29
    // carries the phone of existing contact i / 100 (updated); every other row is a new contact, every third with an email.
    private const int Invalid = Rows / 100;
    private const int Skipped = (Rows - 10_000) / 100;
    private const int Updated = Existing;
    private const int Added = Rows - Invalid - Skipped - Updated;

    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>
    /// How long velo may go without acknowledging a batch before the test gives up on it. The waits end as soon as velo
    /// is done, so this costs nothing when it works; it has no overall limit (no xUnit Timeout: with tests running in
    /// parallel, on a machine where every test project runs at once, a slow run is not a failed one, only a stuck one is).
    /// </summary>
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task A_200k_row_file_is_imported_exactly_once_across_a_kill_and_a_restart()
    {
        var (workspaceId, apiKey) = await stack.NewWorkspaceAsync();
        await CreateExistingContactsAsync(apiKey);
        var path = WriteFile();
        string[] arguments = ["import", path, "--api", stack.ApiUrl, "--key", apiKey, "--yes", "--batch", "5000", "--parallel", "4"];

        // First run: killed once the progress file shows some batches acknowledged, well before the end.
        var progressPath = ResumeState.PathFor(path);
        var watch = Stopwatch.StartNew();
        using (var first = Velo.Start(arguments))
        {
            var reached = await WhileProgressingAsync(first, progressPath, acknowledged => acknowledged >= 20_000);

            Assert.False(first.Process.HasExited, $"velo ended (exit {(first.Process.HasExited ? first.Process.ExitCode : 0)}) before it could be killed: {first.Output()}");
            Assert.True(reached, $"velo acknowledged no batch for {Stalled.TotalSeconds:0} s: {first.Output()}");
            first.Process.Kill(entireProcessTree: true);
            await first.Process.WaitForExitAsync();
            var killedAt = ResumeState.Load(progressPath)!;
            var recorded = await ScalarAsync("select count(*) from import_rows where import_id = $1", killedAt.ImportId);
            log.WriteLine($"killed after {watch.Elapsed.TotalSeconds:0.0} s with {killedAt.RowsAcknowledged:N0} rows acknowledged and {recorded:N0} recorded by the server");
            Assert.InRange(ResumeState.Load(progressPath)!.RowsAcknowledged, 20_000, Rows - 5_000);
        }

        // Second run: the same command resumes the same import and finishes it.
        using var second = Velo.Start(arguments);
        var exited = await WhileProgressingAsync(second, progressPath, _ => second.Process.HasExited);
        var output = second.Output();
        log.WriteLine(output);
        Assert.True(exited, $"velo acknowledged no batch for {Stalled.TotalSeconds:0} s: {output}");
        await second.Process.WaitForExitAsync();
        Assert.True(second.Process.ExitCode == 0, output);
        Assert.Contains("Resuming import", output, StringComparison.Ordinal);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture,
            $"{Rows:N0} rows: {Added:N0} added, {Updated:N0} updated, {Skipped:N0} skipped, {Invalid:N0} invalid."), output, StringComparison.Ordinal);
        Assert.False(File.Exists(progressPath));

        // The database: every row recorded once, no contact twice, nothing missing.
        var importId = Guid.Parse(ImportIdPattern().Match(output).Groups[1].Value);
        Assert.Equal(Existing + Added, await ScalarAsync("select count(*) from contacts where workspace_id = $1", workspaceId));
        Assert.Equal(Existing + Added, await ScalarAsync("select count(distinct value) from contact_identifiers where workspace_id = $1 and kind = 'p'", workspaceId));
        Assert.Equal(Rows, await ScalarAsync("select count(*) from import_rows where import_id = $1", importId));
        Assert.Equal(Rows, await ScalarAsync("select count(distinct row_number) from import_rows where import_id = $1 and row_number between 2 and $2", importId, Rows + 1));
        Assert.Equal(Added, await ScalarAsync("select count(*) from import_rows where import_id = $1 and outcome = 'added'", importId));
        Assert.Equal(Updated, await ScalarAsync("select count(*) from import_rows where import_id = $1 and outcome = 'updated'", importId));
        Assert.Equal(Skipped, await ScalarAsync("select count(*) from import_rows where import_id = $1 and outcome = 'skipped'", importId));
        Assert.Equal(Invalid, await ScalarAsync("select count(*) from import_rows where import_id = $1 and outcome = 'invalid'", importId));
        Assert.Equal(Added + Updated, await ScalarAsync("select count(distinct contact_id) from import_rows where import_id = $1 and outcome in ('added', 'updated')", importId));
        Assert.Equal(1, await ScalarAsync("select count(*) from imports where id = $1 and status = 'finished' and added = $2 and updated = $3 and skipped = $4 and invalid = $5",
            importId, Added, Updated, Skipped, Invalid));

        // The errors file: each skipped and invalid row once, in row order.
        var errorRows = File.ReadLines(ErrorsFile.PathFor(path)).Skip(1).Select(l => int.Parse(l[..l.IndexOf(',', StringComparison.Ordinal)], CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Skipped + Invalid, errorRows.Count);
        Assert.Equal(errorRows.Order(), errorRows);
        Assert.Equal(errorRows.Count, errorRows.Distinct().Count());

        var rate = RatePattern().Match(output);
        log.WriteLine($"second run: {rate.Value}; whole test {watch.Elapsed.TotalSeconds:0.0} s");
    }

    /// <summary>
    /// Polls the progress file until <paramref name="done"/> holds (true) or velo exits or acknowledges nothing new for
    /// <see cref="Stalled"/> (false; an exit is for the caller to judge).
    /// </summary>
    private static async Task<bool> WhileProgressingAsync(Velo velo, string progressPath, Func<int, bool> done)
    {
        var acknowledged = 0;
        var sinceProgress = Stopwatch.StartNew();
        while (true)
        {
            if (!velo.Process.HasExited && ResumeState.Load(progressPath) is { } progress && progress.RowsAcknowledged > acknowledged)
            {
                acknowledged = progress.RowsAcknowledged;
                sinceProgress.Restart();
            }

            if (done(acknowledged))
            {
                return true;
            }

            if (velo.Process.HasExited || sinceProgress.Elapsed > Stalled)
            {
                return false;
            }

            await Task.Delay(20);
        }
    }

    private async Task<long> ScalarAsync(string sql, params object[] values)
    {
        await using var command = stack.DataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>The contacts the update rows match, created through the plain bulk endpoint.</summary>
    private async Task CreateExistingContactsAsync(string apiKey)
    {
        using var http = stack.Client(apiKey);
        var contacts = Enumerable.Range(0, Existing).Select(k => new { name = $"Existing {k}", phones = new[] { ExistingPhone(k) } }).ToArray();
        using var response = await http.PostAsJsonAsync("api/contacts/bulk", contacts);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        Assert.Contains($"\"created\":{Existing}", body, StringComparison.Ordinal);
    }

    private static string ExistingPhone(int k) => string.Create(CultureInfo.InvariantCulture, $"+1 646 300 {k:0000}");

    private static (string Exchange, string Line) NewPhone(int i) =>
        ((200 + i / 10_000).ToString(CultureInfo.InvariantCulture), (i % 10_000).ToString("0000", CultureInfo.InvariantCulture));

    private string WriteFile()
    {
        Assert.True(Phones.TryNormalize("+1 212 219 9999", "US", out _, out _));
        Assert.True(Phones.TryNormalize(ExistingPhone(Existing - 1), "US", out _, out _));
        var path = Path.Combine(_files.Directory, "contacts-200k.csv");
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        writer.Write("Name,Mobile,E-mail,Tags\r\n");
        for (var i = 0; i < Rows; i++)
        {
            var (exchange, line) = NewPhone(i);
            var row = (i % 100) switch
            {
                7 => $"Nobody {i},,,cli",
                13 when i >= 10_000 => $"Again {i},212-{NewPhone(i - 7_013).Exchange}-{NewPhone(i - 7_013).Line},,cli",
                29 => $"Existing {i / 100} updated,(646) 300-{i / 100:0000},,\"cli,updated\"",
                _ => $"Person {i},+1 212 {exchange} {line},{(i % 3 == 0 ? $"p{i}@example.com" : "")},\"cli,new\"",
            };
            writer.Write(row);
            writer.Write("\r\n");
        }

        return path;
    }

    [GeneratedRegex(@"\(import ([0-9a-f-]{36})\)")]
    private static partial Regex ImportIdPattern();

    [GeneratedRegex(@"[\d,]+ rows sent in [\d:]+ \([\d,]+ rows/s\)")]
    private static partial Regex RatePattern();

    /// <summary>velo.dll (built beside the tests) run with dotnet as a process of its own, its output collected.</summary>
    private sealed class Velo : IDisposable
    {
        private readonly StringBuilder _output = new();

        private Velo(Process process) => Process = process;

        public Process Process { get; }

        public static Velo Start(string[] arguments)
        {
            var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "velo.dll"));
            foreach (var argument in arguments)
            {
                info.ArgumentList.Add(argument);
            }

            var velo = new Velo(Process.Start(info)!);
            velo.Process.OutputDataReceived += (_, e) => velo.Append(e.Data);
            velo.Process.ErrorDataReceived += (_, e) => velo.Append(e.Data);
            velo.Process.BeginOutputReadLine();
            velo.Process.BeginErrorReadLine();
            velo.Process.StandardInput.Close();
            return velo;
        }

        public string Output()
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }

            Process.Dispose();
        }

        private void Append(string? line)
        {
            if (line is not null)
            {
                lock (_output)
                {
                    _output.AppendLine(line);
                }
            }
        }
    }
}
