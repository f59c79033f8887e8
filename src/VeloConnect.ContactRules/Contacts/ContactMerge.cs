namespace VeloConnect.ContactRules.Contacts;

/// <summary>
/// What an import (or bulk API item) does to a contact it matches, in one place:
/// <list type="bullet">
/// <item>given fields overwrite; a blank (not given) keeps the existing value;</item>
/// <item>tags are added, never replaced;</item>
/// <item>additional phones are added to the contact's phones; a new primary phone becomes primary and the
/// previous primary is kept as an additional phone (no identifier is dropped by a merge);</item>
/// <item>channel opt-in flags are not part of <see cref="ContactData"/>, so no merge can touch them;</item>
/// <item>the writers keep the result within <see cref="ContactLimits"/> (<see cref="ContactLimits.KeepWithin"/>): what the
/// contact had stays, new phones and tags past the limits are not added and are named in a warning.</item>
/// </list>
/// </summary>
public static class ContactMerge
{
    public static ContactData Apply(ContactData existing, ContactInput input)
    {
        var phones = new List<string>(existing.Phones.Count + 1 + input.AdditionalPhones.Count);
        if (input.PrimaryPhone is not null)
        {
            phones.Add(input.PrimaryPhone);
        }

        foreach (var phone in existing.Phones.Concat(input.AdditionalPhones))
        {
            if (!phones.Contains(phone))
            {
                phones.Add(phone);
            }
        }

        var custom = existing.Custom;
        if (input.Custom.Count > 0)
        {
            Dictionary<string, string> merged = new(existing.Custom);
            foreach (var (key, value) in input.Custom)
            {
                merged[key] = value;
            }

            custom = merged;
        }

        return existing with
        {
            Name = input.Name ?? existing.Name,
            Phones = phones,
            Email = input.Email ?? existing.Email,
            Tags = Tags.Union(existing.Tags, input.Tags),
            Custom = custom,
            AssignedAgentId = input.AssignedAgentId ?? existing.AssignedAgentId,
        };
    }

    /// <summary>
    /// Removes an identifier the contact could not take (another contact owns it). A phone is dropped;
    /// an email falls back to <paramref name="previous"/>'s email, so nothing the contact had is lost.
    /// </summary>
    public static ContactData Without(ContactData data, Identifier identifier, ContactData previous) => identifier.Kind switch
    {
        IdentifierKind.Phone => data with { Phones = data.Phones.Where(p => p != identifier.Key).ToList() },
        _ => data with { Email = previous.Email },
    };
}
