using System.Globalization;

namespace VeloConnect.Bench.Support;

/// <summary>A process's processor time (user + system) from <c>/proc/&lt;pid&gt;/stat</c>, in seconds (clock ticks of 1/100 s).</summary>
public static class ProcessCpu
{
    private const double TicksPerSecond = 100;

    public static double Seconds(int pid) => Ticks(Fields(pid), 11, 12) / TicksPerSecond;

    /// <summary>As <see cref="Seconds"/>, or 0 for a process that has gone (one that may exit while it is read).</summary>
    public static double SecondsOrZero(int pid) => TryFields(pid) is { } fields ? Ticks(fields, 11, 12) / TicksPerSecond : 0;

    /// <summary>
    /// The processor time of a process and its children (a PostgreSQL server: the postmaster and its backends), in seconds:
    /// its own, that of the children it has reaped (cutime, cstime: backends that ended), and that of the live children.
    /// </summary>
    public static double TreeSeconds(int pid)
    {
        var ticks = Ticks(Fields(pid), 11, 12, 13, 14);
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), out var child) && child != pid
                && TryFields(child) is { } fields && fields[1] == pid.ToString(CultureInfo.InvariantCulture))
            {
                ticks += Ticks(fields, 11, 12);
            }
        }

        return ticks / TicksPerSecond;
    }

    // The fields of /proc/<pid>/stat after the command name (field 2, in parentheses, may hold spaces): state is [0],
    // ppid [1], utime [11], stime [12], cutime [13], cstime [14].
    private static string[] Fields(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    }

    private static string[]? TryFields(int pid)
    {
        try
        {
            return Fields(pid);
        }
        catch (IOException)
        {
            return null; // ended meanwhile
        }
    }

    private static long Ticks(string[] fields, params int[] indexes) =>
        indexes.Sum(i => long.Parse(fields[i], CultureInfo.InvariantCulture));

    /// <summary>This process's processor time so far, in seconds.</summary>
    public static double OwnSeconds() => Seconds(Environment.ProcessId);
}
