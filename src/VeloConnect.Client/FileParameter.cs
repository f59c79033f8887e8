namespace VeloConnect.Client;

/// <summary>A file part of a multipart request (the upload of an import), as the generated client sends it.</summary>
public sealed class FileParameter(Stream data, string? fileName = null, string? contentType = null)
{
    public Stream Data { get; } = data;

    public string? FileName { get; } = fileName;

    public string? ContentType { get; } = contentType;
}
