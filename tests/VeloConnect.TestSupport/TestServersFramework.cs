using Xunit.Abstractions;
using Xunit.Sdk;

namespace VeloConnect.TestSupport;

/// <summary>
/// xUnit's own test framework, plus: when the assembly's tests have ended, every server they started (<see cref="TestPostgres"/>,
/// <see cref="TestRedis"/>, <see cref="ServerProcess"/>) is stopped and waited for. xUnit 2 has no assembly fixtures; the
/// framework is disposed inside the test run, before the test host reports the run complete, while exit handlers run after
/// it, in the ~100 ms before the host is killed. A test project opts in with
/// <c>[assembly: TestFramework(TestServersFramework.TypeName, TestServersFramework.AssemblyName)]</c>.
/// </summary>
public sealed class TestServersFramework : XunitTestFramework
{
    public const string TypeName = "VeloConnect.TestSupport.TestServersFramework";
    public const string AssemblyName = "VeloConnect.TestSupport";

    public TestServersFramework(IMessageSink messageSink)
        : base(messageSink)
    {
        DisposalTracker.Add(new StopServers());
    }

    private sealed class StopServers : IDisposable
    {
        public void Dispose() => ServerProcess.StopAll();
    }
}
