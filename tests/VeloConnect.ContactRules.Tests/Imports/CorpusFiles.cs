using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>The files of tests/corpus (copied beside the test assembly) and the tables of expected outcomes in its README.</summary>
internal static class CorpusFiles
{
    public static readonly string Folder = Path.Combine(AppContext.BaseDirectory, "corpus");

    public static FileStream Open(string file) => File.OpenRead(Path.Combine(Folder, file));

    /// <summary>As the API's upload step analyses a file: the format by content, then that format's analysis (the wizard's options by default).</summary>
    public static (string Format, SniffResult Analysis) Analyse(string file, SniffOptions? options = null)
    {
        using var stream = Open(file);
        var format = ImportFiles.Detect(stream);
        return (format, ImportFiles.Analyse(stream, format, options ?? new SniffOptions()));
    }

    /// <summary>The cells of each row of the table under the README heading "## {heading}" (rows start with "| `").</summary>
    public static IEnumerable<string[]> TableRows(string heading) =>
        File.ReadLines(Path.Combine(Folder, "README.md"))
            .SkipWhile(l => l != "## " + heading).Skip(1)
            .TakeWhile(l => !l.StartsWith("## ", StringComparison.Ordinal))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Split('|').Skip(1).SkipLast(1).Select(c => c.Trim()).ToArray());
}
