using CsCheck;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.Data.Contacts;
using Xunit;

namespace VeloConnect.Grains.Tests.Contacts;

/// <summary>
/// What text search looks in (<see cref="ContactStore.SearchText"/>), written straight into one string: the same text as
/// the rule as first written, the non-empty name, email and phones joined by spaces and lower-cased.
/// </summary>
public sealed class SearchTextTests
{
    private static readonly Gen<string?> Part = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (1, Gen.Const((string?)"")),
        (6, Gen.String[Gen.Char["aZ +-.@0é1ÄİΣ "], 0, 6].Select(s => (string?)s)),
        (1, Gen.Const((string?)"\U00010400Ünïcode ÉMAIL")));

    private static string Reference(ContactData data) =>
        string.Join(' ', new[] { data.Name, data.Email }.Concat(data.Phones).Where(s => !string.IsNullOrEmpty(s))).ToLowerInvariant();

    [Fact]
    public void The_search_text_is_the_non_empty_parts_joined_and_lower_cased()
    {
        Gen.Select(Part, Part, Part.Array[0, 3]).Sample((name, email, phones) =>
        {
            var data = ContactData.Empty with { Name = name, Email = email, Phones = [.. phones.Select(p => p ?? "")] };
            Assert.Equal(Reference(data), ContactStore.SearchText(data));
        }, iter: 5_000);
    }

    [Fact]
    public void A_contact_with_nothing_to_search_has_an_empty_text()
    {
        Assert.Equal("", ContactStore.SearchText(ContactData.Empty));
        Assert.Equal("ann +14155550100", ContactStore.SearchText(ContactData.Empty with { Name = "ANN", Phones = ["+14155550100"] }));
    }
}
