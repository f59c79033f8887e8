namespace VeloConnect.ContactRules.Imports;

/// <summary>Delimiter and header detection on the first records of the file.</summary>
internal static class SniffHeuristics
{
    /// <summary>How many records the delimiter and header decisions look at.</summary>
    public const int SampleRecords = 50;

    // In order of preference: a tie goes to the earlier one.
    private static readonly char[] Delimiters = [',', ';', '\t'];

    // Words that name a column rather than hold a value; only consulted when the values give no evidence.
    private static readonly HashSet<string> HeaderWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "name", "names", "surname", "phone", "phones", "mobile", "tel", "telephone", "telefon", "whatsapp", "email", "mail",
        "tags", "labels", "notes", "id",
    };

    public static string DelimiterName(char delimiter) => delimiter switch
    {
        ';' => "semicolon",
        '\t' => "tab",
        _ => "comma",
    };

    /// <summary>
    /// The candidate under which most of the first records have the same number of cells (more than one), quotes
    /// respected. <paramref name="complete"/> is false when the text is only the start of the file: its last record may be cut.
    /// </summary>
    public static char DetectDelimiter(string text, bool complete)
    {
        var best = Delimiters[0];
        var bestScore = 0.0;
        foreach (var delimiter in Delimiters)
        {
            var score = Consistency(CellCounts(text, complete, delimiter));
            if (score > bestScore)
            {
                best = delimiter;
                bestScore = score;
            }
        }

        return best;
    }

    private static List<int> CellCounts(string text, bool complete, char delimiter)
    {
        var records = new CsvRecordReader(new StringReader(text), delimiter, cellCap: 0, keepRaw: false);
        var counts = new List<int>();
        var more = false;
        while (records.Read())
        {
            if (records.IsBlank)
            {
                continue;
            }

            if (counts.Count == SampleRecords)
            {
                more = true;
                break;
            }

            counts.Add(records.Cells.Count);
        }

        if (!complete && !more && counts.Count > 1)
        {
            counts.RemoveAt(counts.Count - 1);
        }

        return counts;
    }

    private static double Consistency(List<int> counts)
    {
        if (counts.Count == 0)
        {
            return 0;
        }

        var mode = counts.GroupBy(c => c).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First();
        return mode.Key < 2 ? 0 : (double)mode.Count() / counts.Count;
    }

    /// <summary>
    /// The first row is a header when none of its cells looks like a value (email, phone, number, date) and either a column
    /// below it holds such values, or it uses header words, or its cells are all filled in and distinct.
    /// </summary>
    public static bool LooksLikeHeader(IReadOnlyList<string> first, IReadOnlyList<IReadOnlyList<string>> body)
    {
        var cells = first.Select(c => c.Trim()).ToList();
        if (cells.All(c => c.Length == 0) || cells.Any(IsValueLike))
        {
            return false;
        }

        for (var column = 0; column < cells.Count; column++)
        {
            if (cells[column].Length == 0)
            {
                continue;
            }

            var values = body.Where(row => column < row.Count && !string.IsNullOrWhiteSpace(row[column])).Select(row => row[column].Trim()).ToList();
            if (values.Count > 0 && values.Count(IsValueLike) * 2 >= values.Count)
            {
                return true;
            }
        }

        if (cells.Any(HasHeaderWord))
        {
            return true;
        }

        return cells.All(c => c.Length > 0) && cells.Distinct(StringComparer.OrdinalIgnoreCase).Count() == cells.Count;
    }

    public static bool IsValueLike(string value) => IsEmailLike(value) || IsNumberLike(value);

    private static bool IsEmailLike(string value)
    {
        var at = value.IndexOf('@');
        return at > 0 && value.IndexOf('.', at) > at + 1 && !value.Contains(' ');
    }

    // Phones, numbers, amounts, dates and times: digits and the punctuation they are written with.
    private static bool IsNumberLike(string value) =>
        value.Any(char.IsAsciiDigit) && value.All(c => char.IsAsciiDigit(c) || " +-().,/:'#%$€£\u00A0".Contains(c));

    private static bool HasHeaderWord(string cell) =>
        cell.Split([' ', '-', '_', '.', '(', ')', '/', '#', ':'], StringSplitOptions.RemoveEmptyEntries).Any(HeaderWords.Contains);
}
