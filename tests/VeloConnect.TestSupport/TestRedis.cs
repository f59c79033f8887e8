using System.Net.Sockets;

namespace VeloConnect.TestSupport;

/// <summary>
/// A throwaway redis-server on a free loopback port, without persistence, stopped when the assembly's tests end (see
/// <see cref="ServerProcess"/>).
/// </summary>
public sealed class TestRedis
{
    private static readonly Lazy<Task<TestRedis>> Shared = new(StartAsync);

    private TestRedis(ServerProcess server, int port)
    {
        Server = server;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public ServerProcess Server { get; }

    public static Task<TestRedis> InstanceAsync() => Shared.Value;

    /// <summary>Starts a separate server (for tests that stop it on purpose).</summary>
    public static Task<TestRedis> StartOwnAsync() => StartAsync();

    /// <summary>Starts a separate server on the given port; <see cref="PortTakenException"/> when that port is taken.</summary>
    public static Task<TestRedis> StartOnPortAsync(int port) => StartServerAsync(RedisServer(), port);

    /// <summary>Stops the server and waits for it; its directory is removed.</summary>
    public void Stop() => Server.Stop();

    private static async Task<TestRedis> StartAsync()
    {
        var redis = RedisServer();
        LocalServer.ReapOrphans("velo-redis-");
        return await LocalServer.StartOnFreePortAsync(port => StartServerAsync(redis, port));
    }

    private static string RedisServer() => LocalServer.Find("redis-server", "/usr/bin", "/usr/local/bin")
        ?? throw new InvalidOperationException("redis-server was not found: install it with 'apt-get install -y redis-server' (./test.sh does).");

    private static async Task<TestRedis> StartServerAsync(string redis, int port)
    {
        var directory = Directory.CreateTempSubdirectory("velo-redis-").FullName;
        var process = LocalServer.Start(redis, "--port", port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", directory);
        var server = ServerProcess.Own(process, directory, ServerProcess.SigKill);
        var instance = new TestRedis(server, port);
        try
        {
            await server.WaitUntilServingAsync("redis-server", port, async () =>
            {
                try
                {
                    // Its directory tells this server from one that took the port in the meantime.
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                    using var client = new TcpClient();
                    await client.ConnectAsync("127.0.0.1", port, timeout.Token);
                    await using var stream = client.GetStream();
                    await stream.WriteAsync("CONFIG GET dir\r\n"u8.ToArray(), timeout.Token);
                    var reply = "";
                    var buffer = new byte[1024];
                    int read;
                    while (!reply.Contains(directory, StringComparison.Ordinal) && (read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                    {
                        reply += System.Text.Encoding.UTF8.GetString(buffer, 0, read);
                    }

                    return reply.Contains(directory, StringComparison.Ordinal);
                }
                catch (Exception e) when (e is SocketException or IOException or OperationCanceledException)
                {
                    return false;
                }
            }, TimeSpan.FromSeconds(20));
        }
        catch (PortTakenException)
        {
            // Each attempt has a directory of its own: this one goes with the failed server.
            server.Stop();
            throw;
        }

        return instance;
    }
}
