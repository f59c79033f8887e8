using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class IdentifierOwnersTests
{
    private static readonly Guid Other = Guid.Parse("3b1f0c22-6d4e-4a8b-9c70-5e2a1d000001");

    private static ContactData Contact(IReadOnlyList<string> phones, string? email) =>
        new("Ann", phones, email, [], new Dictionary<string, string>(), null);

    [Fact]
    public void Identifiers_owned_by_another_contact_stay_with_it_with_a_warning_each_in_order()
    {
        var before = Contact(["+14155550100"], "ann@example.com");
        var wanted = Contact(["+14155550100", "+442079460958", "+13125550199"], "bob@example.com");
        Dictionary<Identifier, Guid> owners = new()
        {
            [Identifier.Phone("+442079460958")] = Other,
            [Identifier.ForEmail("bob@example.com")] = Other,
        };
        List<string> warnings = [];

        var data = IdentifierOwners.LeaveWithOwners(before, wanted, i => owners.TryGetValue(i, out var o) ? o : null, warnings);

        Assert.Equal(["+14155550100", "+13125550199"], data.Phones);
        Assert.Equal("ann@example.com", data.Email);
        Assert.Equal(
            [
                $"Phone +442079460958 belongs to another contact ({Other}); it was left there and not added to this contact.",
                $"Email bob@example.com belongs to another contact ({Other}); it was left there and not added to this contact.",
            ],
            warnings);
    }

    [Fact]
    public void Identifiers_the_contact_already_has_or_nobody_else_owns_are_kept_without_warnings()
    {
        var before = Contact(["+14155550100"], null);
        var wanted = Contact(["+14155550100", "+13125550199"], "ann@example.com");
        List<Identifier> asked = [];
        List<string> warnings = [];

        var data = IdentifierOwners.LeaveWithOwners(before, wanted, i =>
        {
            asked.Add(i);
            return null;
        }, warnings);

        Assert.Same(wanted, data);
        Assert.Empty(warnings);
        Assert.Equal([Identifier.Phone("+13125550199"), Identifier.ForEmail("ann@example.com")], asked);
    }
}
