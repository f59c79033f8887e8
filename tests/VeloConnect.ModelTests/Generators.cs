using CsCheck;

namespace VeloConnect.ModelTests;

/// <summary>CsCheck generators of operation sequences over the small pools (shrinking by CsCheck is by size: fewer, smaller steps).</summary>
public static class Generators
{
    private static readonly string[] Channels = ["whatsapp", "sms", "email"];

    private static Gen<int?> Maybe(Gen<int> gen, int percentNull) =>
        Gen.Select(Gen.Int[0, 99], gen, (roll, value) => roll < percentNull ? (int?)null : value);

    public static readonly Gen<TagRef> Tag = Gen.Select(Gen.Int[0, Pools.Tags - 1], Gen.Int[0, 9], (index, roll) => new TagRef(index, roll == 0));

    public static readonly Gen<Ref> Target = Gen.Select(Gen.Bool, Gen.Int[0, Pools.Phones - 1], Gen.Int[0, Pools.Emails - 1],
        (phone, p, e) => phone ? new Ref(true, p) : new Ref(false, e));

    private static readonly Gen<int[]> PhoneList = Gen.Int[0, Pools.Phones - 1].ArrayUnique[0, 2];

    /// <summary>A contact: usually with a phone and/or an email, sometimes neither (an invalid item), tags, sometimes a field value.</summary>
    public static readonly Gen<ContactSpec> Contact =
        Gen.Select(Maybe(Gen.Int[0, Pools.Names - 1], 40), PhoneList, Maybe(Gen.Int[0, Pools.Emails - 1], 35), Gen.Int[0, 9], Tag.Array[0, 2], Maybe(Gen.Int[0, Pools.Tiers - 1], 50),
            (name, phones, email, upper, tags, tier) => new ContactSpec(name, phones, email, upper == 0, tags, tier));

    private static readonly Gen<RowSpec> Row = Gen.Select(Contact, Gen.Int[0, 9], Gen.Bool,
        (contact, roll, national) => new RowSpec(contact, roll == 0, national));

    private static readonly Gen<Op> Create = Contact.Where(c => c.Phones.Length > 0 || c.Email is not null).Select(c => (Op)new CreateOp(c));

    private static readonly Gen<Op> Patch = Gen.Select(Target, Gen.Int[0, 9], Gen.Int[0, Pools.Phones - 1].ArrayUnique[1, 2], Maybe(Gen.Int[0, Pools.Emails - 1], 20),
            Tag.Array[1, 2], Maybe(Gen.Int[0, Pools.Tiers - 1], 25))
        .Select(t => (Op)new PatchOp(t.Item1, t.Item2 switch
        {
            <= 1 => PatchKind.Phones,
            <= 4 => PatchKind.Email,
            <= 6 => PatchKind.AddTags,
            7 => PatchKind.ReplaceTags,
            _ => PatchKind.Tier,
        }, t.Item3, t.Item4, t.Item5, t.Item6));

    private static readonly Gen<Op> OptIn = Gen.Select(Target, Gen.Int[0, 2], Gen.Int[0, 9],
        (target, channel, roll) => (Op)new OptInOp(target, Channels[channel], roll < 7));

    private static readonly Gen<Op> Delete = Gen.Select(Target.Array[1, 2], Gen.Bool, (targets, byIds) => (Op)new DeleteOp(targets, byIds));

    private static readonly Gen<Op> DeleteByTag = Tag.Select(t => (Op)new DeleteByTagOp(t));

    private static readonly Gen<Op> Bulk = Gen.Select(Contact.Array[1, 4], Gen.Int[0, 9], Gen.Int[0, 60],
        (items, roll, delay) => (Op)new BulkOp(items, roll switch
        {
            <= 3 => KeyMode.None,
            <= 5 => KeyMode.Replay,
            <= 7 => KeyMode.Concurrent,
            _ => KeyMode.Abandoned,
        }, delay));

    private static readonly Gen<Op> Import = Row.Array[1, 5].Select(rows => (Op)new ImportOp(rows));

    private static readonly Gen<Op> CliImport = Gen.Select(Row.Array[1, 5], Gen.Int[1, 3], Gen.Int[0, 2],
        (rows, batch, retry) => (Op)new CliImportOp(rows, batch, (CliRetry)retry));

    private static readonly Gen<Op> Revert = Gen.Select(Gen.Int[0, 3], Gen.Int[0, 4], (index, roll) => (Op)new RevertOp(index, roll == 0));

    public static readonly Gen<Op> Operation = Gen.Frequency(
        (10, Create), (12, Patch), (14, OptIn), (4, Delete), (3, DeleteByTag), (16, Bulk), (10, Import), (6, CliImport), (6, Revert));

    /// <summary>One to three operations run together.</summary>
    public static readonly Gen<Step> Step = Gen.Frequency((5, Gen.Const(1)), (3, Gen.Const(2)), (2, Gen.Const(3)))
        .SelectMany(count => Operation.Array[count]).Select(ops => new Step(ops));

    public static Gen<Sequence> Sequence(int minSteps, int maxSteps) => Step.Array[minSteps, maxSteps].Select(steps => new Sequence(steps));
}
