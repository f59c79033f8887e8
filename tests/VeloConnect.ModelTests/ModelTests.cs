using System.Collections.Concurrent;
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
        var failures = new ConcurrentBag<RunResult>();
        var pending = new ConcurrentDictionary<string, int>();
        var (sequences, operations) = (0, 0);
        var clock = Stopwatch.StartNew();
        var layout = settings.Steps is { } spelled ? Sequence.ParseLayout(spelled) : null;
        Assert.True(layout is null || settings.Seed is not null, "VELO_MODEL_STEPS selects steps of the sequence VELO_MODEL_SEED generates: set both.");

        try
        {
            await Generators.Sequence(ModelSettings.MinSteps, ModelSettings.MaxSteps).SampleAsync(async sequence =>
            {
                if (layout is not null)
                {
                    sequence = sequence.Select(layout);
                }

                var result = await runner.RunAsync(sequence);
                Interlocked.Increment(ref sequences);
                Interlocked.Add(ref operations, sequence.OpCount);
                foreach (var invariant in result.Violations.Where(v => !settings.Enforced(v.Invariant)).Select(v => v.Invariant).Distinct())
                {
                    pending.AddOrUpdate(invariant, 1, (_, n) => n + 1);
                }

                output.WriteLine($"sequence {sequences}: {sequence.Steps.Count} steps, {sequence.OpCount} operations, {result.Duration.TotalSeconds:0.0} s"
                    + (result.Violations.Count == 0 ? "" : $", {result.Violations.Count} violation(s): {string.Join("; ", result.Violations.Select(v => v.Invariant).Distinct())}"));
                foreach (var violation in result.Violations)
                {
                    output.WriteLine($"    {violation}{(settings.Enforced(violation.Invariant) ? "" : "  (pending)")}");
                }

                if (result.Failed(settings))
                {
                    failures.Add(result);
                    throw new InvalidOperationException("Invariants broken:\n" + string.Join("\n", result.Enforced(settings)));
                }
            },
            seed: settings.Seed,
            iter: settings.Seed is not null ? 1 : settings.SoakMinutes > 0 ? -1 : settings.Sequences,
            time: settings.Seed is null && settings.SoakMinutes > 0 ? (int)(settings.SoakMinutes * 60) : -1,
            threads: 1,
            print: s => "\n" + s.Describe());
        }
        catch (Exception e) when (!failures.IsEmpty)
        {
            Assert.Fail(await ReportAsync(e, failures, runner, settings, layout));
        }

        var pendingText = pending.IsEmpty ? "none" : string.Join(", ", pending.Select(p => $"{p.Key} in {p.Value} sequence(s)"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{sequences} sequences, {operations} operations in {clock.Elapsed.TotalSeconds:0} s; pending invariants broken (reported, not failing): {pendingText}"));
    }

    /// <summary>The failure as a reader needs it: the seed, the shrunk sequence one operation per line, what broke, and how to replay.</summary>
    private async Task<string> ReportAsync(Exception failure, ConcurrentBag<RunResult> failures, SequenceRunner runner, ModelSettings settings, List<List<Pick>>? layout)
    {
        var seed = SeedPattern().Match(failure.Message) is { Success: true } match ? match.Groups[1].Value : settings.Seed;
        var minimal = failures.FirstOrDefault(f => failure.Message.Contains(f.Sequence.Describe(), StringComparison.Ordinal))
            ?? failures.MinBy(f => f.Sequence.OpCount)!;
        output.WriteLine($"Failing sequence (seed {seed}), as run:\n{minimal.Trace}");
        // A replayed layout is already shrunk: report it as it ran.
        var shrunk = layout is not null
            ? new Shrinker.Shrunk(minimal.Sequence, minimal.Sequence.Layout(), minimal, 0, [])
            : await ShrinkAsync(minimal, runner, settings);
        var steps = layout ?? shrunk.Layout;
        var report = new StringBuilder();
        report.AppendLine($"The model test broke {string.Join(", ", shrunk.Result.Enforced(settings).Select(v => v.Invariant).Distinct())}.");
        report.AppendLine($"Seed: {seed}   (CsCheck: {failure.Message.Split('\n')[0]})");
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
