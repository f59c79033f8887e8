using System.Diagnostics;
using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// Rows done of the total, rows per second and the time left, on stderr: Spectre.Console's live progress bar on a terminal,
/// a plain line every few seconds otherwise (a log or CI). The rate counts only this run's rows (a resumed run starts past some).
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive, int totalRows, int startRows, Func<TimeSpan>? clock = null)
{
    private const int Width = 30;
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    private readonly Func<TimeSpan> _clock = clock ?? StartClock();
    private TimeSpan? _lastPlain;

    /// <summary>Runs <paramref name="work"/>, which reports the rows acknowledged so far, under the progress display.</summary>
    public async Task<T> ShowAsync<T>(Func<Action<int>, Task<T>> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (!interactive)
        {
            var rows = startRows;
            Report(rows);
            var result = await work(done => Report(rows = done));
            Report(rows, final: true);
            return result;
        }

        return await CliConsole.Terminal(output).Progress()
            .Columns(new ProgressBarColumn(), new RowsColumn(this), new ElapsedTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("rows", maxValue: Math.Max(1, totalRows)).Value(startRows);
                return await work(done => task.Value = done);
            });
    }

    /// <summary>The plain line, at most every few seconds (and the final one).</summary>
    public void Report(int rowsDone, bool final = false)
    {
        var elapsed = _clock();
        if (!final && _lastPlain is { } last && elapsed - last < PlainEvery)
        {
            return;
        }

        _lastPlain = elapsed;
        output.WriteLine(Line(rowsDone, elapsed));
        output.Flush();
    }

    /// <summary>"[#####.....] 45,000/200,000 rows  22%  3,120 rows/s  ETA 0:49".</summary>
    public string Line(int rowsDone, TimeSpan elapsed)
    {
        var filled = (int)Math.Round(Fraction(rowsDone) * Width);
        return $"[{new string('#', filled)}{new string('.', Width - filled)}] {Counts(rowsDone, elapsed)}";
    }

    /// <summary>"45,000/200,000 rows  22%  3,120 rows/s  ETA 0:49": the plain line after its bar, and the live bar's column.</summary>
    public string Counts(int rowsDone, TimeSpan elapsed)
    {
        var rate = RowsPerSecond(rowsDone, elapsed);
        var eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((totalRows - rowsDone) / rate)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture, $"{rowsDone:N0}/{totalRows:N0} rows  {Fraction(rowsDone) * 100:0}%  {rate:N0} rows/s  ETA {eta}");
    }

    public double RowsPerSecond(int rowsDone, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? (rowsDone - startRows) / elapsed.TotalSeconds : 0;

    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}:{duration.Minutes:00}:{duration.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}:{duration.Seconds:00}");

    private double Fraction(int rowsDone) => totalRows == 0 ? 1 : Math.Clamp((double)rowsDone / totalRows, 0, 1);

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }

    /// <summary>The live bar's text: the same counts, rate and ETA as the plain line, redrawn with each refresh.</summary>
    private sealed class RowsColumn(ProgressBar bar) : ProgressColumn
    {
        protected override bool NoWrap => true;

        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(bar.Counts((int)task.Value, bar._clock()));
    }
}
