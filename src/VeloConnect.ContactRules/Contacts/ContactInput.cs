namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// One incoming contact (an import row, a bulk-API item or an API create), already normalised.
/// A null or empty member means "not given": the merge keeps what the contact has.
/// </summary>
public sealed record ContactInput(
    string? Name,
    string? PrimaryPhone,
    IReadOnlyList<string> AdditionalPhones,
    string? Email,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Custom,
    Guid? AssignedAgentId = null)
{
    /// <summary>The identifiers in matching order: phones first (primary, then additional), then the email.</summary>
    public IEnumerable<Identifier> IdentifiersInMatchOrder()
    {
        if (PrimaryPhone is not null)
        {
            yield return Identifier.Phone(PrimaryPhone);
        }

        foreach (var phone in AdditionalPhones)
        {
            yield return Identifier.Phone(phone);
        }

        if (Email is not null)
        {
            yield return Identifier.ForEmail(Email);
        }
    }

    public bool HasIdentifier => PrimaryPhone is not null || AdditionalPhones.Count > 0 || Email is not null;
}
