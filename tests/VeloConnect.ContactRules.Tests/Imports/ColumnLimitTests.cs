using System.Text;
using VeloConnect.ContactRules.Imports;
using Xunit;
using static VeloConnect.ContactRules.Tests.Imports.SniffTestFiles;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>A file may have at most 1,000 columns; a wider one is refused while it is read, with what to do.</summary>
public sealed class ColumnLimitTests
{
    private static string Row(int cells, string cell) => string.Join(',', Enumerable.Repeat(cell, cells));

    [Fact]
    public void Header_of_one_thousand_columns_is_read()
    {
        var result = Sniff(Row(1_000, "a") + "\n" + Row(1_000, "x") + "\n", new SniffOptions(HasHeader: true));

        Assert.True(result.CanImport);
        Assert.Equal(1_000, result.Columns.Count);
        Assert.Equal("a (1000)", result.Columns[^1].Header);
        // The warning names the first few, not all thousand.
        var warning = Assert.Single(result.Warnings).Message;
        Assert.Contains("'a' (columns 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 990 more)", warning);
        Assert.Contains("'a (10)' and 990 more", warning);
        Assert.True(warning.Length < 1_000, warning);
    }

    [Fact]
    public void Header_past_the_limit_is_refused_naming_its_columns_the_limit_and_what_to_do()
    {
        var result = Sniff(Row(20_000, "a") + "\n" + Row(20_000, "1") + "\n", new SniffOptions(HasHeader: true));

        Assert.False(result.CanImport);
        var error = Assert.Single(result.Errors);
        Assert.Equal("too_many_columns", error.Code);
        Assert.Equal(1, error.Line);
        Assert.Contains("20,000 columns", error.Message);
        Assert.Contains("the limit is 1,000", error.Message);
        Assert.Contains("upload", error.Message);
        Assert.Empty(result.Columns);
    }

    [Fact]
    public void Data_row_past_the_limit_is_refused_with_its_row_number()
    {
        var result = Sniff("Name,Phone\nAnn,+14155550100\n" + Row(1_001, "x") + "\nBob,+14155550101\n");

        var error = Assert.Single(result.Errors);
        Assert.Equal("too_many_columns", error.Code);
        Assert.Equal(3, error.Line);
        Assert.Contains("Row 3 has 1,001 cells", error.Message);
    }

    [Fact]
    public void Trailing_blank_cells_do_not_count_towards_the_limit()
    {
        var result = Sniff(Row(1_000, "a") + ",,,\n" + Row(1_000, "x") + ",\n", new SniffOptions(HasHeader: true));

        Assert.True(result.CanImport);
        Assert.Equal(1_000, result.Columns.Count);
    }

    [Fact]
    public void Reading_stops_at_the_row_past_the_limit()
    {
        var rest = new StringBuilder();
        for (var i = 0; i < 100_000; i++)
        {
            rest.Append("Person ").Append(i).Append(",+14155550100\n");
        }

        var bytes = Utf8.GetBytes(Row(2_000, "a") + "\n" + rest);
        using var stream = new OneWayStream(bytes);
        var result = CsvSniffer.Sniff(stream, new SniffOptions(HasHeader: true));

        Assert.Equal("too_many_columns", Assert.Single(result.Errors).Code);
        Assert.True(stream.BytesRead < bytes.Length / 4, $"read {stream.BytesRead:N0} of {bytes.Length:N0} bytes");
    }
}
