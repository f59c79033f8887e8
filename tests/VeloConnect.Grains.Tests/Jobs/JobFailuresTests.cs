using System.Net.Sockets;
using Npgsql;
using VeloConnect.Grains.Jobs;
using Xunit;

namespace VeloConnect.Grains.Tests.Jobs;

/// <summary>The one classification of what stops a job, shared by the import, revert and export grains.</summary>
public sealed class JobFailuresTests
{
    public static TheoryData<string, Exception> Interruptions => new()
    {
        { "Orleans", new OrleansException("silo unavailable") },
        { "timeout", new TimeoutException() },
        { "cancelled", new OperationCanceledException() },
        { "task cancelled", new TaskCanceledException() },
        { "disposed under the job", new ObjectDisposedException("connection") },
        { "database away", new NpgsqlException("Exception while reading from stream", new IOException("connection reset")) },
        { "socket", new SocketException((int)SocketError.ConnectionRefused) },
        { "activation torn down", new InvalidOperationException("Attempted to access an invalid activation") },
        { "cause inside", new InvalidOperationException("wrapped", new TimeoutException()) },
        { "network stream", new IOException("Unable to read data from the transport connection", new SocketException((int)SocketError.ConnectionReset)) },
        { "any of an aggregate", new AggregateException(new ArgumentException("x"), new OrleansException("gone")) },
    };

    public static TheoryData<string, Exception> Failures => new()
    {
        { "a bug", new InvalidOperationException("Sequence contains no elements") },
        { "bad data", new FormatException() },
        { "disk full", new IOException("There is not enough space on the disk.") },
        { "no directory", new DirectoryNotFoundException() },
        { "no permission", new UnauthorizedAccessException() },
        { "database refuses", new PostgresException("value too long", "ERROR", "ERROR", "22001") },
        { "aggregate of failures", new AggregateException(new ArgumentException("x"), new FormatException()) },
    };

    [Theory]
    [MemberData(nameof(Interruptions))]
    public void Interruptions_leave_the_job_running(string what, Exception e)
    {
        Assert.True(JobFailures.IsTransient(e), what);
        Assert.True(JobFailures.IsInterruption(e, CancellationToken.None), what);
    }

    [Theory]
    [MemberData(nameof(Failures))]
    public void Failures_of_the_job_itself_end_it(string what, Exception e)
    {
        Assert.False(JobFailures.IsTransient(e), what);
        Assert.False(JobFailures.IsInterruption(e, CancellationToken.None), what);
    }

    [Fact]
    public void Any_failure_while_the_silo_stops_is_an_interruption()
    {
        using var stopping = new CancellationTokenSource();
        stopping.Cancel();
        Assert.True(JobFailures.IsInterruption(new FormatException(), stopping.Token));
        Assert.False(JobFailures.IsTransient(new FormatException()));
    }

    [Fact]
    public void No_exception_is_not_transient() => Assert.False(JobFailures.IsTransient(null));
}
