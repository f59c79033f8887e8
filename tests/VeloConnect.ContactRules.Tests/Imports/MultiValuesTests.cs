using CsCheck;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class MultiValuesTests
{
    [Theory]
    [InlineData(" ::: ", "* myContacts ::: VIP", "Friends")]
    [InlineData(";", "Pro;Wholesale", "Retail")]
    [InlineData("|", "a|b", "c|d")]
    [InlineData(",", "a, b", "c")]
    [InlineData(",", "one", "two")]
    public void The_separator_is_detected_from_the_samples(string expected, string first, string second)
    {
        Assert.Equal(expected, MultiValues.Detect([first, second, ""]).Separator);
    }

    [Fact]
    public void The_separator_in_the_most_cells_wins()
    {
        var proposal = MultiValues.Detect(["Smith; Jones", "Pro,Retail", "Gold,Silver"]);

        Assert.Equal((",", "comma"), (proposal.Separator, proposal.Name));
        Assert.Equal("2 of 3 sample cells separate values with a comma.", proposal.Reason);
    }

    [Fact]
    public void Google_system_groups_are_dropped_and_reported()
    {
        var split = MultiValues.Split("* myContacts ::: VIP ::: * starred ::: Club", MultiValues.GoogleSeparator);

        Assert.Equal(["VIP", "Club"], split.Values);
        Assert.Equal(["* myContacts", "* starred"], split.Dropped);
    }

    [Fact]
    public void System_values_are_kept_when_the_user_says_so()
    {
        Assert.Equal(["* myContacts", "VIP"], MultiValues.Split("* myContacts:::VIP", " ::: ", dropSystemValues: false).Values);
    }

    [Fact]
    public void Mailchimp_quoted_tags_are_unquoted_and_repeats_dropped()
    {
        Assert.Equal(["VIP", "Pro"], MultiValues.Split("\"VIP\",\"Pro\", \"vip\"", ",").Values);
    }

    // Joining values with any separator and splitting on it gives the values back.
    [Fact]
    public void Split_undoes_a_join()
    {
        var value = Gen.String[Gen.Char.AlphaNumeric, 1, 12];
        Gen.Select(value.List[1, 8], Gen.OneOf<string>([.. MultiValues.Separators])).Sample((values, separator) =>
        {
            var distinct = values.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            return MultiValues.Split(string.Join(separator, distinct), separator).Values.SequenceEqual(distinct)
                && MultiValues.Detect([string.Join(separator, distinct)]).Separator == (distinct.Count > 1 ? separator : ",");
        });
    }
}
