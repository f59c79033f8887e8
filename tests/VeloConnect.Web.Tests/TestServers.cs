using VeloConnect.TestSupport;
using Xunit;

// The PostgreSQL and Redis servers these tests start are stopped, and waited for, when the assembly's tests end.
[assembly: TestFramework(TestServersFramework.TypeName, TestServersFramework.AssemblyName)]
