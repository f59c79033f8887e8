namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// Which row holds the header. Row is 1-based as a spreadsheet numbers rows (blank rows count). LooksLikeHeader is false when
/// no row looks like a header (Row is then the first non-blank row: the data starts there). Reason says why, for the UI
/// ("Row 3 looks like the header: rows 1-2 hold a title and blank lines above it").
/// </summary>
public sealed record HeaderRowProposal(int Row, bool LooksLikeHeader, string Reason);

/// <summary>The header row picker's proposal: exports often put a title, a date or blank rows above the header.</summary>
public static class HeaderRows
{
    /// <summary>How many rows from the top the proposal looks at; a header further down is for the user to pick.</summary>
    public const int Scanned = 20;

    private const int MaxHeaderCellLength = 60;

    /// <summary>
    /// Proposes the header row from the first rows (up to <see cref="Scanned"/>): the first row whose non-blank cells are all
    /// header-like (text, not an email, phone, number or date) and at least half as many as the widest of the
    /// rows below it, so a one-cell title row above a wide header is passed over. A row made of known column names (Name,
    /// Email, Phone …) wins over one that merely looks like text. The user can always choose another row.
    /// </summary>
    public static HeaderRowProposal Propose(IReadOnlyList<IReadOnlyList<string>> firstRows)
    {
        ArgumentNullException.ThrowIfNull(firstRows);
        var rows = firstRows.Take(Scanned).Select(r => r.Select(c => (c ?? "").Trim()).ToList()).ToList();
        var filled = rows.Select(r => r.Count(c => c.Length > 0)).ToList();
        var firstNonBlank = filled.FindIndex(f => f > 0);
        if (firstNonBlank < 0)
        {
            return new(1, false, "No row holds a value.");
        }

        int? plain = null;
        for (var i = firstNonBlank; i < rows.Count; i++)
        {
            if (filled[i] == 0)
            {
                continue;
            }

            var widestBelow = filled.Skip(i + 1).DefaultIfEmpty(0).Max();
            var cells = rows[i].Where(c => c.Length > 0).ToList();
            if ((filled[i] < 2 && widestBelow >= 2) || filled[i] * 2 < widestBelow || !cells.All(HeaderLike))
            {
                continue;
            }

            if (cells.Any(Known))
            {
                return new(i + 1, true, Why(i, "it holds column names"));
            }

            plain ??= i;
        }

        return plain is { } p
            ? new(p + 1, true, Why(p, "its cells are all short text, unlike the rows below it"))
            : new(firstNonBlank + 1, false, $"No row looks like a header (every row holds values such as emails, phone numbers or dates): the data starts at row {firstNonBlank + 1}.");
    }

    private static string Why(int index, string because) => index == 0
        ? $"Row 1 looks like the header: {because}."
        : $"Row {index + 1} looks like the header: {because}; row{(index == 1 ? " 1 above it holds" : $"s 1-{index} above it hold")} a title or blank cells and {(index == 1 ? "is" : "are")} not imported.";

    private static bool HeaderLike(string cell) =>
        cell.Length <= MaxHeaderCellLength
        && !MappingVocabulary.IsEmailLike(cell)
        && !MappingVocabulary.IsPhoneLike(cell)
        && !MappingVocabulary.IsNumber(cell)
        && !DateOnly.TryParse(cell, System.Globalization.CultureInfo.InvariantCulture, out _)
        && cell.Any(char.IsLetter);

    private static bool Known(string cell)
    {
        var compact = HeaderWords.Of(cell).Compact;
        return compact is "name" or "phone" or "email" or "tags"
            || MappingVocabulary.NameSynonyms.Contains(compact) || MappingVocabulary.FirstNameSynonyms.Contains(compact)
            || MappingVocabulary.LastNameHeaders.Contains(compact) || MappingVocabulary.PhoneSynonyms.Contains(compact)
            || MappingVocabulary.EmailSynonyms.Contains(compact) || MappingVocabulary.TagsSynonyms.Contains(compact);
    }
}
