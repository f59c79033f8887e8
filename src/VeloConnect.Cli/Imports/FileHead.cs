using System.Security.Cryptography;
using System.Text;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// The start of the file that is uploaded for the analysis: whole records only (never a quoted cell cut in two), at most
/// about a megabyte and a thousand data rows, byte for byte as in the file (so the server sniffs the encoding the file has).
/// </summary>
public static class FileHead
{
    public const int MaxDataRows = 1_000;
    public const long MaxBytes = 1024 * 1024;

    public static byte[] Read(string path, Encoding encoding, char delimiter, int maxDataRows = MaxDataRows, long maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(encoding);
        long chars;
        using (var text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: false))
        {
            // One record more than the rows: the header, when there is one (a headerless file's head is a row shorter).
            chars = CsvRows.HeadLength(text, delimiter, maxDataRows + 1, maxBytes);
        }

        // The head's text back to the number of bytes it came from (StreamReader skips the encoding's own preamble).
        var prefix = new char[chars];
        int read;
        using (var text = new StreamReader(path, encoding, detectEncodingFromByteOrderMarks: false))
        {
            read = text.ReadBlock(prefix, 0, prefix.Length);
        }

        using var file = File.OpenRead(path);
        var preamble = encoding.GetPreamble();
        var start = new byte[preamble.Length];
        var skipped = preamble.Length > 0 && file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false) == start.Length && start.AsSpan().SequenceEqual(preamble)
            ? preamble.Length
            : 0;
        var head = new byte[skipped + encoding.GetByteCount(prefix, 0, read)];
        file.Position = 0;
        file.ReadExactly(head);
        return head;
    }

    /// <summary>What identifies the file for a resume: SHA-256 of its first megabyte (with its size, compared separately).</summary>
    public static string Fingerprint(string path)
    {
        using var file = File.OpenRead(path);
        var start = new byte[(int)Math.Min(MaxBytes, file.Length)];
        file.ReadExactly(start);
        return Convert.ToHexStringLower(SHA256.HashData(start));
    }
}
