using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Inputs;

namespace VeloConnect.ContactRules.Tests;

/// <summary>The phone and tag limits where rows are read and where merges add to a contact.</summary>
public sealed class ContactLimitsMergeTests
{
    private static readonly Guid FullId = Guid.Parse("7c2d5e10-4b8a-4f3e-9a61-2e8f0c000101");

    private static string[] PhoneRange(int first, int count) => [.. Enumerable.Range(first, count).Select(i => $"+1415555{i:0000}")];

    private static string[] TagRange(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i}")];

    private static RowResult ReadRow(string phones, string tags) =>
        new RowReader(new ImportMapping([ColumnTarget.PrimaryPhone, ColumnTarget.Tags], HasHeader: true, "US"), ["Phone", "Tags"], []).Read([phones, tags]);

    [Fact]
    public void Import_row_with_more_than_twenty_phones_is_invalid()
    {
        var result = ReadRow(string.Join(';', PhoneRange(3000, 21)), "");

        Assert.False(result.IsValid);
        var error = Assert.Single(result.Errors);
        Assert.Contains("21 phones", error);
        Assert.Contains("at most 20 phones", error);
    }

    [Fact]
    public void Import_row_with_more_than_a_hundred_tags_is_invalid()
    {
        var result = ReadRow("+14155550100", string.Join(',', TagRange("t", 101)));

        var error = Assert.Single(result.Errors);
        Assert.Contains("101 tags", error);
        Assert.Contains("at most 100 tags", error);
    }

    [Fact]
    public void Import_row_at_the_limits_is_valid()
    {
        var result = ReadRow(string.Join(';', PhoneRange(3000, 20)), string.Join(',', TagRange("t", 100)));

        Assert.True(result.IsValid);
        Assert.Equal(19, result.Contact!.AdditionalPhones.Count);
        Assert.Equal(100, result.Contact.Tags.Count);
    }

    [Fact]
    public void Merge_keeps_what_the_contact_has_adds_up_to_the_limits_and_warns_with_what_was_not_added()
    {
        var stored = new ContactData("Full", PhoneRange(3100, 18), null, TagRange("t", 98), new Dictionary<string, string>(), null);
        var owners = new Dictionary<Identifier, Guid> { [Identifier.Phone("+14155553100")] = FullId };
        var matcher = new ContactMatcher(owners, new Dictionary<Guid, ContactData> { [FullId] = stored });

        var result = matcher.Apply(
            Input(primaryPhone: "+14155553900", additionalPhones: ["+14155553100", "+14155553901", "+14155553902", "+14155553903"], tags: ["a", "T0", "b", "c", "d"]),
            Guid.NewGuid);

        Assert.Equal(FullId, result.ContactId);
        var after = Assert.Single(matcher.Changes()).After;
        // The input's primary is new and fits: it becomes primary, as any merge makes it; nothing the contact had is dropped.
        Assert.Equal(["+14155553900", .. PhoneRange(3100, 18), "+14155553901"], after.Phones);
        Assert.Equal([.. TagRange("t", 98), "a", "b"], after.Tags);
        Assert.Contains(result.Warnings, w => w.Contains("+14155553902") && w.Contains("+14155553903") && w.Contains("at most 20 phones"));
        Assert.Contains(result.Warnings, w => w.Contains("'c'") && w.Contains("'d'") && w.Contains("at most 100 tags"));
    }

    [Fact]
    public void Merge_into_a_full_contact_keeps_its_primary_when_the_new_primary_does_not_fit()
    {
        var stored = new ContactData("Full", PhoneRange(3100, 20), null, [], new Dictionary<string, string>(), null);
        var owners = new Dictionary<Identifier, Guid> { [Identifier.Phone("+14155553105")] = FullId };
        var matcher = new ContactMatcher(owners, new Dictionary<Guid, ContactData> { [FullId] = stored });

        var result = matcher.Apply(Input(name: "Renamed", primaryPhone: "+14155553900", additionalPhones: ["+14155553105"]), Guid.NewGuid);

        var after = Assert.Single(matcher.Changes()).After;
        Assert.Equal("Renamed", after.Name);
        Assert.Equal(PhoneRange(3100, 20), after.Phones);
        Assert.Contains(result.Warnings, w => w.Contains("+14155553900"));
        Assert.False(owners.ContainsKey(Identifier.Phone("+14155553900")));
    }
}
