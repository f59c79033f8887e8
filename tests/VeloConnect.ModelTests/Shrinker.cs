using System.Diagnostics;

namespace VeloConnect.ModelTests;

/// <summary>
/// Shrinks a failing sequence further than CsCheck's sampling can afford on a real stack (a run costs seconds): drops
/// the steps after the failing one, then chunks of steps, then single operations, then single elements of operations
/// (rows of a file, items of a bulk request), then runs the operations of a step one after the other; each candidate is replayed in a fresh workspace and kept if it still breaks the same invariant.
/// </summary>
public static class Shrinker
{
    /// <param name="Others">Candidates that broke another enforced invariant instead: findings of their own.</param>
    public sealed record Shrunk(Sequence Sequence, List<List<Pick>> Layout, RunResult Result, int Runs, IReadOnlyList<(string Layout, Violation Violation)> Others);

    public static async Task<Shrunk> ShrinkAsync(Sequence original, RunResult failure, Func<Sequence, Task<RunResult>> run, ModelSettings settings, TimeSpan budget)
    {
        var invariant = failure.Enforced(settings).First().Invariant;
        var clock = Stopwatch.StartNew();
        var layout = Truncate(original.Layout(), failure);
        var best = failure;
        var runs = 0;
        var others = new List<(string, Violation)>();

        async Task<bool> TryAsync(List<List<Pick>> candidate)
        {
            if (runs >= settings.ShrinkRuns || clock.Elapsed > budget || candidate.Count == 0)
            {
                return false;
            }

            runs++;
            var result = await run(original.Select(candidate));
            if (!result.Enforced(settings).Any(v => v.Invariant == invariant))
            {
                others.AddRange(result.Enforced(settings).Select(v => (Sequence.Spell(candidate), v)));
                return false;
            }

            best = result;
            layout = Truncate(candidate, result);
            return true;
        }

        // Chunks of steps, halving: most of a sequence is usually irrelevant.
        for (var size = Math.Max(1, layout.Count / 2); size >= 1; size /= 2)
        {
            for (var start = layout.Count - size; start >= 0; start -= size)
            {
                if (start < layout.Count)
                {
                    await TryAsync([.. layout.Take(start), .. layout.Skip(start + size)]);
                }
            }
        }

        // Single operations of steps that run several.
        for (var step = layout.Count - 1; step >= 0; step--)
        {
            for (var op = layout[step].Count - 1; op >= 0 && layout[step].Count > 1; op--)
            {
                var candidate = layout.Select(s => s.ToList()).ToList();
                candidate[step].RemoveAt(op);
                await TryAsync(candidate);
            }
        }

        // Single elements: a file's rows, a bulk request's items, a delete's targets.
        for (var step = layout.Count - 1; step >= 0; step--)
        {
            for (var op = 0; step < layout.Count && op < layout[step].Count; op++)
            {
                var pick = layout[step][op];
                var kept = pick.Keep?.ToList() ?? [.. Enumerable.Range(0, original.Flat[pick.Op].Elements)];
                for (var element = kept.Count - 1; element >= 0 && kept.Count > 1; element--)
                {
                    var candidate = layout.Select(s => s.ToList()).ToList();
                    candidate[step][op] = pick with { Keep = [.. kept.Where((_, i) => i != element)] };
                    if (await TryAsync(candidate))
                    {
                        kept.RemoveAt(element);
                        pick = candidate[step][op];
                    }

                    if (step >= layout.Count || op >= layout[step].Count)
                    {
                        break;
                    }
                }
            }
        }

        // Less concurrency reads more easily: the operations of a step one after the other.
        for (var step = layout.Count - 1; step >= 0; step--)
        {
            if (step < layout.Count && layout[step].Count > 1)
            {
                await TryAsync([.. layout.Take(step), .. layout[step].Select(op => new List<Pick> { op }), .. layout.Skip(step + 1)]);
            }
        }

        return new Shrunk(original.Select(layout), layout, best, runs, others);
    }

    private static List<List<Pick>> Truncate(List<List<Pick>> layout, RunResult result) =>
        result.FailedStep is { } step ? [.. layout.Take(step)] : layout;
}
