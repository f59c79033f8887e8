using VeloConnect.Cli.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class MappingArgumentTests
{
    private static readonly string[] Headers = ["Full name", "Mobile", "E-mail", "Notes"];

    [Fact]
    public void Named_columns_get_their_targets_and_the_others_are_not_imported()
    {
        Assert.True(MappingArgument.TryParse("full NAME=name, Mobile = phone ,3=email", Headers, out var columns, out var error));

        Assert.Null(error);
        Assert.Equal(["name", "phone", "email", "ignore"], columns);
    }

    [Fact]
    public void Custom_fields_keep_their_key()
    {
        Assert.True(MappingArgument.TryParse("Mobile=phone,Notes=field:loyalty_tier", Headers, out var columns, out _));

        Assert.Equal(["ignore", "phone", "ignore", "field:loyalty_tier"], columns);
    }

    [Theory]
    [InlineData("Phone=phone", "does not have. Its columns: 'Full name', 'Mobile', 'E-mail', 'Notes'")]
    [InlineData("Mobile=phone,2=email", "names the column 'Mobile' twice")]
    [InlineData("Mobile=cellphone", "'cellphone' (for 'Mobile') is not a target")]
    [InlineData("Mobile", "is not Header=target")]
    [InlineData("5=name", "does not have")]
    public void A_wrong_mapping_says_what_is_wrong(string text, string expected)
    {
        Assert.False(MappingArgument.TryParse(text, Headers, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Date_formats_are_read_per_named_column()
    {
        Assert.True(MappingArgument.TryParseDateFormats("notes=dd/mm/yyyy, 2=MM/dd/yyyy", Headers, out var formats, out var error));

        Assert.Null(error);
        Assert.Equal(new Dictionary<int, string> { [3] = "dd/MM/yyyy", [1] = "MM/dd/yyyy" }, formats);
    }

    [Theory]
    [InlineData("Notes=d/m/y", "is not Header=format; the formats are yyyy-MM-dd, dd/MM/yyyy")]
    [InlineData("Notes", "is not Header=format")]
    [InlineData("Born=dd/MM/yyyy", "names a column 'Born' that the file does not have")]
    public void A_wrong_date_format_says_what_is_wrong(string text, string expected)
    {
        Assert.False(MappingArgument.TryParseDateFormats(text, Headers, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }
}
