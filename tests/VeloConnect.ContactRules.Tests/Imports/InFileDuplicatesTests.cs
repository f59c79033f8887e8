using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class InFileDuplicatesTests
{
    private static ContactInput Contact(string? phone = null, string? email = null, params string[] additional) =>
        new(null, phone, additional, email, [], new Dictionary<string, string>());

    [Fact]
    public void First_row_is_not_a_duplicate()
    {
        Assert.Null(new InFileDuplicates().Check(Contact("+14155550100", "ann@example.com"), 2));
    }

    [Fact]
    public void Rows_without_a_shared_identifier_are_not_duplicates()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100", "ann@example.com"), 2);

        Assert.Null(duplicates.Check(Contact("+14155550101", "bob@example.com"), 3));
    }

    [Fact]
    public void Duplicate_of_earlier_row_by_email_names_that_row()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100", "ann@example.com"), 2);
        duplicates.Check(Contact("+14155550101"), 3);

        Assert.Equal(2, duplicates.Check(Contact("+14155550102", "ANN@example.com"), 4));
    }

    [Fact]
    public void Duplicate_of_earlier_row_by_phone_names_that_row()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100"), 7);

        Assert.Equal(7, duplicates.Check(Contact("+14155550100", "ann@example.com"), 9));
    }

    [Fact]
    public void Additional_phone_of_an_earlier_row_makes_a_duplicate()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100", null, "+14155550199"), 2);

        Assert.Equal(2, duplicates.Check(Contact("+14155550199"), 3));
    }

    [Fact]
    public void Additional_phone_matching_an_earlier_primary_makes_a_duplicate()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100"), 2);

        Assert.Equal(2, duplicates.Check(Contact(null, "bob@example.com", "+14155550100"), 3));
    }

    [Fact]
    public void Phone_match_is_named_before_an_email_match()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact(null, "ann@example.com"), 2);
        duplicates.Check(Contact("+14155550100"), 3);

        Assert.Equal(3, duplicates.Check(Contact("+14155550100", "ann@example.com"), 4));
    }

    [Fact]
    public void Skipped_row_is_not_registered()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100"), 2);
        Assert.Equal(2, duplicates.Check(Contact("+14155550100", "bob@example.com"), 3));

        // Row 3 was skipped, so its email belongs to no earlier row.
        Assert.Null(duplicates.Check(Contact("+14155550101", "bob@example.com"), 4));
    }

    [Fact]
    public void Later_duplicates_name_the_first_row_that_had_the_identifier()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100", "ann@example.com"), 2);
        duplicates.Check(Contact("+14155550100"), 3);

        Assert.Equal(2, duplicates.Check(Contact(null, "ann@example.com"), 4));
    }

    [Fact]
    public void Identifiers_of_a_registered_row_all_count()
    {
        var duplicates = new InFileDuplicates();
        duplicates.Check(Contact("+14155550100", "ann@example.com", "+14155550101"), 2);

        Assert.Equal(2, duplicates.Check(Contact("+14155550101"), 3));
        Assert.Equal(2, duplicates.Check(Contact(null, "ann@example.com"), 4));
    }
}
