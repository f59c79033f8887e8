using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class HeaderNamesTests
{
    [Fact]
    public void Repeated_names_get_the_next_number_in_their_own_spelling()
    {
        Assert.Equal(["Email", "Phone", "email (2)", "EMAIL (3)", "Phone (2)"], HeaderNames.Unique(["Email", "Phone", "email", "EMAIL", "Phone"]));
    }

    [Fact]
    public void A_number_a_real_header_holds_is_skipped_and_a_renamed_header_is_renamed_again()
    {
        Assert.Equal(["a", "a (2)", "a (3)", "a (2) (2)", "a (4)"], HeaderNames.Unique(["a", "a (2)", "a", "a (2)", "a"]));
        Assert.Equal(["a", "a (3)", "a (2)", "a (4)"], HeaderNames.Unique(["a", "a (3)", "a", "a"]));
    }

    [Fact]
    public void A_hundred_thousand_equal_names_are_all_made_unique()
    {
        // A correctness check of the linear naming at a size the old quadratic one could not finish; bench/ times it.
        var names = HeaderNames.Unique([.. Enumerable.Repeat("a", 100_000)]);

        Assert.Equal(100_000, names.Count);
        Assert.Equal(100_000, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal("a", names[0]);
        Assert.Equal("a (2)", names[1]);
        Assert.Equal("a (100000)", names[^1]);
    }

    [Fact]
    public void Mixed_names_with_gaps_filled_by_real_headers_stay_unique()
    {
        string[] given = [.. Enumerable.Range(0, 5_000).Select(i => i % 3 == 0 ? $"x ({i / 3 + 2})" : i % 3 == 1 ? "x" : "X")];

        var names = HeaderNames.Unique(given);

        Assert.Equal(given.Length, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(names.Zip(given), pair => Assert.True(pair.First == pair.Second || pair.First.StartsWith(pair.Second + " (", StringComparison.Ordinal), $"{pair.Second} → {pair.First}"));
        Assert.Equal("x (2)", names[0]);
    }
}
