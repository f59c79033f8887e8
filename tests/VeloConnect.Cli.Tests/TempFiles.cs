namespace VeloConnect.Cli.Tests;

/// <summary>A directory of its own per test, removed afterwards.</summary>
public sealed class TempFiles : IDisposable
{
    public string Directory { get; } = System.IO.Directory.CreateTempSubdirectory("velo-cli-tests-").FullName;

    public string Write(string name, string text)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    public string Write(string name, byte[] bytes)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A process of the test may still hold a file; the temp directory is cleaned eventually.
        }
    }
}
