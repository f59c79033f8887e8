using VeloConnect.ContactRules.Exports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Exports;

public sealed class SpreadsheetCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("=1+2", "'=1+2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("+1 415 555 0100", "'+1 415 555 0100")]
    [InlineData("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0")]
    [InlineData("+SUM(1,2)", "'+SUM(1,2)")]
    [InlineData("-", "'-")]
    [InlineData("+", "'+")]
    [InlineData("\t=1+2", "'\t=1+2")]
    [InlineData("\tindented", "'\tindented")]
    [InlineData("\rcarriage", "'\rcarriage")]
    [InlineData("-42abc", "'-42abc")]
    [InlineData("+1415555010O", "'+1415555010O")]
    [InlineData("+14155550100, =1+2", "'+14155550100, =1+2")]
    [InlineData("+14155550100,", "'+14155550100,")]
    [InlineData("'=already quoted", "''=already quoted")]
    [InlineData("''-x", "'''-x")]
    public void Formula_like_cells_get_a_leading_quote(string value, string expected)
    {
        Assert.Equal(expected, SpreadsheetCells.Neutralise(value));
    }

    [Theory]
    [InlineData("-42")]
    [InlineData("+3.5")]
    [InlineData("-0.25")]
    [InlineData("-.5")]
    [InlineData("1e5")]
    [InlineData("-1.5E-3")]
    [InlineData("+14155550100")]
    [InlineData("+442079460912")]
    [InlineData("+442079460912, +14155550101")]
    [InlineData("+0123456789")]
    [InlineData("42")]
    [InlineData("Zoë Ångström")]
    [InlineData("李小龍")]
    [InlineData("مرحبا")]
    [InlineData("🚴 rider")]
    [InlineData("a=b")]
    [InlineData("ann@example.com")]
    [InlineData("x-y")]
    [InlineData("'quoted but harmless")]
    [InlineData("'")]
    [InlineData(" =leading space")]
    public void Numbers_phones_and_plain_text_stay_as_they_are(string value)
    {
        Assert.Equal(value, SpreadsheetCells.Neutralise(value));
    }

    [Fact]
    public void Null_and_empty_are_empty_cells()
    {
        Assert.Equal("", SpreadsheetCells.Neutralise(null));
        Assert.Equal("", SpreadsheetCells.Neutralise(""));
    }

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("@SUM(A1)")]
    [InlineData("+1 415 555 0100")]
    [InlineData("-42")]
    [InlineData("+14155550100")]
    [InlineData("\tTabbed")]
    [InlineData("\rCR")]
    [InlineData("'=already quoted")]
    [InlineData("''+x")]
    [InlineData("'plain")]
    [InlineData("'")]
    [InlineData("plain")]
    [InlineData("Zoë")]
    public void Restore_gives_back_exactly_what_was_neutralised(string value)
    {
        Assert.Equal(value, SpreadsheetCells.Restore(SpreadsheetCells.Neutralise(value)));
    }

    [Fact]
    public void Restore_reads_a_quote_typed_to_force_text()
    {
        Assert.Equal("+44 20 7946 0912", SpreadsheetCells.Restore("'+44 20 7946 0912"));
        Assert.Equal("'plain", SpreadsheetCells.Restore("'plain"));
    }
}
