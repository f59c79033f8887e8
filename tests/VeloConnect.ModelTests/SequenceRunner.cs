using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Npgsql;

namespace VeloConnect.ModelTests;

/// <summary>How one sequence went: what broke (and after which step), what each operation did, how long it took.</summary>
public sealed record RunResult(Sequence Sequence, IReadOnlyList<Violation> Violations, int? FailedStep, string Trace, TimeSpan Duration)
{
    public IEnumerable<Violation> Enforced(ModelSettings settings) => Violations.Where(v => settings.Enforced(v.Invariant));

    public bool Failed(ModelSettings settings) => Enforced(settings).Any();
}

/// <summary>
/// Runs a sequence in a fresh workspace: each step's operations at once, then, with the step over, the model takes in
/// what they did and the invariants are checked against the API (and the database where the API cannot tell); after the
/// last step, the end-of-sequence checks (identifier index, stored idempotent answers, probes of freed opted-out addresses).
/// </summary>
public sealed class SequenceRunner(ModelStack stack, ModelSettings settings)
{
    public async Task<RunResult> RunAsync(Sequence sequence)
    {
        var clock = Stopwatch.StartNew();
        using var workspace = await stack.NewWorkspaceAsync();
        var model = new Model();
        var runner = new OpRunner(workspace, model, settings);
        var trace = new StringBuilder();
        var violations = new List<Violation>();
        var seen = new HashSet<string>();
        int? failedStep = null;
        void Add(int? step, IEnumerable<Violation> found)
        {
            foreach (var violation in found.Where(v => seen.Add(v.ToString())))
            {
                violations.Add(step is null ? violation with { Message = "at the end: " + violation.Message } : violation with { Message = $"after step {step}: {violation.Message}" });
            }
        }

        for (var index = 0; index < sequence.Steps.Count && failedStep is null; index++)
        {
            var step = sequence.Steps[index];
            var outcomes = await Task.WhenAll(step.Ops.Select(op => Task.Run(() => runner.RunAsync(op))));
            foreach (var outcome in outcomes)
            {
                trace.AppendLine($"  {index + 1,2}. {outcome}");
            }

            var observed = await workspace.Http.ListAllAsync();
            var found = model.Apply(outcomes, observed);
            if (!step.Ops.Any(op => op is DeleteOp or DeleteByTagOp or RevertOp))
            {
                found = [.. found.Select(v => v.Invariant == Invariant.ImportRowRacingDelete ? v with { Invariant = Invariant.ImportRows } : v)];
            }

            foreach (var outcome in outcomes.Where(o => o.Revert is not null))
            {
                var others = outcomes.Where(o => o != outcome).SelectMany(o => o.Touched).ToHashSet();
                found.AddRange(Invariants.Revert(outcome.Revert!, others));
            }

            found.AddRange(Invariants.OptOuts(model, observed, settings.Scope));
            found.AddRange(Invariants.Unique(observed));
            found.AddRange(Invariants.NothingLost(model, observed));
            // An extra application in a step whose same-key sends already broke a pending check is that check's finding.
            var audit = outcomes.SelectMany(o => o.Violations).Select(v => v.Invariant).FirstOrDefault(i => i is Invariant.ExactlyOnceAbandoned or Invariant.ExactlyOnceConcurrent)
                ?? (outcomes.Any(o => o.Abandoned) ? Invariant.ExactlyOnceAbandoned : Invariant.ExactlyOnce);
            found.AddRange(await BulkAuditAsync(workspace, model, audit));
            model.Resync(observed);
            var before = violations.Count;
            Add(index + 1, found);
            if (violations.Skip(before).Any(v => settings.Enforced(v.Invariant)))
            {
                failedStep = index + 1;
            }
        }

        if (failedStep is null)
        {
            var observed = await workspace.Http.ListAllAsync();
            Add(null, await IdentifierIndexAsync(workspace, observed));
            Add(null, await StoredAnswersAsync(workspace, model));
            Add(null, await ProbeFreedOptOutsAsync(workspace, model, observed, trace));
        }

        return new RunResult(sequence, violations, failedStep, trace.ToString(), clock.Elapsed);
    }

    /// <summary>4: every bulk request (without an import) was applied, and audited, exactly once, however often it was sent.</summary>
    private static async Task<List<Violation>> BulkAuditAsync(ModelWorkspace workspace, Model model, string invariant)
    {
        await using var command = workspace.DataSource.CreateCommand("select count(*) from audit_log where workspace_id = @ws and action = 'contacts.bulk'");
        command.Parameters.AddWithValue("ws", workspace.Id);
        var audited = (int)(long)(await command.ExecuteScalarAsync())!;
        if (audited == model.BulkApplications)
        {
            return [];
        }

        var violation = new Violation(invariant,
            $"{audited} bulk requests were applied (contacts.bulk audit rows), {model.BulkApplications} were made");
        model.BulkApplications = audited;
        return [violation];
    }

    /// <summary>2: the identifier index (<c>contact_identifiers</c>) holds exactly the contacts' phones and lower-cased emails.</summary>
    private static async Task<List<Violation>> IdentifierIndexAsync(ModelWorkspace workspace, IReadOnlyDictionary<Guid, Observed> observed)
    {
        var expected = observed.Values.SelectMany(c => c.Addresses.Select(a => $"{a}→{Observed.Short(c.Id)}")).ToHashSet();
        var indexed = new HashSet<string>();
        await using var command = workspace.DataSource.CreateCommand("select kind, value, contact_id from contact_identifiers where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspace.Id);
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                var address = reader.GetString(0).Trim() == "p" ? Pools.PhoneAddress(reader.GetString(1)) : Pools.EmailAddress(reader.GetString(1));
                indexed.Add($"{address}→{Observed.Short(reader.GetGuid(2))}");
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return [];
        }

        return expected.SetEquals(indexed)
            ? []
            : [new Violation(Invariant.Unique, $"the identifier index disagrees with the contacts: missing [{string.Join(", ", expected.Except(indexed))}], extra [{string.Join(", ", indexed.Except(expected))}]")];
    }

    /// <summary>4: every Idempotency-Key used holds the first answer (not a claim left behind, not another answer).</summary>
    private static async Task<List<Violation>> StoredAnswersAsync(ModelWorkspace workspace, Model model)
    {
        var stored = new Dictionary<string, string?>();
        await using var command = workspace.DataSource.CreateCommand("select key, response from bulk_requests where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspace.Id);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                stored[reader.GetString(0)] = reader.IsDBNull(1) ? null : reader.GetString(1);
            }
        }

        return [.. model.Keys.Where(k => !stored.TryGetValue(k.Key, out var answer) || answer != k.Value)
            .Select(k => new Violation(Invariant.ExactlyOnce, $"Idempotency-Key {k.Key} stores {(stored.TryGetValue(k.Key, out var a) ? a ?? "a claim without an answer" : "nothing")}, not the answer sent ({k.Value})"))];
    }

    /// <summary>
    /// 1, for addresses nobody holds at the end: a new contact takes each opted-out one (a bulk item with only that phone or
    /// email) and must show opted_out on the channel; a freed address must not lose its opt-out.
    /// </summary>
    private async Task<List<Violation>> ProbeFreedOptOutsAsync(ModelWorkspace workspace, Model model, IReadOnlyDictionary<Guid, Observed> observed, StringBuilder trace)
    {
        var held = observed.Values.SelectMany(c => c.Addresses).ToHashSet();
        var freed = model.OptedOut.Where(o => !held.Contains(o.Address)).GroupBy(o => o.Address).ToList();
        if (freed.Count == 0)
        {
            return [];
        }

        var items = new JsonArray([.. freed.Select(g => (JsonNode)(g.Key.StartsWith("p:", StringComparison.Ordinal)
            ? new JsonObject { ["name"] = "Probe", ["phones"] = new JsonArray(g.Key[2..]) }
            : new JsonObject { ["name"] = "Probe", ["email"] = g.Key[2..] }))]);
        var answer = await workspace.Http.SendAsync(HttpMethod.Post, "/api/contacts/bulk", Json.Raw(items.ToJsonString()));
        if (answer.Status != HttpStatusCode.OK)
        {
            return [new Violation(Invariant.Answers, $"the probe of freed opted-out addresses answered {answer}")];
        }

        var violations = new List<Violation>();
        var results = answer.Json!["results"]!.AsArray();
        for (var index = 0; index < freed.Count; index++)
        {
            var id = results[index]!["contactId"]!.GetValue<Guid>();
            var probe = Observed.From((await workspace.Http.SendAsync(HttpMethod.Get, $"/api/contacts/{id}")).Json!);
            trace.AppendLine($"  probe: {freed[index].Key} → {probe.Describe()}");
            foreach (var (address, channel) in freed[index].Where(o => probe.AddressesFor(o.Channel, settings.Scope).Contains(o.Address)))
            {
                if (probe.OptIns[channel].Status != "opted_out")
                {
                    violations.Add(new Violation(Invariant.OptOut,
                        $"{address} was opted out on {channel} and is free now; a new contact taking it ({probe.Describe()}) shows {channel} {probe.OptIns[channel].Status}"));
                }
            }
        }

        return violations;
    }
}
