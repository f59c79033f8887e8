using System.Globalization;

namespace VeloConnect.ModelTests;

/// <summary>
/// The small pools every generated value comes from, so that operations overlap: six phones, six emails, five tags,
/// four values of the one custom field, three names.
/// </summary>
public static class Pools
{
    public const int Phones = 6;
    public const int Emails = 6;
    public const int Tags = 5;
    public const int Tiers = 4;
    public const int Names = 3;

    /// <summary>E.164, as the API stores and answers it.</summary>
    public static string Phone(int index) => $"+1415555010{index}";

    /// <summary>The way a spreadsheet often holds it (normalised with the workspace's region, US).</summary>
    public static string NationalPhone(int index) => $"(415) 555-010{index}";

    public static string Email(int index, bool upper = false) => upper ? $"M{index}@Example.com" : $"m{index}@example.com";

    public static string Tag(TagRef tag) => tag.Upper ? $"T{tag.Index}" : $"t{tag.Index}";

    public static string Tier(int index) => $"v{index}";

    public static string Name(int index) => index switch { 0 => "Ann", 1 => "Bo", _ => "Cy" };

    /// <summary>An address as the model keys it: "p:+1415…" or "e:m1@example.com" (lower-cased).</summary>
    public static string PhoneAddress(string e164) => "p:" + e164;

    public static string EmailAddress(string email) => "e:" + email.Trim().ToLowerInvariant();
}

/// <summary>A tag of the pool, in lower or upper case (tags match in any case; the first spelling is kept).</summary>
public sealed record TagRef(int Index, bool Upper)
{
    public override string ToString() => Pools.Tag(this);
}

/// <summary>A contact of the workspace, named by an identifier it holds when the operation runs: p3 (a phone) or e2 (an email).</summary>
public sealed record Ref(bool Phone, int Index)
{
    public string Value => Phone ? Pools.Phone(Index) : Pools.Email(Index);

    public override string ToString() => Phone ? $"p{Index}" : $"e{Index}";
}

/// <summary>A contact's values as an operation sends them; indexes into <see cref="Pools"/>.</summary>
public sealed record ContactSpec(int? Name, int[] Phones, int? Email, bool EmailUpper, TagRef[] Tags, int? Tier)
{
    public IEnumerable<string> PhoneValues => Phones.Select(Pools.Phone);

    public string? EmailValue => Email is { } e ? Pools.Email(e, EmailUpper) : null;

    public IEnumerable<string> Addresses => PhoneValues.Select(Pools.PhoneAddress).Concat(EmailValue is { } e ? [Pools.EmailAddress(e)] : []);

    public override string ToString()
    {
        var parts = new List<string>();
        if (Name is { } n)
        {
            parts.Add("name " + Pools.Name(n));
        }

        if (Phones.Length > 0)
        {
            parts.Add("phones [" + string.Join(",", Phones.Select(p => "p" + p)) + "]");
        }

        if (Email is { } e)
        {
            parts.Add("email " + (EmailUpper ? "E" : "e") + e);
        }

        if (Tags.Length > 0)
        {
            parts.Add("tags [" + string.Join(",", Tags.Select(t => t.ToString())) + "]");
        }

        if (Tier is { } t2)
        {
            parts.Add("tier " + Pools.Tier(t2));
        }

        return "{" + string.Join(" ", parts) + "}";
    }
}

/// <summary>
/// A row of a generated file: a contact in the columns Name, Phone, Other phone, Email, Tags, Tier. A row with
/// <see cref="BadPhone"/> has an unreadable phone in the Phone column instead (imported by its email with a warning, or
/// invalid without one).
/// </summary>
public sealed record RowSpec(ContactSpec Contact, bool BadPhone, bool National)
{
    public string[] Cells() =>
    [
        Contact.Name is { } n ? Pools.Name(n) : "",
        BadPhone ? "555-12" : Contact.Phones.Length > 0 ? Format(Contact.Phones[0]) : "",
        Contact.Phones.Length > 1 ? Format(Contact.Phones[1]) : "",
        Contact.EmailValue ?? "",
        string.Join(", ", Contact.Tags.Select(Pools.Tag)),
        Contact.Tier is { } t ? Pools.Tier(t) : "",
    ];

    /// <summary>The row's phones and email, as the import matches them (none for an invalid row).</summary>
    public IReadOnlyList<string> ValidAddresses => Valid ? [.. Readable.Addresses] : [];

    /// <summary>
    /// A row is imported when it has a readable phone or email: a row with an unreadable phone is imported by its other
    /// phone and email with a warning (the mapping's default <c>badIdentifier</c>, "import", which the model sends).
    /// </summary>
    public bool Valid => Readable.Addresses.Any();

    /// <summary>What the file holds of the contact: with <see cref="BadPhone"/>, its first phone is not in the file (the Phone cell is unreadable).</summary>
    private ContactSpec Readable => BadPhone ? Contact with { Phones = [.. Contact.Phones.Skip(1)] } : Contact;

    /// <summary>Every cell empty: a blank line, which imports skip (it still counts in row numbers, as a spreadsheet shows it).</summary>
    public bool Blank => Cells().All(c => c.Length == 0);

    private string Format(int phone) => National ? Pools.NationalPhone(phone) : Pools.Phone(phone);

    public override string ToString() => (BadPhone ? "bad-phone " : "") + Contact;
}

public enum PatchKind
{
    /// <summary>Replace the phones with the given list.</summary>
    Phones,

    /// <summary>Replace the email (or clear it: <see cref="PatchOp.Email"/> null).</summary>
    Email,

    /// <summary>Add tags: the contact's tags as last read plus the given ones (a PATCH replaces the list).</summary>
    AddTags,

    /// <summary>Replace the tags with the given list.</summary>
    ReplaceTags,

    /// <summary>Set the custom field (or remove it: <see cref="PatchOp.Tier"/> null).</summary>
    Tier,
}

public enum KeyMode
{
    /// <summary>No Idempotency-Key, sent once.</summary>
    None,

    /// <summary>Sent, then sent again with the same key after the answer: the second is a replay.</summary>
    Replay,

    /// <summary>Sent twice at once with the same key: one applies, the other waits (409) and then replays.</summary>
    Concurrent,

    /// <summary>The client gives up mid-request (connection dropped), then retries with the same key until answered.</summary>
    Abandoned,
}

public enum CliRetry
{
    None,

    /// <summary>A batch sent again with its key: a replay of the stored answer.</summary>
    SameKey,

    /// <summary>A batch sent again with another key (an importer resumed after a crash): answered from the rows' records.</summary>
    NewKey,
}

/// <summary>One generated operation; <see cref="ToString"/> is the readable line a failure prints.</summary>
public abstract record Op
{
    /// <summary>How many elements (rows, items, targets) the shrinker may drop one by one.</summary>
    public virtual int Elements => 0;

    /// <summary>The same operation with only the elements at these positions.</summary>
    public virtual Op Keep(IReadOnlyList<int> positions) => this;

    protected static T[] Pick<T>(T[] elements, IReadOnlyList<int> positions) => [.. positions.Where(p => p < elements.Length).Select(p => elements[p])];
}

public sealed record CreateOp(ContactSpec Contact) : Op
{
    public override string ToString() => $"create {Contact}";
}

public sealed record PatchOp(Ref Target, PatchKind Kind, int[] Phones, int? Email, TagRef[] Tags, int? Tier) : Op
{
    public override string ToString() => Kind switch
    {
        PatchKind.Phones => $"patch {Target}: phones = [{string.Join(",", Phones.Select(p => "p" + p))}]",
        PatchKind.Email => $"patch {Target}: email = {(Email is { } e ? "e" + e : "null")}",
        PatchKind.AddTags => $"patch {Target}: tags += [{string.Join(",", Tags.Select(t => t.ToString()))}]",
        PatchKind.ReplaceTags => $"patch {Target}: tags = [{string.Join(",", Tags.Select(t => t.ToString()))}]",
        _ => $"patch {Target}: tier = {(Tier is { } t ? Pools.Tier(t) : "null")}",
    };
}

public sealed record OptInOp(Ref Target, string Channel, bool OptOut) : Op
{
    public override string ToString() => $"opt-{(OptOut ? "out" : "in")} {Target} on {Channel}";
}

public sealed record DeleteOp(Ref[] Targets, bool ByIds) : Op
{
    public override int Elements => Targets.Length;

    public override Op Keep(IReadOnlyList<int> positions) => this with { Targets = Pick(Targets, positions) };

    public override string ToString() => (ByIds ? "delete by ids " : "delete ") + string.Join(",", Targets.Select(t => t.ToString()));
}

public sealed record DeleteByTagOp(TagRef Tag) : Op
{
    public override string ToString() => $"delete by filter tag={Tag}";
}

public sealed record BulkOp(ContactSpec[] Items, KeyMode Mode, int AbandonAfterMs) : Op
{
    public override int Elements => Items.Length;

    public override Op Keep(IReadOnlyList<int> positions) => this with { Items = Pick(Items, positions) };

    public override string ToString() => $"bulk{(Mode == KeyMode.None ? "" : " key:" + Mode.ToString().ToLowerInvariant())}{(Mode == KeyMode.Abandoned ? $"@{AbandonAfterMs}ms" : "")} [{string.Join(" ", Items.Select(i => i.ToString()))}]";
}

public sealed record ImportOp(RowSpec[] Rows) : Op
{
    public override int Elements => Rows.Length;

    public override Op Keep(IReadOnlyList<int> positions) => this with { Rows = Pick(Rows, positions) };

    public override string ToString() => $"wizard import [{string.Join(" ", Rows.Select(r => r.ToString()))}]";
}

public sealed record CliImportOp(RowSpec[] Rows, int BatchSize, CliRetry Retry) : Op
{
    public override int Elements => Rows.Length;

    public override Op Keep(IReadOnlyList<int> positions) => this with { Rows = Pick(Rows, positions) };

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"command-line import batch {BatchSize}{(Retry == CliRetry.None ? "" : " resend:" + Retry.ToString().ToLowerInvariant())} [{string.Join(" ", Rows.Select(r => r.ToString()))}]");
}

public sealed record RevertOp(int Import, bool AskTwice) : Op
{
    public override string ToString() => $"revert import #{Import}{(AskTwice ? " (asked twice)" : "")}";
}

/// <summary>Operations run at the same time (one to three).</summary>
public sealed record Step(IReadOnlyList<Op> Ops)
{
    public override string ToString() => Ops.Count == 1 ? Ops[0].ToString()! : "together: " + string.Join("  ||  ", Ops.Select(o => o.ToString()));
}

/// <summary>A generated sequence of steps; each op keeps its index in the sequence as generated (for replaying a shrunk one).</summary>
public sealed record Sequence(IReadOnlyList<Step> Steps)
{
    public int OpCount => Steps.Sum(s => s.Ops.Count);

    /// <summary>The operations in generation order: a layout names them by this index.</summary>
    public IReadOnlyList<Op> Flat => [.. Steps.SelectMany(s => s.Ops)];

    /// <summary>Its steps as picks of <see cref="Flat"/>: [[0], [1, 2], [3]].</summary>
    public List<List<Pick>> Layout()
    {
        var next = 0;
        return [.. Steps.Select(s => s.Ops.Select(_ => new Pick(next++, null)).ToList())];
    }

    /// <summary>Another arrangement of (some of) its operations, each with all or some of its elements.</summary>
    public Sequence Select(IEnumerable<IEnumerable<Pick>> layout)
    {
        var flat = Flat;
        return new Sequence([.. layout.Select(step => new Step([.. step.Select(p => p.Keep is null ? flat[p.Op] : flat[p.Op].Keep(p.Keep))])).Where(s => s.Ops.Count > 0)]);
    }

    /// <summary>A layout as <c>VELO_MODEL_STEPS</c> spells it: steps separated by '|', the operations of a step by ',' ("3", or "3:0.2" for its elements 0 and 2).</summary>
    public static string Spell(IEnumerable<IEnumerable<Pick>> layout) => string.Join("|", layout.Select(s => string.Join(",", s)));

    public static List<List<Pick>> ParseLayout(string text) =>
        [.. text.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Split(',').Select(Pick.Parse).ToList())];

    /// <summary>The readable form, one step per line ("together:" joins the operations of one step).</summary>
    public string Describe() => string.Join("\n", Steps.Select((s, i) => $"  {i + 1,2}. {s}"));

    public override string ToString() => Describe();
}

/// <summary>An operation of a generated sequence by its index, with all its elements or only those at <see cref="Keep"/>.</summary>
public sealed record Pick(int Op, IReadOnlyList<int>? Keep)
{
    public static Pick Parse(string text)
    {
        var parts = text.Split(':');
        return new Pick(int.Parse(parts[0], CultureInfo.InvariantCulture),
            parts.Length > 1 ? [.. parts[1].Split('.', StringSplitOptions.RemoveEmptyEntries).Select(p => int.Parse(p, CultureInfo.InvariantCulture))] : null);
    }

    public override string ToString() => Keep is null ? Op.ToString(CultureInfo.InvariantCulture) : $"{Op}:{string.Join(".", Keep)}";
}
