namespace VeloConnect.Api.Limits;

/// <summary>
/// Limits per workspace (configuration section <c>VeloConnect:Limits</c>, validated at start): requests (a token bucket
/// per workspace, anonymous callers per remote address), import reviews in progress at once, and background jobs running
/// at once per kind. The defaults and why: docs/security.md, "Limits".
/// </summary>
public sealed class LimitOptions
{
    public const string Section = "VeloConnect:Limits";

    /// <summary>Requests a workspace may send at once before it is throttled (the bucket's size).</summary>
    public int RequestBurst { get; set; } = 200;

    /// <summary>Requests per second a workspace may keep sending (the bucket refills by a tenth of this every 100 ms).</summary>
    public int RequestsPerSecond { get; set; } = 100;

    /// <summary>Import reviews (synchronous dry runs over a whole file) in progress at once per workspace.</summary>
    public int ConcurrentReviews { get; set; } = 2;

    /// <summary>Wizard imports running at once per workspace (command-line imports have no job on the server).</summary>
    public int RunningImports { get; set; } = 3;

    /// <summary>Exports running at once per workspace.</summary>
    public int RunningExports { get; set; } = 3;

    /// <summary>Import reverts running at once per workspace.</summary>
    public int RunningReverts { get; set; } = 1;

    public const string ValidationMessage = $"{Section}: RequestsPerSecond must be a multiple of 10 from 10, RequestBurst at least RequestsPerSecond / 10, "
        + "and ConcurrentReviews, RunningImports, RunningExports and RunningReverts at least 1.";

    public bool IsValid() =>
        RequestsPerSecond >= 10 && RequestsPerSecond % 10 == 0 && RequestBurst >= TokensPerTenth
        && ConcurrentReviews >= 1 && RunningImports >= 1 && RunningExports >= 1 && RunningReverts >= 1;

    /// <summary>What the bucket gains every 100 ms.</summary>
    public int TokensPerTenth => RequestsPerSecond / 10;
}
