using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Tests;

/// <summary>An incoming contact with only the members a test names.</summary>
internal static class Inputs
{
    public static ContactInput Input(
        string? name = null,
        string? primaryPhone = null,
        IReadOnlyList<string>? additionalPhones = null,
        string? email = null,
        IReadOnlyList<string>? tags = null,
        IReadOnlyDictionary<string, string>? custom = null,
        Guid? agent = null) =>
        new(name, primaryPhone, additionalPhones ?? [], email, tags ?? [], custom ?? new Dictionary<string, string>(), agent);
}
