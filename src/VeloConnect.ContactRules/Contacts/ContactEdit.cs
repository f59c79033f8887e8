namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// A deliberate edit of one contact (the contacts API): unlike an import it replaces what it gives,
/// so a user can remove a tag, a phone or the email. A null member is "leave as it is".
/// </summary>
public sealed record ContactEdit(
    string? Name = null,
    bool ClearName = false,
    IReadOnlyList<string>? Phones = null,
    string? Email = null,
    bool ClearEmail = false,
    IReadOnlyList<string>? Tags = null,
    IReadOnlyDictionary<string, string?>? Custom = null,
    Guid? AssignedAgentId = null,
    bool ClearAssignedAgent = false)
{
    public ContactData ApplyTo(ContactData existing)
    {
        Dictionary<string, string> custom = new(existing.Custom);
        foreach (var (key, value) in Custom ?? new Dictionary<string, string?>())
        {
            if (value is null)
            {
                custom.Remove(key);
            }
            else
            {
                custom[key] = value;
            }
        }

        return existing with
        {
            Name = ClearName ? null : Name ?? existing.Name,
            Phones = Phones?.Distinct().ToList() ?? existing.Phones,
            Email = ClearEmail ? null : Email ?? existing.Email,
            Tags = Tags is null ? existing.Tags : Contacts.Tags.Distinct(Tags),
            Custom = custom,
            AssignedAgentId = ClearAssignedAgent ? null : AssignedAgentId ?? existing.AssignedAgentId,
        };
    }
}
