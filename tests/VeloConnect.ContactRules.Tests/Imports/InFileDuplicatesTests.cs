using CsCheck;
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

    // The compact table answers as a dictionary of the identifiers themselves does, over generated files (few phones and
    // emails, so rows meet often; rows counted from 0, as a bulk request's items are), through its growth from a small table.
    [Fact]
    public void Answers_as_a_dictionary_of_the_identifiers_would()
    {
        var phone = Gen.Int[0, 40].Select(i => $"+1415555{i:0000}");
        var email = Gen.Int[0, 40].Select(i => $"u{i}@example.com");
        var row = Gen.Select(phone.Null(0.3), email.Null(0.3), phone.Array[0, 2]).Where((p, e, more) => p is not null || e is not null || more.Length > 0);
        row.Array[1, 300].Sample(rows =>
        {
            var table = new InFileDuplicates();
            var model = new Dictionary<Identifier, int>();
            for (var i = 0; i < rows.Length; i++)
            {
                var contact = Contact(rows[i].Item1, rows[i].Item2, [.. rows[i].Item3.OfType<string>()]);
                var identifiers = contact.IdentifiersInMatchOrder().ToList();
                int? expected = identifiers.Select(id => model.TryGetValue(id, out var r) ? r : (int?)null).FirstOrDefault(r => r is not null);
                if (expected is null)
                {
                    identifiers.ForEach(id => model.TryAdd(id, i));
                }

                if (table.Check(contact, i) != expected)
                {
                    return false;
                }
            }

            return true;
        });
    }
}
