using Microsoft.Extensions.Logging;
using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;
using VeloConnect.Workflows.Telemetry;

namespace VeloConnect.Grains.Contacts;

/// <summary>
/// One contact. Orleans delivers its calls one at a time, so merges, edits, opt-in changes and the delete of a
/// contact never interleave and never lose each other's changes. The state is the contact's row, read on activation
/// and written with a version check: if something changed the row behind the grain's back (a field deleted in
/// Settings, an import's batch write, a revert), the write is refused, the grain reloads and applies the change again;
/// a change that looks like no change is checked against the stored version before it is answered "unchanged".
/// </summary>
public sealed partial class ContactGrain(ContactStore store, ContactDeletion deletions, TimeProvider clock, ILogger<ContactGrain> logger) : Grain, IContactGrain
{
    private const int Attempts = 3;

    private Guid _workspaceId;
    private Guid _id;
    private ContactRecord? _record;

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _id = this.GetPrimaryKey(out var workspace);
        _workspaceId = Guid.ParseExact(workspace!, "N");
        _record = await store.LoadAsync(_workspaceId, _id, cancellationToken);
    }

    public Task<WriteResult> MergeAsync(ContactWrite contact, WriteContext context) => MergeAsync(contact, context, mustExist: false);

    public async Task<WriteResult> MergeIntoAsync(ContactWrite contact, WriteContext context)
    {
        // Matched by an identifier the database holds: a copy that knows no contact may predate a restore; look once.
        _record ??= await store.LoadAsync(_workspaceId, _id);
        return await MergeAsync(contact, context, mustExist: true);
    }

    private async Task<WriteResult> MergeAsync(ContactWrite contact, WriteContext context, bool mustExist)
    {
        var input = contact.ToInput();
        List<string> limited = [];
        return Count(await WriteAsync(existing =>
        {
            limited.Clear();
            var before = existing ?? ContactData.Empty;
            return ContactLimits.KeepWithin(before, ContactMerge.Apply(before, input), limited);
        }, dropTakenIdentifiers: true, context, mustExist, limited), context);
    }

    public async Task<WriteResult> EditAsync(ContactEditCommand edit, WriteContext context)
    {
        if (_record is null)
        {
            return new WriteResult(WriteOutcome.NotFound, _id, [], "No such contact.");
        }

        var change = edit.ToEdit();
        return Count(await WriteAsync(existing => change.ApplyTo(existing ?? ContactData.Empty), dropTakenIdentifiers: false, context, mustExist: true), context);
    }

    public async Task<WriteResult> SetOptInAsync(OptInChange change, WriteContext context)
    {
        if (_record is null
            || !OptIns.TryParseChannel(change.Channel, out var channel)
            || !OptIns.TryParseStatus(change.Status, out var status))
        {
            return new WriteResult(WriteOutcome.NotFound, _id, [], "No such contact.");
        }

        var result = await store.SetOptInAsync(_workspaceId, _id, channel, status, change.Source, context.UserId);
        if (result is null)
        {
            return new WriteResult(WriteOutcome.NotFound, _id, [], "No such contact.");
        }

        if (result.Refused)
        {
            return new WriteResult(WriteOutcome.Conflict, _id, [], Consent.UnknownRefused(channel, result.PreviousConsent!));
        }

        VeloConnectTelemetry.OptInChanges.Add(1, new KeyValuePair<string, object?>("channel", change.Channel), new KeyValuePair<string, object?>("status", change.Status));
        return new WriteResult(result.Previous == status ? WriteOutcome.Unchanged : WriteOutcome.Updated, _id, []);
    }

    public async Task<bool> DeleteAsync(WriteContext context)
    {
        if (_record is null)
        {
            return false;
        }

        // The audit row commits with the delete.
        var deleted = await deletions.DeleteOneAsync(_workspaceId, _id, context.UserId);
        if (deleted)
        {
            VeloConnectTelemetry.ContactsDeleted.Add(1);
        }

        _record = null;
        DeactivateOnIdle();
        return deleted;
    }

    /// <param name="notes">Warnings the change itself gave (filled by <paramref name="change"/>), answered and recorded with the claim's.</param>
    private async Task<WriteResult> WriteAsync(Func<ContactData?, ContactData> change, bool dropTakenIdentifiers, WriteContext context, bool mustExist = false, IReadOnlyCollection<string>? notes = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            if (mustExist && _record is null)
            {
                return new WriteResult(WriteOutcome.NotFound, _id, [], "No such contact.");
            }

            var existing = _record;
            var before = existing?.Data ?? ContactData.Empty;
            var wanted = change(existing?.Data);
            var claim = await ClaimNewIdentifiersAsync(before, wanted, dropTakenIdentifiers);
            claim.Warnings.AddRange(notes ?? []);
            if (claim.Conflict is { } conflict)
            {
                return conflict;
            }

            var data = claim.Data;
            if (!data.Identifiers().Any())
            {
                // Judged on this grain's copy: a batch write may have given the contact a phone or email since (an import
                // adding one, then an edit clearing the email). Refuse only what the stored contact makes wrong.
                if (existing is not null && attempt < Attempts && await MovedOnAsync(existing))
                {
                    continue;
                }

                return claim.Warnings.Count > 0
                    ? new WriteResult(WriteOutcome.Conflict, _id, claim.Warnings, "Every phone and email of this contact belongs to another contact.")
                    : WriteResult.Failure("A contact needs a phone or an email: they are how contacts are matched.");
            }

            if (existing is not null && data.SameAs(existing.Data))
            {
                // Nothing to write, as far as this grain knows. Batch writes (an import, a bulk request, a revert)
                // go to the database, not through the grain: if the row moved on since it was read, what is asked
                // may differ from what is stored. Look once before answering "unchanged".
                if (attempt < Attempts && await MovedOnAsync(existing))
                {
                    continue;
                }

                return new WriteResult(WriteOutcome.Unchanged, _id, claim.Warnings);
            }

            IReadOnlyList<string> warnings = [.. context.Row?.Warnings ?? [], .. await WithConsentWarningsAsync(claim, existing is not null)];
            var now = clock.GetUtcNow();
            var removed = before.Identifiers().Except(data.Identifiers()).ToList();
            try
            {
                bool written;
                ContactRecord record;
                if (existing is null)
                {
                    record = new ContactRecord(_id, _workspaceId, data, context.Source, now, now, now, 1);
                    await store.InsertAsync(record, context.Row.ToStore(), warnings);
                    written = true;
                }
                else
                {
                    record = existing with { Data = data, LastActivityAt = now, UpdatedAt = now, Version = existing.Version + 1 };
                    written = await store.UpdateAsync(existing, record, claim.Claimed, removed, context.Row.ToStore(), warnings);
                }

                if (written)
                {
                    _record = record;
                    return new WriteResult(existing is null ? WriteOutcome.Created : WriteOutcome.Updated, _id, warnings);
                }
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation && attempt < Attempts)
            {
                // The row or an identifier exists in the database but not in this grain's view (another activation
                // wrote it during a cluster change): reload and apply the change to what is really there.
                LogStaleView(logger, _id, e.ConstraintName);
            }

            if (attempt >= Attempts)
            {
                return WriteResult.Failure("The contact was changed by someone else at the same time several times in a row; retry.");
            }

            _record = await store.LoadAsync(_workspaceId, _id);
        }
    }

    /// <summary>True, with the stored row taken as this grain's copy, when the row moved on since the copy was read.</summary>
    private async Task<bool> MovedOnAsync(ContactRecord copy)
    {
        var stored = await store.LoadAsync(_workspaceId, _id);
        if (stored?.Version == copy.Version)
        {
            return false;
        }

        _record = stored;
        return true;
    }

    private static WriteResult Count(WriteResult result, WriteContext context)
    {
        VeloConnectTelemetry.ContactWrites.Add(1,
            new KeyValuePair<string, object?>("outcome", result.Outcome.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("source", context.Source));
        return result;
    }

    /// <summary>
    /// The phones and email the change adds, checked against their owners (one query). One that belongs to another
    /// contact is refused (an edit), makes a new contact's write go to that contact instead, or is left with its
    /// owner with a warning (a merge). The <c>contact_identifiers</c> primary key settles a claim made meanwhile.
    /// </summary>
    private async Task<ClaimResult> ClaimNewIdentifiersAsync(ContactData before, ContactData wanted, bool dropTaken)
    {
        var existing = before.Identifiers().ToHashSet();
        var fresh = wanted.Identifiers().Where(i => !existing.Contains(i)).ToList();
        var owners = fresh.Count == 0 ? [] : await store.OwnersAsync(_workspaceId, fresh);
        Guid? OtherOwner(Identifier identifier) => owners.TryGetValue(identifier, out var owner) && owner != _id ? owner : null;

        var warnings = new List<string>();
        foreach (var identifier in fresh)
        {
            if ((!dropTaken || _record is null) && OtherOwner(identifier) is { } owner)
            {
                return new ClaimResult(wanted, [], warnings, new WriteResult(WriteOutcome.Conflict, _id, [],
                    $"{identifier.Describe()} belongs to another contact ({owner}); remove it there first or edit that contact.", owner));
            }
        }

        // No identifier is ever moved silently: it stays with its owner and the write says so.
        var data = IdentifierOwners.LeaveWithOwners(before, wanted, OtherOwner, warnings);
        return new ClaimResult(data, [.. fresh.Where(i => OtherOwner(i) is null)], warnings, null);
    }

    /// <summary>
    /// The claim's warnings, and one for each phone or email it takes that carries an opt-out on a channel this contact is
    /// not opted out of (the database opts the contact out when the identifier is written, and audits it).
    /// </summary>
    private async Task<IReadOnlyList<string>> WithConsentWarningsAsync(ClaimResult claim, bool exists)
    {
        if (claim.Claimed.Count == 0)
        {
            return claim.Warnings;
        }

        var optOuts = await store.OptOutsAsync(_workspaceId, claim.Claimed, exists ? [_id] : []);
        return [.. claim.Warnings, .. Consent.TakeWarnings(optOuts.OfContact(_id), [.. claim.Claimed.Select(i => (i, optOuts.Of(i)))])];
    }

    private sealed record ClaimResult(ContactData Data, List<Identifier> Claimed, List<string> Warnings, WriteResult? Conflict);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Contact {ContactId}: the database held a change this grain had not seen ({Constraint}); reloading")]
    private static partial void LogStaleView(ILogger logger, Guid contactId, string? constraint);
}
