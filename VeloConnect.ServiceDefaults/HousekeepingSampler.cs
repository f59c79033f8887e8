using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Keeps the trace list to requests and jobs: drops Orleans' grain-timer callbacks (a trace a second otherwise) and
/// VeloConnect's housekeeping spans (supervisor rounds, job heartbeats: <c>JobTelemetry.HousekeepingName</c> in
/// VeloConnect.Data), with every span under them (a child follows its parent's decision); everything else is recorded.
/// </summary>
public sealed class HousekeepingSampler : Sampler
{
    /// <summary>The name VeloConnect gives its housekeeping spans (keep in step with <c>JobTelemetry.HousekeepingName</c>).</summary>
    public const string HousekeepingName = "veloconnect.housekeeping";

    /// <summary>The interface Orleans names a grain timer's callback after (<c>IGrainTimerInvoker/InvokeCallbackAsync</c>).</summary>
    public const string GrainTimerInvoker = "IGrainTimerInvoker/";

    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly Sampler _others = new ParentBasedSampler(new AlwaysOnSampler());

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsHousekeeping(samplingParameters.Name) ? Drop : _others.ShouldSample(samplingParameters);

    /// <summary>Whether a span of this name is housekeeping.</summary>
    public static bool IsHousekeeping(string? name) =>
        name is not null && (name == HousekeepingName || name.Contains(GrainTimerInvoker, StringComparison.Ordinal));
}
