using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class FileNamesTests
{
    [Theory]
    [InlineData("contacts.csv", "contacts.csv")]
    [InlineData("  März \"Kunden\" 2024 😀.csv ", "März \"Kunden\" 2024 😀.csv")]
    [InlineData("C:\\Users\\ann\\Desktop\\contacts.csv", "contacts.csv")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("two\nlines\r\nand\ttab.csv", "two lines and tab.csv")]
    [InlineData("bell\u0007\u0000null\u007F.csv", "bellnull.csv")]
    [InlineData("invoice\u202Efdp.csv", "invoicefdp.csv")]
    [InlineData("\u2066isolated\u2069\u200F\u061C.csv", "isolated.csv")]
    [InlineData("para\u2029graph\u2028.csv", "para graph .csv")]
    [InlineData("", FileNames.Fallback)]
    [InlineData("\n\u202E\t", FileNames.Fallback)]
    [InlineData("..", FileNames.Fallback)]
    [InlineData(null, FileNames.Fallback)]
    public void Names_are_cleaned(string? given, string expected)
    {
        Assert.Equal(expected, FileNames.Clean(given));
    }

    [Fact]
    public void Half_a_surrogate_pair_is_dropped()
    {
        Assert.Equal("half.csv", FileNames.Clean("half\uD800.csv"));
        Assert.Equal("half😀.csv", FileNames.Clean("half\uDE00😀\uD83D.csv"));
    }

    [Fact]
    public void Long_name_is_bounded_and_keeps_its_extension()
    {
        var name = FileNames.Clean(new string('a', 5_000) + ".csv");

        Assert.Equal(FileNames.MaxLength, name.Length);
        Assert.EndsWith("a….csv", name);
    }

    [Fact]
    public void A_cut_never_splits_a_character_in_two()
    {
        var name = FileNames.Clean(string.Concat(Enumerable.Repeat("😀", 300)) + ".csv");

        Assert.True(name.Length <= FileNames.MaxLength);
        Assert.EndsWith("😀….csv", name);
        // Strict UTF-8 refuses half a surrogate pair.
        Assert.True(new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetByteCount(name) > 0);
    }

    [Fact]
    public void A_long_extension_is_part_of_the_name()
    {
        var name = FileNames.Clean("report." + new string('x', 400));

        Assert.Equal(FileNames.MaxLength, name.Length);
        Assert.StartsWith("report.xxx", name);
        Assert.EndsWith("x…", name);
    }

    [Fact]
    public void Hostile_name_of_five_thousand_characters_is_clean_and_bounded()
    {
        var name = FileNames.Clean(string.Concat(Enumerable.Repeat("ab\"\n\u202Ecd\r\t\u0007", 500)) + ".csv");

        Assert.True(name.Length <= FileNames.MaxLength);
        Assert.DoesNotContain(name, FileNames.IsUnsafe);
        Assert.StartsWith("ab\" cd ab\" cd", name);
        Assert.EndsWith(".csv", name);
    }

    [Fact]
    public void A_derived_name_keeps_its_ending_within_the_bound()
    {
        Assert.Equal("contacts-errors.csv", FileNames.WithEnding("contacts.csv", "-errors.csv"));
        Assert.Equal("upload-errors.csv", FileNames.WithEnding("\n.csv", "-errors.csv"));
        var derived = FileNames.WithEnding(new string('b', 300) + ".csv", "-errors.csv");
        Assert.Equal(FileNames.MaxLength, derived.Length);
        Assert.EndsWith("b…-errors.csv", derived);
    }
}
