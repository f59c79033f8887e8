using System.Globalization;
using CsCheck;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class TypedValuesTests
{
    [Theory]
    [InlineData("dd/MM/yyyy", "31/12/2024", "1/2/2024")]
    [InlineData("MM/dd/yyyy", "12/31/2024", "1/2/2024")]
    [InlineData("dd.MM.yyyy", "31.12.2024", "01.02.2024")]
    [InlineData("yyyy-MM-dd", "2024-12-31", "2024-01-02")]
    [InlineData(LocaleDates.ExcelSerial, "45657", "45293")]
    public void A_date_column_s_format_is_detected(string format, string first, string second)
    {
        var proposal = LocaleDates.Detect([first, second, ""]);

        Assert.Equal(format, proposal.Format);
        Assert.False(proposal.Ambiguous);
    }

    [Fact]
    public void Day_first_and_month_first_both_fitting_is_asked_never_guessed()
    {
        var proposal = LocaleDates.Detect(["03/04/2024", "11/12/2024"]);

        Assert.Null(proposal.Format);
        Assert.True(proposal.Ambiguous);
        Assert.Equal(["dd/MM/yyyy", "MM/dd/yyyy"], proposal.Candidates);
        Assert.Contains("choose how the file writes dates", proposal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Excel_serials_read_as_excel_shows_them()
    {
        Assert.True(LocaleDates.TryParse("45657", LocaleDates.ExcelSerial, out var iso));
        Assert.Equal("2024-12-31", iso);
        Assert.True(LocaleDates.TryParse("1", LocaleDates.ExcelSerial, out var first));
        Assert.Equal("1900-01-01", first);
    }

    // A date written in any detected format reads back as the same date.
    [Fact]
    public void Every_date_written_in_a_format_reads_back()
    {
        var date = Gen.Select(Gen.Int[1900, 2100], Gen.Int[1, 12], Gen.Int[1, 28], (y, m, d) => new DateOnly(y, m, d));
        Gen.Select(date, Gen.OneOf<string>([.. LocaleDates.Formats])).Sample((day, format) =>
            LocaleDates.TryParse(day.ToString(format, CultureInfo.InvariantCulture), format, out var iso)
            && iso == day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(',', "3,5", "1.234,56")]
    [InlineData('.', "3.5", "1,234.56")]
    [InlineData('.', "1,234", "12")]
    public void The_decimal_separator_is_detected(char expected, string first, string second)
    {
        Assert.Equal(expected, LocaleNumbers.DetectDecimal([first, second]));
    }

    [Theory]
    [InlineData("1.234,56", ',', "1234.56")]
    [InlineData("1 234,5", ',', "1234.5")]
    [InlineData("-3,25", ',', "-3.25")]
    [InlineData("1,234.56", '.', "1234.56")]
    [InlineData("1'234.5", '.', "1234.5")]
    public void Numbers_read_with_their_separators(string cell, char separator, string expected)
    {
        Assert.True(LocaleNumbers.TryParse(cell, separator, out var invariant));
        Assert.Equal(expected, invariant);
    }

    [Fact]
    public void Text_is_no_number()
    {
        Assert.False(LocaleNumbers.TryParse("abc", ',', out _));
    }

    [Theory]
    [InlineData("Yes", true)]
    [InlineData("x", true)]
    [InlineData("JA", true)]
    [InlineData("oui", true)]
    [InlineData("sí", true)]
    [InlineData("1", true)]
    [InlineData("no", false)]
    [InlineData("Nein", false)]
    [InlineData("non", false)]
    [InlineData("FALSE", false)]
    [InlineData("0", false)]
    public void Booleans_read_as_common_words(string cell, bool expected)
    {
        Assert.True(LocaleBooleans.TryParse(cell, out var value));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("")]
    [InlineData("maybe")]
    public void Other_words_are_no_boolean(string cell)
    {
        Assert.False(LocaleBooleans.TryParse(cell, out _));
    }
}
