using System.Diagnostics;
using System.Globalization;

namespace VeloConnect.Cli.Import;

/// <summary>
/// Rows done of the total, rows per second and the time left, on stderr: one line redrawn in place on a terminal, a plain
/// line every few seconds otherwise (a log or CI). The rate counts only this run's rows (a resumed run starts past some).
/// </summary>
public sealed class ProgressBar(TextWriter output, bool interactive, int totalRows, int startRows, Func<TimeSpan>? clock = null)
{
    private const int Width = 30;
    private static readonly TimeSpan PlainEvery = TimeSpan.FromSeconds(5);

    private readonly Func<TimeSpan> _clock = clock ?? StartClock();
    private TimeSpan? _lastPlain;
    private int _lastLength;

    public void Report(int rowsDone, bool final = false)
    {
        var elapsed = _clock();
        if (!interactive && !final && _lastPlain is { } last && elapsed - last < PlainEvery)
        {
            return;
        }

        var line = Line(rowsDone, elapsed);
        if (interactive)
        {
            output.Write('\r' + line.PadRight(_lastLength));
            _lastLength = line.Length;
            if (final)
            {
                output.WriteLine();
            }
        }
        else
        {
            _lastPlain = elapsed;
            output.WriteLine(line);
        }

        output.Flush();
    }

    /// <summary>"[#####.....] 45,000/200,000 rows  22%  3,120 rows/s  ETA 0:49".</summary>
    public string Line(int rowsDone, TimeSpan elapsed)
    {
        var fraction = totalRows == 0 ? 1 : Math.Clamp((double)rowsDone / totalRows, 0, 1);
        var filled = (int)Math.Round(fraction * Width);
        var rate = RowsPerSecond(rowsDone, elapsed);
        var eta = rate > 0 ? FormatDuration(TimeSpan.FromSeconds((totalRows - rowsDone) / rate)) : "--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"[{new string('#', filled)}{new string('.', Width - filled)}] {rowsDone:N0}/{totalRows:N0} rows  {fraction * 100:0}%  {rate:N0} rows/s  ETA {eta}");
    }

    public double RowsPerSecond(int rowsDone, TimeSpan elapsed) =>
        elapsed.TotalSeconds > 0 ? (rowsDone - startRows) / elapsed.TotalSeconds : 0;

    private static Func<TimeSpan> StartClock()
    {
        var watch = Stopwatch.StartNew();
        return () => watch.Elapsed;
    }

    public static string FormatDuration(TimeSpan duration) =>
        duration.TotalHours >= 1
            ? string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}:{duration.Minutes:00}:{duration.Seconds:00}")
            : string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}:{duration.Seconds:00}");
}
