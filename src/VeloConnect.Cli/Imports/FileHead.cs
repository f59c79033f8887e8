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

    /// <summary>
    /// The head of a spreadsheet or vCard as the server analyses it: its header (the columns as <paramref name="sniff"/> names
    /// them) and its first data rows (at most maxDataRows, and no more than about maxBytes past the first), written as a UTF-8
    /// CSV by the reader that sends the rows. Uploading the file itself would mean all of it: an .xlsx is a zip whose
    /// directory is at its end, so its start is no file on its own.
    /// </summary>
    public static byte[] AsCsv(string path, SniffResult sniff, int maxDataRows = MaxDataRows, long maxBytes = MaxBytes)
    {
        ArgumentNullException.ThrowIfNull(sniff);
        var text = new StringBuilder();
        CsvText.AppendRecord(text, [.. sniff.Columns.Select(c => c.Header)]);
        using var file = File.OpenRead(path);
        var taken = 0;
        foreach (var row in ContactRules.Imports.Sources.ImportFiles.Rows(file, sniff, null, sniff.HasHeader))
        {
            if (taken == maxDataRows || (taken > 0 && text.Length > maxBytes))
            {
                break;
            }

            // Every row as wide as the header (a spreadsheet leaves trailing blank cells out), so the head is not ragged.
            CsvText.AppendRecord(text, [.. row.Cells, .. Enumerable.Repeat("", Math.Max(0, sniff.Columns.Count - row.Cells.Count))]);
            taken++;
        }

        return Encoding.UTF8.GetBytes(text.ToString());
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
