using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class ContactLimitsTests
{
    private static ContactData Data(IReadOnlyList<string> phones, IReadOnlyList<string> tags) =>
        new("Ann", phones, null, tags, new Dictionary<string, string>(), null);

    private static string[] PhoneRange(int first, int count) => [.. Enumerable.Range(first, count).Select(i => $"+1415555{i:0000}")];

    [Theory]
    [InlineData(20, null)]
    [InlineData(21, "21 phones were given, but a contact holds at most 20 phones")]
    public void Phone_count_is_checked(int count, string? message)
    {
        var error = ContactLimits.TooManyPhones(count);

        if (message is null)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.StartsWith(message, error);
        }
    }

    [Fact]
    public void Tag_count_is_checked()
    {
        Assert.Null(ContactLimits.TooManyTags(100));
        Assert.StartsWith("1,001 tags were given, but a contact holds at most 100 tags", ContactLimits.TooManyTags(1_001));
    }

    [Fact]
    public void Within_the_limits_the_merge_is_kept_as_it_is()
    {
        var before = Data(PhoneRange(100, 2), ["a"]);
        var merged = Data([.. PhoneRange(100, 2), "+14155550900"], ["a", "b"]);
        var warnings = new List<string>();

        Assert.Same(merged, ContactLimits.KeepWithin(before, merged, warnings));
        Assert.Empty(warnings);
    }

    [Fact]
    public void A_contact_stored_past_a_limit_keeps_everything_and_gains_nothing_more()
    {
        var before = Data(PhoneRange(100, 25), [.. Enumerable.Range(0, 120).Select(i => $"t{i}")]);
        var merged = Data([.. PhoneRange(100, 25), "+14155550900"], [.. before.Tags, "new"]);
        var warnings = new List<string>();

        var kept = ContactLimits.KeepWithin(before, merged, warnings);

        Assert.Equal(before.Phones, kept.Phones);
        Assert.Equal(before.Tags, kept.Tags);
        Assert.Equal(2, warnings.Count);
        Assert.StartsWith("Phone +14155550900 not added: a contact holds at most 20 phones and this one has 25", warnings[0]);
        Assert.StartsWith("Tag 'new' not added", warnings[1]);
    }

    [Fact]
    public void A_warning_names_ten_values_and_counts_the_rest()
    {
        var before = Data(PhoneRange(100, 1), [.. Enumerable.Range(0, 100).Select(i => $"t{i}")]);
        var merged = before with { Tags = [.. before.Tags, .. Enumerable.Range(0, 15).Select(i => $"n{i}")] };
        var warnings = new List<string>();

        ContactLimits.KeepWithin(before, merged, warnings);

        Assert.StartsWith("Tags 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9' and 5 more not added", Assert.Single(warnings));
    }
}
