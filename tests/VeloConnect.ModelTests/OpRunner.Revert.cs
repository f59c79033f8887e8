using System.Net;
using System.Text.Json.Nodes;

namespace VeloConnect.ModelTests;

public sealed partial class OpRunner
{
    /// <summary>
    /// Reverts one of the sequence's finished imports (asked again sometimes), reading its journal and every contact
    /// before and after, for the revert check once the step is over (it needs to know what else the step touched).
    /// </summary>
    private async Task RevertAsync(RevertOp op, OpOutcome outcome)
    {
        if (model.Imports.Count == 0)
        {
            outcome.Note("no finished import yet");
            return;
        }

        var id = model.Imports[op.Import % model.Imports.Count];
        var journal = await ReadJournalAsync(id);
        // Addresses carrying an opt-out (retained from a deleted contact, or known to the model): a revert taking one back
        // may keep the contact instead.
        var retained = await ReadRetainedAsync();
        retained.UnionWith(model.OptedOut.Select(o => o.Address));
        var before = await Http.ListAllAsync();
        foreach (var entry in journal)
        {
            outcome.Touched.Add(entry.ContactId);
            if (entry.Before is null)
            {
                outcome.Deletable.Add(entry.ContactId);
            }
            else
            {
                outcome.TierRestores.Add((entry.ContactId, entry.Before.Tier));
            }

            outcome.TagRemovals.Add((entry.ContactId, [.. Model.Lower(entry.After.Tags).Except(Model.Lower(entry.Before?.Tags ?? []))]));
        }

        var started = await Http.SendAsync(HttpMethod.Post, $"/api/imports/{id}/revert");
        if (started.Status != HttpStatusCode.Accepted)
        {
            Unexpected(outcome, "POST /api/imports/{id}/revert", started);
            return;
        }

        var state = await PollAsync(() => Http.SendAsync(HttpMethod.Get, $"/api/imports/{id}/revert"),
            a => a.Json?["status"]?.GetValue<string>() is not "running", $"revert of import {id}");
        outcome.Note($"import {Observed.Short(id)}: {state.Json?["status"]} {state.Json?["counts"]?.ToJsonString()}");
        if (op.AskTwice)
        {
            var again = await Http.SendAsync(HttpMethod.Post, $"/api/imports/{id}/revert");
            if (again.Status != HttpStatusCode.Accepted || again.Json?["counts"]?.ToJsonString() != state.Json?["counts"]?.ToJsonString())
            {
                outcome.Violations.Add(new Violation(Invariant.Revert, $"the revert of import {Observed.Short(id)} asked again answered {again}; it had answered {state}"));
            }
        }

        var after = await Http.ListAllAsync();
        outcome.Revert = new RevertObservation(id, model.Reverted.Contains(id), journal, before, after, retained,
            state.Json?["status"]?.GetValue<string>() ?? "?", state.Json ?? new JsonObject());
    }

    private async Task<List<JournalRow>> ReadJournalAsync(Guid importId)
    {
        await using var command = workspace.DataSource.CreateCommand(
            "select contact_id, before::text, after::text, last_at from import_journal where import_id = @id order by first_at, contact_id");
        command.Parameters.AddWithValue("id", importId);
        var rows = new List<JournalRow>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new JournalRow(
                reader.GetGuid(0),
                reader.IsDBNull(1) ? null : Snapshot.FromJournal(JsonNode.Parse(reader.GetString(1))!),
                Snapshot.FromJournal(JsonNode.Parse(reader.GetString(2))!),
                reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return rows;
    }

    /// <summary>The addresses that carry an opt-out retained from a deleted contact.</summary>
    private async Task<HashSet<string>> ReadRetainedAsync()
    {
        await using var command = workspace.DataSource.CreateCommand("select distinct kind, value from retained_opt_outs where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspace.Id);
        var addresses = new HashSet<string>();
        try
        {
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                addresses.Add(reader.GetString(0).Trim() == "p" ? Pools.PhoneAddress(reader.GetString(1)) : Pools.EmailAddress(reader.GetString(1)));
            }
        }
        catch (Npgsql.PostgresException e) when (e.SqlState == Npgsql.PostgresErrorCodes.UndefinedTable)
        {
            // Consent kept per address in another shape: the revert check then allows either outcome for a gained address.
        }

        return addresses;
    }
}
