using Xunit;
using Npgsql;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Contracts.Contacts;
using VeloConnect.Data.Contacts;

namespace VeloConnect.Grains.Tests.Contacts;

[Collection(ContactClusterCollection.Name)]
public sealed class ContactGrainTests(ContactClusterFixture fixture)
{
    private static readonly WriteContext Import = new("CSV import", null);

    private ContactStore Store => new(fixture.DataSource);

    private async Task<Guid?> OwnerAsync(Guid workspace, Identifier identifier) =>
        (await Store.OwnersAsync(workspace, [identifier])).TryGetValue(identifier, out var owner) ? owner : null;

    private static ContactWrite Write(string? phone = null, string? email = null, string? name = null, string[]? tags = null,
        Dictionary<string, string>? custom = null, string[]? additionalPhones = null) =>
        new(name, phone, additionalPhones ?? [], email, tags ?? [], custom ?? [], null);

    [Fact]
    public async Task Hundred_concurrent_updates_to_one_contact_lose_no_tag_and_no_field()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var created = await writer.UpsertAsync(Write("+14155550100", name: "Ann"), UpsertMode.Merge, Import);
        Assert.Equal(WriteOutcome.Created, created.Outcome);

        // Half through the writer (matched by phone), half straight to the contact grain.
        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(i =>
        {
            var write = Write("+14155550100", tags: [$"tag-{i}"], custom: new() { [$"field_{i}"] = $"\"value {i}\"" });
            return i % 2 == 0
                ? writer.UpsertAsync(write, UpsertMode.Merge, Import)
                : fixture.Client.Contact(workspace, created.ContactId).MergeAsync(write, Import);
        }));

        Assert.All(results, r => Assert.Equal(WriteOutcome.Updated, r.Outcome));
        Assert.All(results, r => Assert.Equal(created.ContactId, r.ContactId));
        var stored = (await Store.LoadAsync(workspace, created.ContactId))!;
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"tag-{i}").Order(), stored.Data.Tags.Order());
        Assert.Equal(100, stored.Data.Custom.Count);
        Assert.Equal("\"value 42\"", stored.Data.Custom["field_42"]);
        Assert.Equal("Ann", stored.Data.Name);
        Assert.Equal(101, stored.Version);
    }

    [Fact]
    public async Task An_edit_back_to_what_the_grain_last_saw_is_written_when_the_row_moved_on_behind_its_back()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var created = await fixture.Client.ContactWriter(workspace).UpsertAsync(Write("+14155550140", name: "Ann New"), UpsertMode.Merge, Import);
        var grain = fixture.Client.Contact(workspace, created.ContactId);
        // A batch write (an import, a revert) changes the row without the grain, which still holds "Ann New".
        await using (var behind = fixture.DataSource.CreateCommand("update contacts set name = 'Ann Old', version = version + 1 where id = @id"))
        {
            behind.Parameters.AddWithValue("id", created.ContactId);
            Assert.Equal(1, await behind.ExecuteNonQueryAsync());
        }

        var edit = await grain.EditAsync(new ContactEditCommand("Ann New", false, null, null, false, null, null, null, false), new WriteContext("Manual", null));

        Assert.Equal(WriteOutcome.Updated, edit.Outcome);
        var stored = (await Store.LoadAsync(workspace, created.ContactId))!;
        Assert.Equal(("Ann New", 3), (stored.Data.Name, stored.Version));
        // Asked again, it is unchanged (and says so without writing).
        Assert.Equal(WriteOutcome.Unchanged, (await grain.EditAsync(new ContactEditCommand("Ann New", false, null, null, false, null, null, null, false), new WriteContext("Manual", null))).Outcome);
        Assert.Equal(3, (await Store.LoadAsync(workspace, created.ContactId))!.Version);
    }

    [Fact]
    public async Task An_edit_clearing_the_email_of_a_contact_a_batch_gave_a_phone_behind_the_grains_back_is_written()
    {
        // Model test finding: the grain judged the edit on its own copy (email only) and refused "needs a phone or an email".
        var workspace = await fixture.NewWorkspaceAsync();
        var created = await fixture.Client.ContactWriter(workspace).UpsertAsync(Write(email: "stale.copy@example.com", name: "Ann"), UpsertMode.Merge, Import);
        var grain = fixture.Client.Contact(workspace, created.ContactId);
        await using (var behind = fixture.DataSource.CreateCommand(
            "update contacts set phones = array['+14155550141'], version = version + 1 where id = @id;"
            + "insert into contact_identifiers (workspace_id, kind, value, contact_id) values (@workspace, 'p', '+14155550141', @id)"))
        {
            behind.Parameters.AddWithValue("id", created.ContactId);
            behind.Parameters.AddWithValue("workspace", workspace);
            await behind.ExecuteNonQueryAsync();
        }

        var edit = await grain.EditAsync(new ContactEditCommand(null, false, null, null, true, null, null, null, false), new WriteContext("Manual", null));

        Assert.Equal(WriteOutcome.Updated, edit.Outcome);
        var stored = (await Store.LoadAsync(workspace, created.ContactId))!;
        Assert.Equal(["+14155550141"], stored.Data.Phones);
        Assert.Null(stored.Data.Email);
        Assert.Null(await OwnerAsync(workspace, Identifier.ForEmail("stale.copy@example.com")));
    }

    [Fact]
    public async Task A_merge_into_a_contact_deleted_since_it_was_matched_does_not_bring_it_back()
    {
        // Model test finding: a merge matched to a contact that a delete removed before the merge reached its grain
        // inserted the contact again under its old id with only the merge's data.
        var workspace = await fixture.NewWorkspaceAsync();
        var created = await fixture.Client.ContactWriter(workspace).UpsertAsync(Write("+14155550142", name: "Ann", tags: ["kept"]), UpsertMode.Merge, Import);
        var grain = fixture.Client.Contact(workspace, created.ContactId);
        await new ContactDeletion(fixture.DataSource).DeleteOneAsync(workspace, created.ContactId, null);

        var merge = await grain.MergeIntoAsync(Write("+14155550142", tags: ["late"]), Import);

        Assert.Equal(WriteOutcome.NotFound, merge.Outcome);
        Assert.Null(await Store.LoadAsync(workspace, created.ContactId));
        // Through the writer, the same write becomes a new contact of its own.
        var again = await fixture.Client.ContactWriter(workspace).UpsertAsync(Write("+14155550142", tags: ["late"]), UpsertMode.Merge, Import);
        Assert.Equal(WriteOutcome.Created, again.Outcome);
        Assert.NotEqual(created.ContactId, again.ContactId);
    }

    [Fact]
    public async Task Fifty_concurrent_creates_with_one_phone_make_exactly_one_contact()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            writer.UpsertAsync(Write("+14155550111", name: $"Caller {i}"), UpsertMode.CreateOnly, new WriteContext("API", null))));

        var winner = Assert.Single(results, r => r.Outcome == WriteOutcome.Created);
        Assert.Equal(49, results.Count(r => r.Outcome == WriteOutcome.AlreadyExists && r.ContactId == winner.ContactId));
        Assert.Equal(1, await CountContactsAsync(workspace));
        Assert.Equal(winner.ContactId, await OwnerAsync(workspace, Identifier.Phone("+14155550111")));
    }

    [Fact]
    public async Task Fifty_concurrent_merges_with_one_phone_create_one_contact_and_update_it()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            writer.UpsertAsync(Write("+14155550112", tags: [$"row-{i}"]), UpsertMode.Merge, Import)));

        Assert.Single(results, r => r.Outcome == WriteOutcome.Created);
        Assert.Equal(49, results.Count(r => r.Outcome == WriteOutcome.Updated));
        Assert.Single(results.Select(r => r.ContactId).Distinct());
        var contact = (await Store.LoadAsync(workspace, results[0].ContactId))!;
        Assert.Equal(50, contact.Data.Tags.Count);
        Assert.Equal(1, await CountContactsAsync(workspace));
    }

    [Fact]
    public async Task Concurrent_creates_sharing_an_email_never_give_it_to_two_contacts()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        // Each row has its own phone but the same email (in different cases; writes arrive trimmed).
        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            writer.UpsertAsync(Write($"+1415555{i:0000}", email: i % 2 == 0 ? "Shared@Example.com" : "shared@example.COM"), UpsertMode.Merge, Import)));

        Assert.All(results, r => Assert.NotEqual(WriteOutcome.Failed, r.Outcome));
        await using var command = fixture.DataSource.CreateCommand("select count(*) from contacts where workspace_id = @ws and lower(email) = 'shared@example.com'");
        command.Parameters.AddWithValue("ws", workspace);
        Assert.Equal(1L, await command.ExecuteScalarAsync());
        var owner = await OwnerAsync(workspace, Identifier.ForEmail("shared@example.com"));
        Assert.NotNull(owner);
        // Every phone was stored (on the email's contact, or on a contact of its own when its row won the phone first), or
        // its write says it was not added: a contact holds at most 20 phones.
        var notAdded = results.Count(r => r.Warnings.Any(w => w.Contains("not added: a contact holds at most 20 phones", StringComparison.Ordinal)));
        await using var phones = fixture.DataSource.CreateCommand("select count(*) from contact_identifiers where workspace_id = @ws and kind = 'p'");
        phones.Parameters.AddWithValue("ws", workspace);
        Assert.Equal(50L - notAdded, await phones.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Phone_wins_and_an_email_of_another_contact_stays_there_with_a_warning()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var a = await writer.UpsertAsync(Write("+14155550120", email: "a@example.com", name: "A"), UpsertMode.Merge, Import);
        var b = await writer.UpsertAsync(Write("+14155550121", email: "b@example.com", name: "B"), UpsertMode.Merge, Import);

        var result = await writer.UpsertAsync(Write("+14155550120", email: "B@example.com", name: "A renamed"), UpsertMode.Merge, Import);

        Assert.Equal(WriteOutcome.Updated, result.Outcome);
        Assert.Equal(a.ContactId, result.ContactId);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains(b.ContactId.ToString(), warning);
        Assert.Contains("b@example.com", warning);
        var contactA = (await Store.LoadAsync(workspace, a.ContactId))!;
        var contactB = (await Store.LoadAsync(workspace, b.ContactId))!;
        Assert.Equal("A renamed", contactA.Data.Name);
        Assert.Equal("a@example.com", contactA.Data.Email);
        Assert.Equal("b@example.com", contactB.Data.Email);
        Assert.Equal(b.ContactId, await OwnerAsync(workspace, Identifier.ForEmail("b@example.com")));
    }

    [Fact]
    public async Task Merge_overwrites_given_fields_keeps_blanks_adds_tags_and_phones()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var created = await writer.UpsertAsync(
            Write("+14155550130", email: "c@example.com", name: "Cat", tags: ["VIP"], custom: new() { ["tier"] = "\"Gold\"", ["city"] = "\"Oslo\"" }),
            UpsertMode.Merge, Import);

        var merged = await writer.UpsertAsync(
            Write("+14155550130", name: null, tags: ["vip", "new"], custom: new() { ["tier"] = "\"Silver\"" }, additionalPhones: ["+14155550131"]),
            UpsertMode.Merge, Import);

        Assert.Equal(WriteOutcome.Updated, merged.Outcome);
        var contact = (await Store.LoadAsync(workspace, created.ContactId))!;
        Assert.Equal("Cat", contact.Data.Name);
        Assert.Equal("c@example.com", contact.Data.Email);
        Assert.Equal(["VIP", "new"], contact.Data.Tags);
        Assert.Equal(["+14155550130", "+14155550131"], contact.Data.Phones);
        Assert.Equal("\"Silver\"", contact.Data.Custom["tier"]);
        Assert.Equal("\"Oslo\"", contact.Data.Custom["city"]);
        Assert.Equal("CSV import", contact.Source);
        // The additional phone now finds the same contact.
        var again = await writer.UpsertAsync(Write("+14155550131", name: "Cathy"), UpsertMode.Merge, Import);
        Assert.Equal(created.ContactId, again.ContactId);
        // The same data again changes nothing.
        var same = await writer.UpsertAsync(Write("+14155550131", name: "Cathy"), UpsertMode.Merge, Import);
        Assert.Equal(WriteOutcome.Unchanged, same.Outcome);
    }

    [Fact]
    public async Task An_edit_that_takes_another_contacts_email_is_refused_and_changes_nothing()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var a = await writer.UpsertAsync(Write("+14155550140", email: "a@example.com"), UpsertMode.CreateOnly, Import);
        var b = await writer.UpsertAsync(Write("+14155550141", email: "b@example.com"), UpsertMode.CreateOnly, Import);

        var result = await fixture.Client.Contact(workspace, a.ContactId).EditAsync(
            new ContactEditCommand("New name", false, null, "b@example.com", false, null, null, null, false), Import);

        Assert.Equal(WriteOutcome.Conflict, result.Outcome);
        Assert.Equal(b.ContactId, result.ConflictContactId);
        Assert.Contains("b@example.com", result.Error);
        var contact = (await Store.LoadAsync(workspace, a.ContactId))!;
        Assert.Null(contact.Data.Name);
        Assert.Equal("a@example.com", contact.Data.Email);
    }

    [Fact]
    public async Task An_edit_that_drops_an_email_frees_it_for_another_contact()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var a = await writer.UpsertAsync(Write("+14155550150", email: "move@example.com"), UpsertMode.CreateOnly, Import);
        var edit = await fixture.Client.Contact(workspace, a.ContactId).EditAsync(
            new ContactEditCommand(null, false, null, null, true, null, null, null, false), Import);
        Assert.Equal(WriteOutcome.Updated, edit.Outcome);

        var b = await writer.UpsertAsync(Write("+14155550151", email: "move@example.com"), UpsertMode.CreateOnly, Import);

        Assert.Equal(WriteOutcome.Created, b.Outcome);
        Assert.Equal(b.ContactId, await OwnerAsync(workspace, Identifier.ForEmail("move@example.com")));
    }

    [Fact]
    public async Task A_write_made_behind_the_grains_back_is_not_overwritten()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var created = await writer.UpsertAsync(Write("+14155550160", custom: new() { ["gone"] = "1", ["kept"] = "2" }), UpsertMode.Merge, Import);
        // What deleting a field in Settings does: values removed in SQL, version bumped.
        await using (var command = fixture.DataSource.CreateCommand("update contacts set custom = custom - 'gone', version = version + 1 where id = @id"))
        {
            command.Parameters.AddWithValue("id", created.ContactId);
            await command.ExecuteNonQueryAsync();
        }

        var merged = await writer.UpsertAsync(Write("+14155550160", tags: ["after"]), UpsertMode.Merge, Import);

        Assert.Equal(WriteOutcome.Updated, merged.Outcome);
        var contact = (await Store.LoadAsync(workspace, created.ContactId))!;
        Assert.False(contact.Data.Custom.ContainsKey("gone"));
        Assert.Equal("2", contact.Data.Custom["kept"]);
        Assert.Equal(["after"], contact.Data.Tags);
    }

    [Fact]
    public async Task Opt_outs_survive_merges_edits_and_delete_then_recreate()
    {
        var workspace = await fixture.NewWorkspaceAsync();
        var writer = fixture.Client.ContactWriter(workspace);
        var created = await writer.UpsertAsync(Write("+14155550170", email: "optout@example.com"), UpsertMode.Merge, Import);
        var contact = fixture.Client.Contact(workspace, created.ContactId);
        await contact.SetOptInAsync(new OptInChange("whatsapp", "opted_out", "replied STOP"), Import);
        await contact.SetOptInAsync(new OptInChange("email", "opted_in", "web form"), Import);

        await writer.UpsertAsync(Write("+14155550170", name: "Merged", tags: ["x"]), UpsertMode.Merge, Import);
        await contact.EditAsync(new ContactEditCommand("Edited", false, ["+14155550170", "+14155550171"], null, false, ["y"], null, null, false), Import);
        await AssertOptInsAsync(workspace, created.ContactId, ("whatsapp", OptInStatus.OptedOut), ("email", OptInStatus.OptedIn));

        Assert.True(await contact.DeleteAsync(Import));
        Assert.Equal(0, await CountContactsAsync(workspace));
        // Re-created through the additional phone only: the opt-out is still there; the opt-in is not carried over.
        var recreated = await writer.UpsertAsync(Write("+14155550171"), UpsertMode.Merge, Import);
        Assert.Equal(WriteOutcome.Created, recreated.Outcome);
        Assert.NotEqual(created.ContactId, recreated.ContactId);
        await AssertOptInsAsync(workspace, recreated.ContactId, ("whatsapp", OptInStatus.OptedOut));
    }

    private async Task AssertOptInsAsync(Guid workspace, Guid contactId, params (string Channel, OptInStatus Status)[] expected)
    {
        var optIns = await Store.GetOptInsAsync(workspace, [contactId]);
        Assert.Equal(
            expected.Select(e => $"{e.Channel}={OptIns.Name(e.Status)}").Order(),
            optIns.Select(o => $"{OptIns.Name(o.Channel)}={OptIns.Name(o.Status)}").Order());
    }

    private async Task<long> CountContactsAsync(Guid workspace)
    {
        await using var command = fixture.DataSource.CreateCommand("select count(*) from contacts where workspace_id = @ws");
        command.Parameters.AddWithValue("ws", workspace);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
