using System.Text.Json.Nodes;
using Xunit;

namespace VeloConnect.ModelTests;

/// <summary>
/// Each check of the model test fails on a state that breaks its invariant and passes on one that keeps it (no stack:
/// the checks are pure functions of the model and what the API showed). A check that cannot fail would prove nothing.
/// </summary>
public sealed class InvariantCheckTests
{
    private static readonly Guid A = Guid.Parse("aaaaaaaa-0000-0000-0000-000000000001");
    private static readonly Guid B = Guid.Parse("bbbbbbbb-0000-0000-0000-000000000002");

    private static Observed Contact(Guid id, string[]? phones = null, string? email = null, string[]? tags = null, string? tier = null,
        string emailStatus = "unknown", string sms = "unknown", DateTimeOffset? setAt = null) =>
        new(id, null, phones ?? [], email, tags ?? [], tier,
            new Dictionary<string, (string, DateTimeOffset?)> { ["whatsapp"] = ("unknown", null), ["sms"] = (sms, setAt), ["email"] = (emailStatus, setAt) },
            "API");

    private static Dictionary<Guid, Observed> Seen(params Observed[] contacts) => contacts.ToDictionary(c => c.Id);

    [Fact]
    public void An_address_opted_out_on_a_channel_must_show_opted_out_on_whichever_contact_holds_it()
    {
        var model = new Model();
        model.OptedOut.Add(("e:m1@example.com", "email"));
        model.OptedOut.Add(("p:+14155550100", "email"));

        var lost = Invariants.OptOuts(model, Seen(Contact(B, email: "M1@Example.com")), OptOutScope.All).ToList();
        Assert.Equal(Invariant.OptOut, Assert.Single(lost).Invariant);
        Assert.Contains("e:m1@example.com was opted out on email", lost[0].Message);
        Assert.Empty(Invariants.OptOuts(model, Seen(Contact(B, email: "m1@example.com", emailStatus: "opted_out")), OptOutScope.All));

        // A phone's opt-out on the email channel counts only in the scope "all".
        Assert.Single(Invariants.OptOuts(model, Seen(Contact(B, phones: ["+14155550100"])), OptOutScope.All));
        Assert.Empty(Invariants.OptOuts(model, Seen(Contact(B, phones: ["+14155550100"])), OptOutScope.Channel));
    }

    [Fact]
    public void Two_contacts_with_one_phone_or_one_email_in_any_case_break_uniqueness()
    {
        Assert.Equal(Invariant.Unique, Assert.Single(Invariants.Unique(Seen(Contact(A, email: "m1@example.com"), Contact(B, email: "M1@EXAMPLE.com")))).Invariant);
        Assert.Single(Invariants.Unique(Seen(Contact(A, phones: ["+14155550100", "+14155550101"]), Contact(B, phones: ["+14155550101"]))));
        Assert.Empty(Invariants.Unique(Seen(Contact(A, phones: ["+14155550100"], email: "m1@example.com"), Contact(B, phones: ["+14155550101"], email: "m2@example.com"))));
    }

    [Fact]
    public void A_lost_tag_or_an_unwritten_field_value_is_caught()
    {
        var model = new Model();
        model.Contacts[A] = new Expected { MustTags = ["t1", "t2"], AllowedTier = ["v1"] };

        var found = Invariants.NothingLost(model, Seen(Contact(A, tags: ["T1"], tier: "v2"))).ToList();
        Assert.Equal(2, found.Count);
        Assert.All(found, v => Assert.Equal(Invariant.NothingLost, v.Invariant));
        Assert.Contains("lost tag(s) t2", found[0].Message);
        Assert.Contains("has tier v2", found[1].Message);
        Assert.Empty(Invariants.NothingLost(model, Seen(Contact(A, tags: ["T1", "t2", "t3"], tier: "v1"))));
    }

    [Fact]
    public void A_step_whose_contacts_vanish_or_appear_unexplained_is_caught_and_the_expectations_follow_its_writes()
    {
        var model = new Model();
        model.Contacts[A] = new Expected { MustTags = ["t1"] };
        var step = new OpOutcome(new CreateOp(new ContactSpec(null, [0], null, false, [], null)));

        var found = model.Apply([step], Seen(Contact(B)));
        Assert.Contains(found, v => v.Invariant == Invariant.NothingLost && v.Message.Contains("is gone"));
        Assert.Contains(found, v => v.Invariant == Invariant.ExactlyOnce && v.Message.Contains("no answer of this step reported it"));

        // A replacement sets what must be held; an add only grows it; a deletion explains a vanished contact.
        var next = new Model();
        next.Contacts[A] = new Expected { MustTags = ["t1", "t2"] };
        next.Contacts[B] = new Expected();
        var patch = new OpOutcome(new DeleteOp([], true));
        patch.TagReplacements.Add((A, ["t3"]));
        patch.TagAdds.Add((A, ["T4"]));
        patch.Deletable.Add(B);
        Assert.Empty(next.Apply([patch], Seen(Contact(A, tags: ["t3"]))));
        Assert.Equal(["t3"], next.Contacts[A].MustTags);
        Assert.False(next.Contacts.ContainsKey(B));
    }

    [Fact]
    public void A_revert_must_delete_what_the_import_created_restore_what_it_changed_and_keep_what_changed_since()
    {
        var at = DateTimeOffset.UtcNow;
        var created = new JournalRow(A, null, new Snapshot(null, ["+14155550100"], null, ["t1"], null), at);
        var updated = new JournalRow(B, new Snapshot("Ann", ["+14155550101"], "m1@example.com", ["t0"], null),
            new Snapshot("Ann", ["+14155550101"], "m2@example.com", ["t0", "t2"], "v1"), at);
        var before = Seen(Contact(A, phones: ["+14155550100"], tags: ["t1"]), new Observed(B, "Ann", ["+14155550101"], "m2@example.com", ["t0", "t2"], "v1", Contact(B).OptIns, "API"));
        var restoredB = new Observed(B, "Ann", ["+14155550101"], "m1@example.com", ["t0"], null, Contact(B).OptIns, "API");

        RevertObservation Revert(Dictionary<Guid, Observed> after, string kept = "[]") => new(Guid.NewGuid(), false, [created, updated], before, after, new HashSet<string>(), "finished",
            JsonNode.Parse($$"""{"counts": {"deleted": 1, "restored": 1, "kept": 0, "unchanged": 0}, "kept": {{kept}}}""")!);

        Assert.Empty(Invariants.Revert(Revert(Seen(restoredB)), new HashSet<Guid>()));

        // The created contact left in place, the updated one not restored: both caught.
        var wrong = Invariants.Revert(Revert(before), new HashSet<Guid>()).ToList();
        Assert.Equal(2, wrong.Count);
        Assert.All(wrong, v => Assert.Equal(Invariant.Revert, v.Invariant));

        // Touched by another operation of the step: not judged.
        Assert.Empty(Invariants.Revert(Revert(before), new HashSet<Guid> { A, B }));

        // Changed since the import (a tag added by hand): kept whole; restoring it anyway is caught.
        var changedSince = Seen(Contact(A, phones: ["+14155550100"], tags: ["t1", "t9"]), before[B]);
        var keptRevert = new RevertObservation(Guid.NewGuid(), false, [created], changedSince, Seen(restoredB), new HashSet<string>(), "finished",
            JsonNode.Parse("""{"counts": {"deleted": 0, "restored": 0, "kept": 1, "unchanged": 0}, "kept": []}""")!);
        Assert.Contains(Invariants.Revert(keptRevert, new HashSet<Guid>()), v => v.Message.Contains("contact aaaaaaaa"));
    }

    [Fact]
    public void Rows_are_expected_invalid_skipped_blank_or_written_by_the_wizard_rules()
    {
        RowSpec Row(int[] phones, int? email, bool bad = false) => new(new ContactSpec(null, phones, email, false, [], null), bad, false);
        var rows = new[] { Row([0], 1), Row([], null), Row([2], 1), Row([], null, bad: true), Row([3, 0], null), Row([4], null), new RowSpec(new ContactSpec(0, [], null, false, [], null), false, false),
            Row([5], 6, bad: true), Row([7], null, bad: true) };

        // Row 9: its unreadable phone is left out, it is imported by its email; row 10 has nothing readable.
        Assert.Equal(
            [("write", null), ("blank", null), ("skipped", 2), ("invalid", null), ("skipped", 2), ("write", null), ("invalid", null), ("write", null), ("invalid", (int?)null)],
            OpRunner.ExpectedRows(rows));
    }

    [Fact]
    public void A_shrunk_layout_spells_and_selects_operations_and_their_elements()
    {
        var import = new ImportOp([new RowSpec(new ContactSpec(null, [0], null, false, [], null), false, false), new RowSpec(new ContactSpec(null, [1], null, false, [], null), false, false)]);
        var sequence = new Sequence([new Step([new CreateOp(new ContactSpec(null, [0], null, false, [], null))]), new Step([import, new RevertOp(0, false)])]);
        var layout = Sequence.ParseLayout("2|1:1");

        Assert.Equal("2|1:1", Sequence.Spell(layout));
        var selected = sequence.Select(layout);
        Assert.Equal(2, selected.Steps.Count);
        Assert.IsType<RevertOp>(selected.Steps[0].Ops[0]);
        Assert.Equal("wizard import [{phones [p1]}]", selected.Steps[1].Ops[0].ToString());
    }
}

/// <summary>The shrinker, against a stand-in for the stack: it keeps only what the failure needs.</summary>
public sealed class ShrinkerTests
{
    [Fact]
    public async Task The_shrinker_drops_every_step_operation_and_element_the_failure_does_not_need()
    {
        ContactSpec Phones(params int[] phones) => new(null, phones, null, false, [], null);
        var sequence = new Sequence(
        [
            new Step([new CreateOp(Phones(1)), new BulkOp([Phones(5), Phones(4), Phones(0, 3)], KeyMode.Concurrent, 0)]),
            new Step([new OptInOp(new Ref(true, 3), "sms", true)]),
            new Step([new DeleteByTagOp(new TagRef(1, false)), new PatchOp(new Ref(true, 0), PatchKind.Phones, [2], null, [], null)]),
            new Step([new RevertOp(0, false)]),
        ]);

        // Fails when a bulk item takes p3, then p3 is opted out, then a PATCH replaces the phones (in that order).
        Task<RunResult> Run(Sequence s)
        {
            var ops = s.Steps.Select((step, i) => step.Ops.Select(op => (op, i))).SelectMany(x => x).ToList();
            var bulk = ops.FirstOrDefault(x => x.op is BulkOp b && b.Items.Any(item => item.Phones.Contains(3)));
            var optOut = ops.FirstOrDefault(x => x.op is OptInOp);
            var patch = ops.FirstOrDefault(x => x.op is PatchOp);
            var fails = bulk.op is not null && optOut.op is not null && patch.op is not null && bulk.i < optOut.i && optOut.i < patch.i;
            return Task.FromResult(new RunResult(s, fails ? [new Violation(Invariant.OptOut, "lost")] : [], null, "", TimeSpan.Zero));
        }

        var settings = ModelSettings.FromEnvironment() with { Enforce = "all", ShrinkRuns = 100 };
        var shrunk = await Shrinker.ShrinkAsync(sequence, await Run(sequence), Run, settings, TimeSpan.FromMinutes(1));

        Assert.Equal("""
               1. bulk key:concurrent [{phones [p0,p3]}]
               2. opt-out p3 on sms
               3. patch p0: phones = [p2]
            """.TrimEnd(), shrunk.Sequence.Describe());
        Assert.Equal("1:2|2|4", Sequence.Spell(shrunk.Layout));
    }
}
