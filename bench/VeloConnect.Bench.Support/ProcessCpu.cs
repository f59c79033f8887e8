using System.Globalization;

namespace VeloConnect.Bench.Support;

/// <summary>A process's processor time (user + system) from <c>/proc/&lt;pid&gt;/stat</c>, in seconds (clock ticks of 1/100 s).</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    public static double Seconds(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count the fields after its closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // utime and stime are fields 14 and 15 of the line, so 12 and 13 after the name (state is the first).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / TicksPerSecond;
    }

    /// <summary>This process's processor time so far, in seconds.</summary>
    public static double OwnSeconds() => Seconds(Environment.ProcessId);
}
