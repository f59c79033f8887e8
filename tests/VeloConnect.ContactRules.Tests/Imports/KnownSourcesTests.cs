using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class KnownSourcesTests
{
    /// <summary>Columns as (header, samples).</summary>
    private static SourceConventions? Recognize(params (string Header, string[] Samples)[] columns) =>
        KnownSources.Recognize([.. columns.Select(c => c.Header)], [.. columns.Select(c => (IReadOnlyList<string>)c.Samples)]);

    private static (string, string[]) C(string header, params string[] samples) => (header, samples);

    [Fact]
    public void An_outlook_export_combines_the_name_splits_categories_on_semicolons_and_takes_the_mobile_that_holds_numbers()
    {
        var outlook = Recognize(
            C("First Name", "Ana"), C("Middle Name", ""), C("Last Name", "Lima"), C("Suffix"), C("E-mail Address", "ana@example.com"),
            C("E-mail 2 Address"), C("Primary Phone", "", ""), C("Business Phone", "+1 415 555 0199"), C("Mobile Phone", "+1 415 555 0101"),
            C("Categories", "Pro;Wholesale"));

        Assert.NotNull(outlook);
        Assert.Equal("Outlook", outlook.Source);
        Assert.Null(outlook.FullNameColumn);
        Assert.Equal([0, 1, 2], outlook.NameColumns);
        Assert.Equal([new SeparatedColumn(9, ";")], outlook.TagColumns);
        Assert.Equal(8, outlook.PrimaryPhone);
        Assert.Equal([7], outlook.OtherPhones);
        Assert.Equal(4, outlook.Email);
        Assert.Equal(
            "Looks like an Outlook export: the name is 'First Name' + 'Middle Name' + 'Last Name', joined with a space; 'Categories' holds several tags "
            + "separated by a semicolon; 'Mobile Phone' is the primary phone (it holds numbers). Check the mapping below; every choice can be changed.",
            outlook.Message);
    }

    [Fact]
    public void No_phone_column_that_holds_nothing_is_primary()
    {
        var outlook = Recognize(C("First Name", "Ana"), C("E-mail Address", "a@example.com"), C("Primary Phone", ""), C("Mobile Phone", " "), C("Categories", "x"));

        Assert.Null(outlook!.PrimaryPhone);
        Assert.Empty(outlook.OtherPhones);
    }

    [Fact]
    public void A_google_export_keeps_its_full_name_and_splits_groups_on_its_separator()
    {
        var google = Recognize(
            C("Name", "Ana Lima"), C("Given Name", "Ana"), C("Family Name", "Lima"), C("Group Membership", "* myContacts ::: VIP"),
            C("E-mail 1 - Type", "* Home"), C("E-mail 1 - Value", "ana@example.com"), C("Phone 1 - Type", "Mobile"), C("Phone 1 - Value", "+14155550101"));

        Assert.Equal("Google Contacts", google!.Source);
        Assert.Equal(0, google.FullNameColumn);
        Assert.Empty(google.NameColumns);
        Assert.Equal([new SeparatedColumn(3, MultiValues.GoogleSeparator)], google.TagColumns);
        Assert.Equal(7, google.PrimaryPhone);
        Assert.Equal(5, google.Email);
        Assert.Contains("Google's own groups, marked '* ', are left out", google.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_newer_google_export_without_a_name_column_combines_the_parts()
    {
        var google = Recognize(C("First Name", "Ana"), C("Middle Name"), C("Last Name", "Lima"), C("Labels", "VIP ::: * myContacts"), C("E-mail 1 - Value", "a@example.com"));

        Assert.Equal("Google Contacts", google!.Source);
        Assert.Equal([0, 1, 2], google.NameColumns);
    }

    [Theory]
    [InlineData("HubSpot", new[] { "Record ID", "First Name", "Last Name", "Email", "Phone Number", "Mobile Phone Number", "Contact owner", "Lifecycle Stage" })]
    [InlineData("Mailchimp", new[] { "Email Address", "First Name", "Last Name", "Phone Number", "MEMBER_RATING", "OPTIN_TIME", "LEID", "EUID", "TAGS" })]
    [InlineData("Salesforce", new[] { "Salutation", "First Name", "Last Name", "Title", "Account Name", "Mailing Street", "Phone", "Mobile", "Email" })]
    [InlineData("Zoho CRM", new[] { "Record Id", "Contact Owner", "Salutation", "First Name", "Last Name", "Account Name", "Email", "Phone", "Mobile", "Tag" })]
    [InlineData("Brevo", new[] { "CONTACT ID", "EMAIL", "FIRSTNAME", "LASTNAME", "SMS", "EMAIL_BLACKLISTED", "LIST_IDS" })]
    public void Crm_and_newsletter_exports_are_recognised_with_first_and_last_name_combined(string source, string[] header)
    {
        var samples = header.Select(h => (IReadOnlyList<string>)[h.Contains("Phone", StringComparison.Ordinal) || h is "Mobile" or "SMS" ? "+14155550101" : "x"]).ToList();

        var found = KnownSources.Recognize(header, samples);

        Assert.Equal(source, found?.Source);
        Assert.Equal(
            [Array.FindIndex(header, h => h.Replace(" ", "", StringComparison.Ordinal).Equals("FirstName", StringComparison.OrdinalIgnoreCase)),
                Array.FindIndex(header, h => h.Replace(" ", "", StringComparison.Ordinal).Equals("LastName", StringComparison.OrdinalIgnoreCase))],
            found!.NameColumns);
        Assert.NotNull(found.PrimaryPhone);
        Assert.StartsWith($"Looks like a{(source == "Outlook" ? "n" : "")} {source} export", found.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_mobile_column_of_a_hubspot_export_comes_first_when_it_holds_numbers()
    {
        var hubspot = Recognize(C("Record ID", "1"), C("Lifecycle Stage", "lead"), C("Phone Number", "+14155550102"), C("Mobile Phone Number", "+14155550101"));

        Assert.Equal(3, hubspot!.PrimaryPhone);
        Assert.Equal([2], hubspot.OtherPhones);
    }

    [Fact]
    public void A_plain_file_is_no_known_source()
    {
        Assert.Null(Recognize(C("Name", "Ana"), C("Email", "a@example.com"), C("Phone", "+14155550101"), C("Tags", "VIP")));
        Assert.Null(Recognize(C("First Name", "Ana"), C("Last Name", "Lima"), C("Email", "a@example.com")));
    }
}
