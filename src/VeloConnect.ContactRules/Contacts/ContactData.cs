namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// A contact's mergeable data: everything an import or an edit may change. Opt-in flags are
/// deliberately absent; they live apart and only the opt-in endpoint changes them.
/// </summary>
/// <param name="Phones">E.164 numbers, the primary first; never two equal.</param>
/// <param name="Email">Trimmed, original case; matched case-insensitively.</param>
/// <param name="Tags">A set: case-insensitive, first spelling kept, in order of arrival.</param>
/// <param name="Custom">Custom field key → canonical JSON of its value (see <see cref="Fields.FieldValues"/>).</param>
public sealed record ContactData(
    string? Name,
    IReadOnlyList<string> Phones,
    string? Email,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> Custom,
    Guid? AssignedAgentId)
{
    public static readonly ContactData Empty = new(null, [], null, [], new Dictionary<string, string>(), null);

    public string? PrimaryPhone => Phones.Count > 0 ? Phones[0] : null;

    /// <summary>The identifiers this contact owns: every phone and the email.</summary>
    public IEnumerable<Identifier> Identifiers()
    {
        foreach (var phone in Phones)
        {
            yield return Identifier.Phone(phone);
        }

        if (Email is not null)
        {
            yield return Identifier.ForEmail(Email);
        }
    }

    public bool SameAs(ContactData other) =>
        Name == other.Name
        && Email == other.Email
        && AssignedAgentId == other.AssignedAgentId
        && Phones.SequenceEqual(other.Phones)
        && Tags.SequenceEqual(other.Tags)
        && Custom.Count == other.Custom.Count
        && Custom.All(pair => other.Custom.TryGetValue(pair.Key, out var value) && value == pair.Value);
}
