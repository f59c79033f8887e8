using System.Diagnostics;
using System.Net.Sockets;

namespace VeloConnect.TestSupport;

/// <summary>A throwaway redis-server on a free loopback port, without persistence, killed when the process exits.</summary>
public sealed class TestRedis
{
    private static readonly Lazy<Task<TestRedis>> Shared = new(StartAsync);

    private readonly Process _server;
    private readonly string _directory;

    private TestRedis(Process server, string directory, int port)
    {
        _server = server;
        _directory = directory;
        Port = port;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Stop();
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static Task<TestRedis> InstanceAsync() => Shared.Value;

    /// <summary>Starts a separate server (for tests that stop it on purpose).</summary>
    public static Task<TestRedis> StartOwnAsync() => StartAsync();

    public void Stop()
    {
        try
        {
            if (!_server.HasExited)
            {
                _server.Kill();
                _server.WaitForExit(5000);
            }

            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception)
        {
            // Best effort at process exit.
        }
    }

    private static async Task<TestRedis> StartAsync()
    {
        var redis = LocalServer.Find("redis-server", "/usr/bin", "/usr/local/bin")
            ?? throw new InvalidOperationException("redis-server was not found: install it with 'apt-get install -y redis-server' (./test.sh does).");
        LocalServer.ReapOrphans("velo-redis-");
        var directory = Directory.CreateTempSubdirectory("velo-redis-").FullName;
        var port = LocalServer.FreePort();
        var server = LocalServer.Start(redis, "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory);
        LocalServer.RecordPids(directory, server);
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var instance = new TestRedis(server, directory, port);
        await LocalServer.WaitUntilAsync(async () =>
        {
            if (server.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited ({server.ExitCode}).");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port);
                await using var stream = client.GetStream();
                await stream.WriteAsync("PING\r\n"u8.ToArray());
                var buffer = new byte[16];
                var read = await stream.ReadAsync(buffer);
                return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
            }
            catch (SocketException)
            {
                return false;
            }
        }, TimeSpan.FromSeconds(20), () => $"redis-server did not answer PING on port {port} within 20 s.");
        return instance;
    }
}
