using System.Globalization;
using System.Text;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The name an uploaded file is stored, shown, announced and downloaded under, made safe once at the upload: the last path
/// segment only; no control characters (line breaks and tabs become a space), no bidirectional controls (U+202E makes
/// "fdp.csv" read as "vsc.pdf"), no line or paragraph separators, no unpaired surrogates; runs of spaces collapsed; at most
/// <see cref="MaxLength"/> characters with the extension kept. Quotes and other printable characters stay: they are
/// escaped where they are written (JSON, CSV, Content-Disposition).
/// </summary>
public static class FileNames
{
    public const int MaxLength = 255;

    /// <summary>The name of an upload whose name is empty once cleaned.</summary>
    public const string Fallback = "upload.csv";

    // An extension longer than this is part of the name, not a type ("report.final version of march").
    private const int MaxExtensionLength = 16;

    private const char Ellipsis = '…';

    /// <summary>The safe name (see the type's summary); <see cref="Fallback"/> when nothing is left.</summary>
    public static string Clean(string? name)
    {
        var text = Strip(LastSegment(name ?? ""));
        if (text.Length == 0 || text is "." or "..")
        {
            return Fallback;
        }

        var extension = Path.GetExtension(text);
        return extension.Length is > 1 and <= MaxExtensionLength
            ? Bound(text[..^extension.Length], extension)
            : Bound(text, "");
    }

    /// <summary>A name derived from a clean one with a fixed ending, e.g. "contacts" + "-errors.csv", still within <see cref="MaxLength"/>.</summary>
    public static string WithEnding(string name, string ending)
    {
        ArgumentNullException.ThrowIfNull(ending);
        var clean = Clean(name);
        var stem = Path.GetFileNameWithoutExtension(clean);
        return Bound(stem.Length == 0 ? Path.GetFileNameWithoutExtension(Fallback) : stem, ending);
    }

    /// <summary>True for what <see cref="Clean"/> removes: control characters, bidirectional controls, line and paragraph separators.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c)
        || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069')
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator;

    private static string LastSegment(string name)
    {
        // Browsers on Windows once sent the whole path; either separator ends a folder.
        var slash = name.LastIndexOfAny(['/', '\\']);
        return slash < 0 ? name : name[(slash + 1)..];
    }

    private static string Strip(string name)
    {
        var text = new StringBuilder(Math.Min(name.Length, 4 * MaxLength));
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            if (char.IsHighSurrogate(c) && i + 1 < name.Length && char.IsLowSurrogate(name[i + 1]))
            {
                text.Append(c).Append(name[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                // Half a character: not text at all (it cannot be written as UTF-8).
            }
            else if (char.IsWhiteSpace(c))
            {
                // Line breaks and tabs too: "a\nb" reads "a b".
                if (text.Length > 0 && text[^1] != ' ')
                {
                    text.Append(' ');
                }
            }
            else if (!IsUnsafe(c))
            {
                text.Append(c);
            }
        }

        return text.ToString().Trim();
    }

    /// <summary>The stem cut (with "…") so that stem + ending fit <see cref="MaxLength"/>; never between a surrogate pair.</summary>
    private static string Bound(string stem, string ending)
    {
        if (stem.Length + ending.Length <= MaxLength)
        {
            return stem + ending;
        }

        var keep = Math.Max(0, MaxLength - ending.Length - 1);
        if (keep > 0 && char.IsHighSurrogate(stem[keep - 1]))
        {
            keep--;
        }

        return stem[..keep].TrimEnd() + Ellipsis + ending;
    }
}
