using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Workflows.Imports;

/// <summary>
/// A stored file as its format's reader needs it: a spreadsheet's reader seeks (the workbook's parts are found through the
/// zip's directory at its end), so a file streamed from the database is copied to a temporary file first, deleted when
/// the stream is disposed: memory stays bounded whatever the file's size. A CSV or vCard is read as it streams.
/// </summary>
public static class ImportFileStreams
{
    public static Stream Readable(Stream stored, string format)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.CanSeek || !ImportFormats.IsSpreadsheet(format))
        {
            return stored;
        }

        var copy = TemporaryFile();
        stored.CopyTo(copy, 81_920);
        copy.Position = 0;
        return copy;
    }

    public static async Task<Stream> ReadableAsync(Stream stored, string format, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (stored.CanSeek || !ImportFormats.IsSpreadsheet(format))
        {
            return stored;
        }

        var copy = TemporaryFile();
        await stored.CopyToAsync(copy, 81_920, cancellationToken);
        copy.Position = 0;
        return copy;
    }

    private static FileStream TemporaryFile() =>
        new(Path.Combine(Path.GetTempPath(), $"velo-import-{Guid.NewGuid():N}.tmp"), FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81_920,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
