using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>axe-core's WCAG 2 / 2.1 A and AA checks on what a page shows now; serious and critical violations fail.</summary>
internal static class Accessibility
{
    private static readonly AxeRunOptions Checks = new()
    {
        RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
    };

    /// <summary>Each violation as a line: where, which rule, and the first elements it names.</summary>
    public static async Task<IReadOnlyList<string>> ViolationsAsync(IPage page, string where)
    {
        var result = await page.RunAxe(Checks);
        return
        [
            .. result.Violations.Where(v => v.Impact is "serious" or "critical").Select(v =>
                $"{where}: {v.Id} ({v.Impact}) {v.Help} [{v.Nodes.Length} element(s): {string.Join("; ", v.Nodes.Take(3).Select(n => $"{n.Target} {n.Html}"))}]"),
        ];
    }

    public static void AssertNone(IReadOnlyCollection<string> violations) =>
        Assert.True(violations.Count == 0,
            $"Accessibility violations (axe-core, WCAG 2 A/AA, serious or critical):{Environment.NewLine}{string.Join(Environment.NewLine, violations)}");

    public static async Task AssertNoneAsync(IPage page, string where) => AssertNone(await ViolationsAsync(page, where));
}
