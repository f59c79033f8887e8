using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace VeloConnect.ModelTests;

/// <summary>
/// The randomized model test (issue 17): CsCheck generates sequences of operations over small pools of phones, emails,
/// tags and field values — creates, PATCHes, opt-in changes, deletes by id and by filter, wizard and command-line
/// imports, bulk requests with replays and retries, reverts — runs them (some at once) on the real stack, and checks the
/// six invariants after every step. A failure prints the seed, the shrunk sequence and how to replay it.
/// </summary>
public sealed partial class ModelTests(ModelStack stack, ITestOutputHelper output) : IClassFixture<ModelStack>
{
    [Fact]
    public async Task Random_operation_sequences_on_the_real_stack_keep_every_invariant()
    {
        var settings = ModelSettings.FromEnvironment();
        var runner = new SequenceRunner(stack, settings);
        var pending = new Dictionary<string, int>();
        var failures = new List<(string Seed, RunResult Result)>();
        var (sequences, operations) = (0, 0);
        var clock = Stopwatch.StartNew();
        var layout = settings.Steps is { } spelled ? Sequence.ParseLayout(spelled) : null;
        Assert.True(layout is null || settings.Seed is not null, "VELO_MODEL_STEPS selects steps of the sequence VELO_MODEL_SEED generates: set both.");
        var soakUntil = settings.Seed is null && settings.SoakMinutes > 0 ? clock.Elapsed + TimeSpan.FromMinutes(settings.SoakMinutes) : (TimeSpan?)null;
        var wanted = settings.Seed is not null ? 1 : settings.Sequences;

        // One CsCheck sample per sequence, so every sequence has a seed of its own that replays it. A soak goes on past a
        // failure (each is reported with its seed); a bounded run stops at the first and shrinks it.
        while (soakUntil is { } until ? clock.Elapsed < until : sequences < wanted)
        {
            RunResult? failed = null;
            try
            {
                await Generators.Sequence(ModelSettings.MinSteps, ModelSettings.MaxSteps).SampleAsync(async sequence =>
                {
                    var result = await runner.RunAsync(layout is null ? sequence : sequence.Select(layout));
                    sequences++;
                    operations += result.Sequence.OpCount;
                    foreach (var invariant in result.Violations.Where(v => !settings.Enforced(v.Invariant)).Select(v => v.Invariant).Distinct())
                    {
                        pending[invariant] = pending.GetValueOrDefault(invariant) + 1;
                    }

                    output.WriteLine($"sequence {sequences}: {result.Sequence.Steps.Count} steps, {result.Sequence.OpCount} operations, {result.Duration.TotalSeconds:0.0} s"
                        + (result.Violations.Count == 0 ? "" : $", broke {string.Join("; ", result.Violations.Select(v => v.Invariant).Distinct())}"));
                    foreach (var violation in result.Violations)
                    {
                        output.WriteLine($"    {violation}{(settings.Enforced(violation.Invariant) ? "" : "  (pending)")}");
                    }

                    if (result.Failed(settings))
                    {
                        failed = result;
                        throw new InvalidOperationException("Invariants broken:\n" + string.Join("\n", result.Enforced(settings)));
                    }
                }, seed: settings.Seed, iter: 1, threads: 1, print: s => "\n" + s.Describe());
            }
            catch (Exception e) when (failed is not null)
            {
                var seed = SeedPattern().Match(e.Message) is { Success: true } match ? match.Groups[1].Value : settings.Seed ?? "?";
                failures.Add((seed, failed));
                output.WriteLine($"    seed {seed}; what each operation did:\n{failed.Trace}");
                if (soakUntil is null)
                {
                    break;
                }
            }
        }

        var pendingText = pending.Count == 0 ? "none" : string.Join(", ", pending.Select(p => $"{p.Key} in {p.Value} sequence(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sequences} sequences, {operations} operations in {clock.Elapsed.TotalSeconds:0} s; {failures.Count} failed; pending invariants broken (reported, not failing): {pendingText}"));
        if (failures.Count > 0)
        {
            Assert.Fail(await ReportAsync(failures, runner, settings, layout));
        }
    }

    /// <summary>The failure as a reader needs it: the seed, the shrunk sequence one operation per line, what broke, and how to replay.</summary>
    private async Task<string> ReportAsync(List<(string Seed, RunResult Result)> failures, SequenceRunner runner, ModelSettings settings, List<List<Pick>>? layout)
    {
        var (seed, minimal) = failures[0];
        // A replayed layout is already shrunk: report it as it ran.
        var shrunk = layout is not null
            ? new Shrinker.Shrunk(minimal.Sequence, minimal.Sequence.Layout(), minimal, 0, [])
            : await ShrinkAsync(minimal, runner, settings);
        var steps = layout ?? shrunk.Layout;
        var report = new StringBuilder();
        report.AppendLine($"The model test broke {string.Join(", ", shrunk.Result.Enforced(settings).Select(v => v.Invariant).Distinct())}.");
        report.AppendLine($"Seed: {seed}");
        report.AppendLine($"Shrunk sequence ({shrunk.Sequence.OpCount} operations, {shrunk.Runs} shrink runs; one step per line, 'together:' runs operations at once):");
        report.AppendLine(shrunk.Sequence.Describe());
        report.AppendLine("What each operation did in the shrunk run:");
        report.Append(shrunk.Result.Trace);
        report.AppendLine("Broken:");
        foreach (var violation in shrunk.Result.Violations)
        {
            report.AppendLine($"  {violation}{(settings.Enforced(violation.Invariant) ? "" : "  (pending)")}");
        }

        foreach (var (candidate, violation) in shrunk.Others)
        {
            report.AppendLine($"While shrinking, VELO_MODEL_STEPS='{candidate}' broke instead: {violation}");
        }

        foreach (var (other, result) in failures.Skip(1))
        {
            report.AppendLine($"Also failed (soak): seed {other}: {string.Join("; ", result.Enforced(settings))}");
        }

        var options = (settings.Enforce is { } enforce ? " VELO_MODEL_ENFORCE=" + enforce : "") + (settings.Scope == OptOutScope.Channel ? " VELO_MODEL_OPTOUT_SCOPE=channel" : "");
        report.AppendLine($"Replay the whole sequence:  VELO_MODEL_SEED={seed}{options} dotnet test tests/VeloConnect.ModelTests");
        report.AppendLine($"Replay the shrunk sequence: VELO_MODEL_SEED={seed} VELO_MODEL_STEPS='{Sequence.Spell(steps)}'{options} dotnet test tests/VeloConnect.ModelTests");
        return report.ToString();
    }

    private Task<Shrinker.Shrunk> ShrinkAsync(RunResult minimal, SequenceRunner runner, ModelSettings settings)
    {
        output.WriteLine("Shrinking…");
        return Shrinker.ShrinkAsync(minimal.Sequence, minimal, runner.RunAsync, settings, TimeSpan.FromMinutes(6));
    }

    [GeneratedRegex("seed:? \"([^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex SeedPattern();
}
