using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Imports;

/// <summary>A row read through a mapping: the normalised contact, or the reasons it is invalid (each naming the column and what is expected).</summary>
public sealed record RowResult(ContactInput? Contact, IReadOnlyList<string> Errors)
{
    public bool IsValid => Contact is not null;

    public static RowResult Valid(ContactInput contact) => new(contact, []);

    public static RowResult Invalid(IReadOnlyList<string> errors) => new(null, errors);
}
