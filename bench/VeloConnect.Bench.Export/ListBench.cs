using System.Diagnostics;
using System.Net;
using VeloConnect.Bench.Support;
using static VeloConnect.Bench.Support.BenchConsole;

namespace VeloConnect.Bench.Export;

/// <summary>
/// The list and search measures (<c>--list</c>, bench/README.md): <c>GET /api/contacts</c> over the seeded workspace,
/// each filter of the list alone (and one combination), one request in flight, its first page of the default size;
/// p50 and p95 of the round trips over <c>--requests</c> requests after a few not counted. The baseline that schema
/// changes are measured against: keep them within these times.
/// </summary>
internal static class ListBench
{
    private const int WarmupRequests = 5;

    /// <summary>A measure's name and its query string. The seeded contacts (ExportData) decide what each one selects.</summary>
    private static readonly (string Name, string Query)[] Filters =
    [
        ("none", ""),
        ("tag", "tag=vip"),
        ("two-tags", "tag=vip&tag=newsletter"),
        ("rare-tag", "tag=churn-risk&tag=event-2025"),
        ("source", "source=api"),
        ("agent-none", "assignedAgent=none"),
        ("created-range", "createdFrom=2024-01-20&createdTo=2024-01-22"),
        ("activity-range", "lastActivityFrom=2024-01-20&lastActivityTo=2024-01-22"),
        ("field-select", "field.plan=Pro"),
        ("field-text", "field.company=Company%204217"),
        ("field-number", "field.score=42.1"),
        ("opt-in", "optIn.whatsapp=opted_in"),
        ("opt-out", "optIn.sms=opted_out"),
        ("opt-unknown", "optIn.email=unknown"),
        ("search-name", "q=grace"),
        ("search-rare", "q=.4217@"),
        ("search-email", "q=example.com"),
        ("search-phone", "q=(415)%20200-4217"),
        ("search-none", "q=nobody-has-this"),
        ("combined", "tag=vip&source=api&optIn.sms=opted_out&q=ana"),
        ("second-page", "tag=customer"),
    ];

    public static async Task RunAsync(HttpClient client, string label, int requests, bool print)
    {
        foreach (var (name, filter) in Filters)
        {
            var query = filter;
            if (name == "second-page")
            {
                // The page after the first: the first page's cursor, fetched once (not timed).
                var first = await BenchHttp.ExpectAsync(await client.GetAsync("/api/contacts?" + filter), HttpStatusCode.OK);
                var cursor = first["nextCursor"]?.GetValue<string>() ?? throw new BenchFailure($"?{filter} has no second page.");
                query = $"{filter}&cursor={Uri.EscapeDataString(cursor)}";
            }

            var times = new List<double>(requests);
            var items = 0;
            for (var i = 0; i < WarmupRequests + requests; i++)
            {
                var clock = Stopwatch.StartNew();
                var page = await BenchHttp.ExpectAsync(await client.GetAsync("/api/contacts?" + query), HttpStatusCode.OK);
                items = page["items"]!.AsArray().Count;
                if (i >= WarmupRequests)
                {
                    times.Add(clock.Elapsed.TotalMilliseconds);
                }
            }

            times.Sort();
            if (!print)
            {
                continue;
            }

            Print(FormattableString.Invariant($"list-{label}-{name}: {items} items, p50 {Percentile(times, 0.50):0.0} ms, p95 {Percentile(times, 0.95):0.0} ms"));
            await Console.Error.WriteLineAsync(FormattableString.Invariant($"bench: list-{label}-{name}: ?{filter}, {requests} requests, min {times[0]:0.0} ms, max {times[^1]:0.0} ms"));
        }
    }

    private static double Percentile(List<double> sorted, double p) =>
        sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
}
