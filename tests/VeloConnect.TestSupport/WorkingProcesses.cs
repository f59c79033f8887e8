using System.Diagnostics;
using System.Globalization;

namespace VeloConnect.TestSupport;

/// <summary>
/// The processes working in a directory (their current directory is inside it): how a server and its children are told
/// from every other process, also once their parent is gone (PostgreSQL's processes work in their data directory,
/// redis-server in its --dir). Linux only (/proc). Also compiled into the AppHost tests, which do not reference TestSupport.
/// </summary>
public static class WorkingProcesses
{
    private const string Deleted = " (deleted)";

    /// <summary>The live (not zombie) processes whose current directory is <paramref name="directory"/> or inside it.</summary>
    public static IReadOnlyList<int> In(string directory)
    {
        var found = new List<int>();
        var inside = directory.TrimEnd('/') + "/";
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(proc), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            try
            {
                // A deleted current directory reads "<path> (deleted)".
                var cwd = new DirectoryInfo(Path.Combine(proc, "cwd")).LinkTarget;
                if (cwd is null)
                {
                    continue;
                }

                if (cwd.EndsWith(Deleted, StringComparison.Ordinal))
                {
                    cwd = cwd[..^Deleted.Length];
                }

                if ((cwd + "/").StartsWith(inside, StringComparison.Ordinal) && !IsZombie(proc))
                {
                    found.Add(pid);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Gone meanwhile, or not ours to look at.
            }
        }

        return found;
    }

    /// <summary>Polls until no process works in the directory; returns those still there after <paramref name="timeout"/>.</summary>
    public static async Task<IReadOnlyList<int>> WaitUntilNoneInAsync(string directory, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        IReadOnlyList<int> left;
        while ((left = In(directory)).Count > 0 && deadline.Elapsed < timeout)
        {
            await Task.Delay(100);
        }

        return left;
    }

    /// <summary>"pid (command line)" for each process, for a failure message.</summary>
    public static string Describe(IEnumerable<int> pids) => string.Join(", ", pids.Select(pid =>
    {
        try
        {
            return $"{pid} ({File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim()})";
        }
        catch (IOException)
        {
            return pid.ToString(CultureInfo.InvariantCulture);
        }
    }));

    /// <summary>SIGKILL to each (it also ends a stopped process).</summary>
    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }

    private static bool IsZombie(string proc)
    {
        var stat = File.ReadAllText(Path.Combine(proc, "stat"));
        return stat[(stat.LastIndexOf(") ", StringComparison.Ordinal) + 2)..].StartsWith('Z');
    }
}
