using System.Text;
using UtfUnknown;

namespace VeloConnect.ContactRules.Imports;

/// <summary>Naming the likely encoding of a file that is not UTF-8, and the encodings files are read with.</summary>
internal static class SniffEncodings
{
    public const string Fallback = "windows-1252";

    // Part of the shared framework since .NET Core 3.0: registering it makes windows-125x, ISO-8859-x, Shift_JIS, … available.
    static SniffEncodings() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>For reading a file the sniff found valid: a byte that is not UTF-8 after all throws instead of garbling.</summary>
    public static Encoding StrictUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>For the sniff's own pass, where the byte scan judges validity and the text of an invalid file is discarded.</summary>
    public static Encoding LenientUtf8 { get; } = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    public static Encoding Utf16(bool bigEndian) => new UnicodeEncoding(bigEndian, byteOrderMark: true, throwOnInvalidBytes: false);

    // Latin-script single-byte code pages: the detector cannot tell them apart on names and cities (it calls "Köln" ISO-8859-2),
    // so only a very confident guess beats the most common one, windows-1252.
    private static readonly HashSet<int> LatinCodePages = [1250, 1252, 1254, 1257, 1258, 850, 852, 10000, 10029, 28591, 28592, 28593, 28594, 28599, 28603, 28605];

    /// <summary>Nothing to do but run the static constructor.</summary>
    public static void EnsureRegistered()
    {
    }

    public static Encoding? TryGet(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }

        try
        {
            return Encoding.GetEncoding(name.Trim());
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when the user's confirmed name and the detected name are the same encoding (aliases allowed).</summary>
    public static bool Matches(string? confirmed, string detected) =>
        TryGet(confirmed) is { } a && TryGet(detected) is { } b && a.CodePage == b.CodePage;

    /// <summary>The likely encoding of bytes that are not UTF-8, as a name <see cref="Encoding.GetEncoding(string)"/> accepts.</summary>
    public static string Guess(Utf8Scan scan)
    {
        var sample = scan.Sample;
        if (sample.IsEmpty)
        {
            return Fallback;
        }

        var detected = CharsetDetector.DetectFromBytes(sample).Detected;
        if (detected?.Encoding is not { } encoding || detected.Confidence < 0.5f)
        {
            return Fallback;
        }

        var codePage = encoding.CodePage;
        if (codePage is 65001 or 1200 or 1201 or 12000 or 12001 or 20127)
        {
            // Unicode or ASCII cannot be right for bytes that failed UTF-8 (and UTF-16 would have had a BOM).
            return Fallback;
        }

        if (codePage == 28591)
        {
            // Bytes 0x80-0x9F are printable only in windows-1252, its superset.
            return !scan.HasC1 && detected.Confidence >= 0.8f ? "ISO-8859-1" : Fallback;
        }

        if (LatinCodePages.Contains(codePage) && detected.Confidence < 0.9f)
        {
            return Fallback;
        }

        return Display(encoding.WebName);
    }

    private static string Display(string webName) => webName switch
    {
        _ when webName.StartsWith("windows-", StringComparison.Ordinal) || webName.StartsWith("x-", StringComparison.Ordinal) => webName,
        "shift_jis" => "Shift_JIS",
        _ => webName.ToUpperInvariant(),
    };
}
