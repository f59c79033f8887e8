using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class HeaderRowsTests
{
    private static HeaderRowProposal Propose(params string[][] rows) => HeaderRows.Propose(rows);

    [Fact]
    public void A_header_on_the_first_row_is_row_1()
    {
        var proposal = Propose(["Name", "Email"], ["Ana", "ana@example.com"]);

        Assert.Equal(new HeaderRowProposal(1, true, "Row 1 looks like the header: it holds column names."), proposal);
    }

    [Fact]
    public void A_title_and_blank_rows_above_the_header_are_passed_over()
    {
        var proposal = Propose(["My contacts"], ["", ""], ["Exported", "2024-12-31"], ["Full Name", "Mobile", "Email"], ["Ana", "+14155550101", "ana@example.com"]);

        Assert.Equal(4, proposal.Row);
        Assert.True(proposal.LooksLikeHeader);
        Assert.Contains("rows 1-3 above it hold a title or blank cells", proposal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_row_of_known_column_names_wins_over_a_row_of_plain_text()
    {
        var proposal = Propose(["Customer list", "Spring campaign"], ["Name", "Phone"], ["Ana", "+14155550101"]);

        Assert.Equal(2, proposal.Row);
    }

    [Fact]
    public void Text_that_is_no_known_name_is_a_header_when_the_rows_below_hold_values()
    {
        var proposal = Propose(["Kunde", "Rufnummer"], ["Ana", "+14155550101"], ["Ben", "+14155550102"]);

        Assert.Equal(1, proposal.Row);
        Assert.Contains("short text", proposal.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_one_cell_title_above_a_wider_row_of_unknown_names_is_not_the_header()
    {
        var proposal = Propose(["Kundenliste"], ["Kunde", "Rufnummer"], ["Ana", "+14155550101"]);

        Assert.Equal(2, proposal.Row);
    }

    [Fact]
    public void Rows_of_values_only_have_no_header_and_the_data_starts_at_the_first_non_blank_row()
    {
        var proposal = Propose([""], ["ana@example.com", "+14155550101"], ["ben@example.com", "+14155550102"]);

        Assert.Equal(2, proposal.Row);
        Assert.False(proposal.LooksLikeHeader);
    }

    [Fact]
    public void Nothing_at_all_proposes_row_1()
    {
        Assert.Equal(new HeaderRowProposal(1, false, "No row holds a value."), Propose([""], []));
    }
}
