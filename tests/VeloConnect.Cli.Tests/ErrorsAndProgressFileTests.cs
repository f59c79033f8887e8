using System.Text;
using VeloConnect.Cli.Imports;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class ErrorsAndProgressFileTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_errors_file_has_the_wizard_columns_a_bom_and_the_original_row()
    {
        var path = Path.Combine(_files.Directory, "a.csv.errors.csv");
        using (var errors = ErrorsFile.Open(path, 0))
        {
            errors.Add(new CsvRow(7, ["Ann", "12"], "Ann,\"12\""), "invalid", ["column 'Phone': too short.", "no email"]);
            errors.Add(new CsvRow(9, ["Bob"], "Bob"), "skipped", ["Duplicate of row 3 (same phone or email); only the first is imported."]);
        }

        var bytes = File.ReadAllBytes(path);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.Equal(
            "Row,Outcome,Reasons,Original row\r\n"
            + "7,invalid,column 'Phone': too short. | no email,\"Ann,\"\"12\"\"\"\r\n"
            + "9,skipped,Duplicate of row 3 (same phone or email); only the first is imported.,Bob\r\n",
            Encoding.UTF8.GetString(bytes[3..]));
    }

    [Fact]
    public void Reopening_cuts_the_errors_file_back_to_what_the_progress_file_recorded()
    {
        var path = Path.Combine(_files.Directory, "b.csv.errors.csv");
        long kept;
        using (var errors = ErrorsFile.Open(path, 0))
        {
            errors.Add(new CsvRow(2, ["a"], "a"), "invalid", ["x"]);
            errors.Flush();
            kept = errors.Length;
            errors.Add(new CsvRow(3, ["b"], "b"), "invalid", ["written but never acknowledged"]);
        }

        using (var errors = ErrorsFile.Open(path, kept))
        {
            errors.Add(new CsvRow(3, ["b"], "b"), "invalid", ["y"]);
        }

        var text = Encoding.UTF8.GetString(File.ReadAllBytes(path)[3..]);
        Assert.Equal("Row,Outcome,Reasons,Original row\r\n2,invalid,x,a\r\n3,invalid,y,b\r\n", text);
    }

    [Fact]
    public void The_progress_file_round_trips_and_a_torn_one_is_no_progress()
    {
        var path = ResumeState.PathFor(Path.Combine(_files.Directory, "c.csv"));
        var progress = new ResumeState(ResumeState.CurrentVersion, Guid.NewGuid(), "http://localhost:5000", 1234, "abc", 5000,
            ["name", "phone"], true, "US", ["Name", "Phone"], null, 10_000, 321, new RowCounts(9_000, 500, 300, 200));

        progress.Save(path);
        var loaded = ResumeState.Load(path);

        Assert.NotNull(loaded);
        Assert.Equal(progress with { Columns = [], Headers = [] }, loaded with { Columns = [], Headers = [] });
        Assert.Equal(progress.Columns, loaded.Columns);
        Assert.False(File.Exists(path + ".tmp"));

        File.WriteAllText(path, "{\"version\":1,\"importId\":");
        Assert.Null(ResumeState.Load(path));
        ResumeState.Delete(path);
        Assert.Null(ResumeState.Load(path));
    }

    [Fact]
    public void The_progress_line_shows_rows_rate_and_time_left()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: false, totalRows: 200_000, startRows: 20_000, clock: () => TimeSpan.FromSeconds(10));

        bar.Report(50_000);

        Assert.Equal("[########......................] 50,000/200,000 rows  25%  3,000 rows/s  ETA 0:50" + Environment.NewLine, output.ToString());
    }

    [Fact]
    public async Task On_a_terminal_the_bar_is_drawn_live_with_rows_rate_and_time_left()
    {
        var output = new StringWriter();
        var bar = new ProgressBar(output, interactive: true, totalRows: 200_000, startRows: 20_000, clock: () => TimeSpan.FromSeconds(10));

        var result = await bar.ShowAsync(report =>
        {
            report(50_000);
            return Task.FromResult("done");
        });

        Assert.Equal("done", result);
        var drawn = output.ToString();
        Assert.Contains("50,000/200,000 rows  25%  3,000 rows/s  ETA 0:50", drawn, StringComparison.Ordinal);
        // Drawn in place (the cursor hidden and moved back), not written line after line.
        Assert.Contains("\u001b[?25l", drawn, StringComparison.Ordinal);
        Assert.DoesNotContain("[####", drawn, StringComparison.Ordinal);
    }
}
