using System.Net;
using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

public sealed partial class OpRunner
{
    /// <summary>
    /// A bulk request, sent once, replayed after its answer, sent twice at once, or abandoned mid-way and retried; every
    /// way must apply it exactly once and answer every send the same.
    /// </summary>
    private async Task BulkAsync(BulkOp op, OpOutcome outcome)
    {
        var body = new JsonArray([.. op.Items.Select(i => (JsonNode)Body(i))]).ToJsonString();
        var key = op.Mode == KeyMode.None ? null : "model-" + Guid.NewGuid().ToString("N");
        outcome.BulkApplications = 1;
        Answer? first = null;
        switch (op.Mode)
        {
            case KeyMode.None:
                first = await SendBulkAsync(body, null);
                break;
            case KeyMode.Replay:
                first = await SendBulkAsync(body, key);
                var replay = await SendBulkAsync(body, key);
                if (first.Status == HttpStatusCode.OK)
                {
                    SameAnswer(outcome, Invariant.ExactlyOnce, "a replay with the same Idempotency-Key", first, replay, mustReplay: true);
                }

                break;
            case KeyMode.Concurrent:
                var both = await Task.WhenAll(SendUntilAnsweredAsync(body, key!), SendUntilAnsweredAsync(body, key!));
                if (both.Any(a => a.Status != HttpStatusCode.OK))
                {
                    outcome.Violations.Add(new Violation(Invariant.ExactlyOnceConcurrent, $"two sends at once with the same Idempotency-Key answered {both[0]} and {both[1]}"));
                    first = both.FirstOrDefault(a => a.Status == HttpStatusCode.OK);
                    if (first is null)
                    {
                        outcome.BulkApplications = 0;
                        return;
                    }

                    break;
                }

                first = both.FirstOrDefault(a => !a.Replayed) ?? both[0];
                SameAnswer(outcome, Invariant.ExactlyOnceConcurrent, "two sends at once with the same Idempotency-Key", first, ReferenceEquals(first, both[0]) ? both[1] : both[0], mustReplay: true);
                break;
            case KeyMode.Abandoned:
                outcome.Abandoned = true;
                using (var giveUp = new CancellationTokenSource(TimeSpan.FromMilliseconds(op.AbandonAfterMs)))
                {
                    try
                    {
                        first = await SendBulkAsync(body, key, giveUp.Token);
                        outcome.Note("answered before the client gave up");
                    }
                    catch (OperationCanceledException)
                    {
                        outcome.Note($"gave up after {op.AbandonAfterMs} ms");
                    }
                }

                var retry = await SendUntilAnsweredAsync(body, key!);
                if (first is { Status: HttpStatusCode.OK })
                {
                    SameAnswer(outcome, Invariant.ExactlyOnceAbandoned, "a retry after the answer", first, retry, mustReplay: true);
                }

                if (retry.Status != HttpStatusCode.OK)
                {
                    outcome.Violations.Add(new Violation(Invariant.ExactlyOnceAbandoned, $"the retry of an abandoned request answered {retry}"));
                    outcome.BulkApplications = 0;
                    return;
                }

                if (first is null && !retry.Replayed)
                {
                    outcome.UncertainTiers = [.. op.Items.Where(i => i.Tier is not null).Select(i => (string?)Pools.Tier(i.Tier!.Value))];
                }

                first = retry;
                break;
        }

        if (first!.Status != HttpStatusCode.OK)
        {
            Unexpected(outcome, "POST /api/contacts/bulk", first);
            return;
        }

        if (key is not null)
        {
            outcome.Keys.Add((key, first.Body));
        }

        outcome.Note("200 " + first.Json!["counts"]!.ToJsonString());
        var results = first.Json["results"]!.AsArray();
        var expected = ExpectedItems(op.Items);
        for (var index = 0; index < op.Items.Length; index++)
        {
            var result = results[index]!;
            var status = result["status"]!.GetValue<string>();
            if (status is "created" or "updated")
            {
                Wrote(outcome, result["contactId"]!.GetValue<Guid>(), op.Items[index], status == "created");
            }

            if (expected[index] == "write" ? status is not ("created" or "updated") : status != expected[index])
            {
                outcome.Violations.Add(new Violation(Invariant.Answers, $"bulk item {index} {op.Items[index]} answered {result.ToJsonString()}; expected {expected[index]}"));
            }
        }
    }

    /// <summary>Per item: "error" without a phone or email, "skipped" with one an earlier written item has, else "write".</summary>
    private static string[] ExpectedItems(ContactSpec[] items)
    {
        var seen = new HashSet<string>();
        return [.. items.Select(item =>
        {
            var addresses = item.Addresses.ToList();
            if (addresses.Count == 0)
            {
                return "error";
            }

            if (addresses.Any(seen.Contains))
            {
                return "skipped";
            }

            seen.UnionWith(addresses);
            return "write";
        })];
    }

    private Task<Answer> SendBulkAsync(string body, string? key, CancellationToken cancellationToken = default) =>
        Http.SendAsync(HttpMethod.Post, "/api/contacts/bulk", Json.Raw(body), key, cancellationToken);

    /// <summary>Sends until the answer is not 409 "Request in progress" (the first attempt still running), as a client retrying with its key does.</summary>
    private async Task<Answer> SendUntilAnsweredAsync(string body, string key, string path = "/api/contacts/bulk")
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var answer = await Http.SendAsync(HttpMethod.Post, path, Json.Raw(body), key);
            if (answer.Status != HttpStatusCode.Conflict || !answer.Body.Contains("\"title\":\"Request in progress\"", StringComparison.Ordinal) || DateTime.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>A second answer to the same request must be the first, byte for byte (and say it is a replay).</summary>
    private static void SameAnswer(OpOutcome outcome, string invariant, string what, Answer first, Answer second, bool mustReplay)
    {
        if (second.Status != first.Status || second.Body != first.Body)
        {
            outcome.Violations.Add(new Violation(invariant, $"{what} answered differently: first {first}, then {second}"));
        }
        else if (mustReplay && !second.Replayed)
        {
            outcome.Violations.Add(new Violation(invariant, $"{what} was applied again (no Idempotency-Replayed): {second}"));
        }
    }
}
