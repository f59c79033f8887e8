using System.Net.Sockets;
using System.Text;
using Xunit;

namespace VeloConnect.ModelTests;

public sealed partial class ModelTests
{
    /// <summary>
    /// The model test's first finding on the merged code (seed 0002fDNGAlH1): the bulk body reader left its last read of the
    /// request pipe open, Kestrel's draining of the body then failed after the answer ("Reading is already in progress") and
    /// closed the connection, so the next request a client had sent on it ended without an answer. Two requests written at
    /// once on one connection must both be answered, whichever way the first one's body ends (read whole, refused as bad JSON).
    /// </summary>
    [Theory]
    [InlineData("[{\"name\": \"Kept alive\", \"phones\": [\"+14155550999\"]}]")]
    [InlineData("[{\"name\": \"Not JSON\" ")]
    [InlineData("{\"name\": \"Not an array\"}")]
    public async Task Bulk_requests_sent_back_to_back_on_one_connection_are_each_answered(string firstBody)
    {
        using var workspace = await stack.NewWorkspaceAsync();
        var key = workspace.Http.DefaultRequestHeaders.Authorization!.Parameter;
        string Request(string body) =>
            $"POST /api/contacts/bulk HTTP/1.1\r\nHost: {stack.ApiAddress.Authority}\r\nAuthorization: Bearer {key}\r\n"
            + $"Content-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n{body}";

        using var socket = new TcpClient();
        await socket.ConnectAsync(stack.ApiAddress.Host, stack.ApiAddress.Port);
        var stream = socket.GetStream();
        var both = Encoding.UTF8.GetBytes(Request(firstBody) + Request("[{\"name\": \"Second\", \"phones\": [\"+14155550998\"]}]"));
        await stream.WriteAsync(both);

        // Read until two status lines have come (the second follows the first's body on its line) or the server closes the connection (the bug) or 60 s pass.
        var received = new StringBuilder();
        var buffer = new byte[16 * 1024];
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (CountStatusLines(received.ToString()) < 2)
        {
            int n;
            try
            {
                n = await stream.ReadAsync(buffer, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            if (n == 0)
            {
                break;
            }

            received.Append(Encoding.UTF8.GetString(buffer, 0, n));
        }

        Assert.True(CountStatusLines(received.ToString()) == 2,
            $"Expected two answers on the connection, got:\n{received}");
    }

    private static int CountStatusLines(string text) =>
        System.Text.RegularExpressions.Regex.Count(text, @"HTTP/1\.1 \d{3} ");
}
