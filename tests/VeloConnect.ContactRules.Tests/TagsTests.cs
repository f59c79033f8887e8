using CsCheck;
using VeloConnect.ContactRules.Contacts;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class TagsTests
{
    [Fact]
    public void SplitCell_splits_on_commas_trims_and_drops_empty_parts()
    {
        Assert.Equal(["vip", "newsletter", "Pro"], Tags.SplitCell("vip, newsletter,,Pro"));
    }

    [Fact]
    public void SplitCell_drops_case_insensitive_duplicates_keeping_the_first_spelling()
    {
        Assert.Equal(["VIP", "pro"], Tags.SplitCell(" VIP ,vip, pro, Vip ,PRO"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void SplitCell_of_a_blank_cell_is_empty(string? cell)
    {
        Assert.Empty(Tags.SplitCell(cell));
    }

    [Fact]
    public void SplitCell_of_only_commas_is_empty()
    {
        Assert.Empty(Tags.SplitCell(" , ,, "));
    }

    [Fact]
    public void Distinct_is_case_insensitive_keeps_the_first_spelling_and_the_order()
    {
        Assert.Equal(["News", "vip", "Pro"], Tags.Distinct(["News", " vip", "news", null, "", "  ", "VIP", "Pro", "NEWS"]));
    }

    [Fact]
    public void Union_keeps_existing_tags_in_order_and_spelling_and_appends_new_ones()
    {
        IReadOnlyList<string> existing = ["VIP", "newsletter"];

        var union = Tags.Union(existing, ["vip", "Pro", "NEWSLETTER", "beta", "pro"]);

        Assert.Equal(["VIP", "newsletter", "Pro", "beta"], union);
    }

    [Fact]
    public void Union_with_nothing_added_is_the_existing_tags()
    {
        Assert.Equal(["a", "B"], Tags.Union(["a", "B"], []));
    }

    [Fact]
    public void Union_with_no_existing_tags_is_the_added_tags_made_distinct()
    {
        Assert.Equal(["x", "Y"], Tags.Union([], ["x", "Y", "X", " "]));
    }

    // Tags from a small alphabet, so that case-insensitive repeats, blanks and untrimmed spellings are common; lists up to
    // past the length where Distinct and Union stop searching a list and use a set.
    private static readonly Gen<string?> Tag = Gen.Frequency(
        (1, Gen.Const((string?)null)),
        (8, Gen.String[Gen.Char["aAbB "], 0, 4].Select(t => (string?)t)));

    private static readonly Gen<List<string?>> TagList = Tag.List[0, 40];

    // The rule as first written: every tag trimmed, blanks dropped, the first spelling of each case-insensitive tag kept.
    private static List<string> Reference(IEnumerable<string?> tags)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        return [.. tags.Select(t => t?.Trim()).OfType<string>().Where(t => t.Length > 0 && seen.Add(t))];
    }

    [Fact]
    public void Distinct_equals_the_rule_for_any_list()
    {
        TagList.Sample(tags => Assert.Equal(Reference(tags), Tags.Distinct(tags)), iter: 5_000);
    }

    [Fact]
    public void Union_equals_distinct_of_the_existing_then_the_added_tags_for_any_lists()
    {
        // Existing tags as stored (distinct already) or not (a row written before the rule, or a caller's raw list).
        var existing = Gen.Frequency((3, TagList.Select(t => (IReadOnlyList<string>)Reference(t))), (1, TagList.Select(t => (IReadOnlyList<string>)[.. t.OfType<string>()])));
        Gen.Select(existing, TagList).Sample((before, added) =>
            Assert.Equal(Reference(before.Concat(added)), Tags.Union(before, added.OfType<string>())), iter: 5_000);
    }

    [Fact]
    public void Union_adding_nothing_new_to_distinct_tags_returns_them_as_they_are()
    {
        IReadOnlyList<string> existing = ["VIP", "newsletter"];

        Assert.Same(existing, Tags.Union(existing, ["vip", " NEWSLETTER ", ""]));
    }

    [Fact]
    public void Key_is_trimmed_and_lower_cased()
    {
        Assert.Equal("newsletter", Tags.Key("  NewsLetter "));
    }

    [Fact]
    public void Comparer_ignores_case()
    {
        Assert.True(Tags.Comparer.Equals("VIP", "vip"));
        Assert.False(Tags.Comparer.Equals("VIP", "vips"));
    }

    [Fact]
    public void Validate_accepts_tags_up_to_the_maximum_length()
    {
        Assert.Null(Tags.Validate(["vip", new string('t', Tags.MaxLength)]));
    }

    [Fact]
    public void Validate_accepts_no_tags()
    {
        Assert.Null(Tags.Validate([]));
    }

    [Fact]
    public void Validate_rejects_a_tag_longer_than_the_maximum_quoting_its_start()
    {
        var tooLong = "abcdefghijklmnopqrst" + new string('x', Tags.MaxLength - 19);

        Assert.Equal("Tag 'abcdefghijklmnopqrst…' is longer than 100 characters.", Tags.Validate(["vip", tooLong]));
    }

    [Fact]
    public void Validate_rejects_a_tag_with_a_comma_because_commas_separate_tags_in_a_cell()
    {
        Assert.Equal(
            "Tag 'north,south' contains a comma; commas separate tags in a CSV cell, so use another character.",
            Tags.Validate(["vip", "north,south"]));
    }

    [Fact]
    public void Valid_tags_survive_a_join_and_split_round_trip()
    {
        IReadOnlyList<string> tags = ["VIP", "news letter", "Pro"];
        Assert.Null(Tags.Validate(tags));

        Assert.Equal(tags, Tags.SplitCell(string.Join(", ", tags)));
    }
}
