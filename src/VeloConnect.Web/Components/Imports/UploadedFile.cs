using Microsoft.AspNetCore.Components.Forms;

namespace VeloConnect.Web.Components.Imports;

/// <summary>
/// The chosen file, copied from the browser once into a temporary file so it can be uploaded again with other choices
/// (header row, conversion) without asking the browser for it again. Deleted on dispose.
/// </summary>
public sealed class UploadedFile : IDisposable
{
    private const int ReportEvery = 1024 * 1024;

    private UploadedFile(string path, string name, long size)
    {
        Path = path;
        Name = name;
        Size = size;
    }

    public string Path { get; }

    public string Name { get; }

    public long Size { get; }

    public static async Task<UploadedFile> ReadAsync(IBrowserFile file, long maxBytes, Func<long, long, Task> progress, CancellationToken cancellationToken)
    {
        var path = System.IO.Path.GetTempFileName();
        try
        {
            await using var source = file.OpenReadStream(maxBytes, cancellationToken);
            await using var target = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
            var buffer = new byte[81920];
            long read = 0, reported = 0;
            int count;
            while ((count = await source.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await target.WriteAsync(buffer.AsMemory(0, count), cancellationToken);
                read += count;
                if (read - reported >= ReportEvery)
                {
                    reported = read;
                    await progress(read, file.Size);
                }
            }

            return new UploadedFile(path, file.Name, read);
        }
        catch
        {
            File.Delete(path);
            throw;
        }
    }

    /// <summary>The upload's content type by the file's extension (the API reads the format from the content; this only labels it).</summary>
    public string ContentType => System.IO.Path.GetExtension(Name).ToUpperInvariant() switch
    {
        ".XLSX" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".XLS" => "application/vnd.ms-excel",
        ".VCF" or ".VCARD" => "text/vcard",
        _ => "text/csv",
    };

    public Stream OpenRead() => new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);

    public void Dispose()
    {
        try
        {
            File.Delete(Path);
        }
        catch (IOException)
        {
            // A temporary file left behind is cleaned with the temp folder.
        }
    }
}
