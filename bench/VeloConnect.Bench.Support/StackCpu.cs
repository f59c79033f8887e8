using VeloConnect.TestSupport;

namespace VeloConnect.Bench.Support;

/// <summary>
/// Processor time so far of a bench's stack: the silo, this process (the API, and the bench's own requests) and the
/// PostgreSQL server the stack and the baselines share (its postmaster and backends). A diagnosis, not a goal.
/// </summary>
public readonly record struct StackCpu(double Silo, double Api, double Postgres)
{
    public static async Task<StackCpu> NowAsync(Stack stack) =>
        new(stack.Silo.CpuSeconds(), ProcessCpu.OwnSeconds(), ProcessCpu.TreeSeconds((await TestPostgres.InstanceAsync()).Server.Process.Id));

    /// <summary>On stderr: the processor time each process used since this reading.</summary>
    public async Task PrintSinceAsync(Stack stack, string what)
    {
        var now = await NowAsync(stack);
        await Console.Error.WriteLineAsync(FormattableString.Invariant(
            $"bench: {what} cpu: silo {now.Silo - Silo:0.00} s, api and bench {now.Api - Api:0.00} s, postgres {now.Postgres - Postgres:0.00} s"));
    }
}
