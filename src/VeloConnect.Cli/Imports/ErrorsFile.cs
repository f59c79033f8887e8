using System.Globalization;
using System.Text;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Cli.Imports;

/// <summary>
/// <c>&lt;input&gt;.errors.csv</c>: the rows that were not imported (outcome invalid or skipped) and those imported with
/// warnings (outcome added or updated, the warnings as the reasons), as the wizard's error report has them (UTF-8 with a BOM
/// for spreadsheets; Row, Outcome, Reasons joined by " | ", and the original row exactly as in the file). Written in row
/// order as batches are acknowledged; <see cref="Length"/> is recorded in the progress file, and a resumed run cuts the
/// file back to it, so rows are never listed twice.
/// </summary>
public sealed class ErrorsFile : IDisposable
{
    public static readonly string[] Header = ["Row", "Outcome", "Reasons", "Original row"];

    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly FileStream _stream;

    private ErrorsFile(FileStream stream) => _stream = stream;

    public static string PathFor(string input) => input + ".errors.csv";

    /// <summary>Opens the file; keepLength is what a previous run recorded (0 to start afresh).</summary>
    public static ErrorsFile Open(string path, long keepLength)
    {
        var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var file = new ErrorsFile(stream);
        if (keepLength <= 0 || stream.Length < keepLength)
        {
            stream.SetLength(0);
            stream.Write(Encoding.UTF8.GetPreamble());
            file.Append(Header);
        }
        else
        {
            stream.SetLength(keepLength);
            stream.Position = keepLength;
        }

        stream.Flush();
        return file;
    }

    public long Length => _stream.Length;

    /// <summary>Rows listed so far (rows of the file, not lines: an original row may span lines).</summary>
    public int Rows { get; private set; }

    public void Add(CsvRow row, string outcome, IEnumerable<string> reasons)
    {
        ArgumentNullException.ThrowIfNull(row);
        Append([row.RowNumber.ToString(CultureInfo.InvariantCulture), outcome, string.Join(" | ", reasons), row.Raw]);
        Rows++;
    }

    public void Flush() => _stream.Flush();

    public void Dispose() => _stream.Dispose();

    private void Append(IEnumerable<string> fields)
    {
        var line = new StringBuilder();
        CsvText.AppendRecord(line, fields);
        _stream.Write(Utf8.GetBytes(line.ToString()));
    }
}
