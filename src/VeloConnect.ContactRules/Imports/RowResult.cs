using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// A row read through a mapping: the normalised contact, or the reasons it is invalid (each naming the column and what is
/// expected). A valid row may carry warnings: values left out of the contact (a bad phone of a row imported by its email).
/// </summary>
public sealed record RowResult(ContactInput? Contact, IReadOnlyList<string> Errors)
{
    public bool IsValid => Contact is not null;

    /// <summary>What was left out of a valid row's contact, each naming its column and why.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public static RowResult Valid(ContactInput contact, IReadOnlyList<string>? warnings = null) => new(contact, []) { Warnings = warnings ?? [] };

    public static RowResult Invalid(IReadOnlyList<string> errors) => new(null, errors);
}
