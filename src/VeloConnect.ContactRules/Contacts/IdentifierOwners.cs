namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// The rule "a phone or email owned by another contact stays with its owner, with a warning": a merge never moves an
/// identifier silently. Used by the contact grain (one write) and <see cref="ContactMatcher"/> (a batch) alike.
/// </summary>
public static class IdentifierOwners
{
    /// <summary>
    /// <paramref name="wanted"/> without the phones and email it adds to <paramref name="before"/> that belong to another
    /// contact (<paramref name="otherOwner"/> names it, or null when nobody else owns the identifier); each one left
    /// with its owner adds <see cref="LeftWithOwner"/> to <paramref name="warnings"/>, in the order of the identifiers.
    /// </summary>
    public static ContactData LeaveWithOwners(ContactData before, ContactData wanted, Func<Identifier, Guid?> otherOwner, ICollection<string> warnings) =>
        LeaveWithOwners([.. before.Identifiers()], before, wanted, otherOwner, warnings);

    /// <inheritdoc cref="LeaveWithOwners(ContactData, ContactData, Func{Identifier, Guid?}, ICollection{string})"/>
    /// <param name="had"><paramref name="before"/>'s identifiers.</param>
    public static ContactData LeaveWithOwners(IReadOnlyCollection<Identifier> had, ContactData before, ContactData wanted, Func<Identifier, Guid?> otherOwner, ICollection<string> warnings)
    {
        var data = wanted;
        foreach (var identifier in wanted.Identifiers().Where(i => !had.Contains(i)).ToList())
        {
            if (otherOwner(identifier) is { } owner)
            {
                data = ContactMerge.Without(data, identifier, before);
                warnings.Add(LeftWithOwner(identifier, owner));
            }
        }

        return data;
    }

    /// <summary>The warning of a merge that left an identifier with the contact that owns it.</summary>
    public static string LeftWithOwner(Identifier identifier, Guid owner) =>
        $"{identifier.Describe()} belongs to another contact ({owner}); it was left there and not added to this contact.";
}
