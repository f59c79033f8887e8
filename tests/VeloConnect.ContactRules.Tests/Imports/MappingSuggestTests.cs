using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class MappingSuggestTests
{
    private static readonly ColumnTarget Name = new(TargetKind.Name);
    private static readonly ColumnTarget Phone = new(TargetKind.PrimaryPhone);
    private static readonly ColumnTarget Additional = new(TargetKind.AdditionalPhone);
    private static readonly ColumnTarget Email = new(TargetKind.Email);
    private static readonly ColumnTarget Tags = new(TargetKind.Tags);
    private static readonly ColumnTarget Ignore = ColumnTarget.Ignore;

    /// <summary>Columns as (header, samples); no samples unless given.</summary>
    private static IReadOnlyList<ColumnTarget> Suggest(IReadOnlyList<FieldDefinition> fields, params (string Header, string[] Samples)[] columns) =>
        MappingRules.Suggest([.. columns.Select(c => c.Header)], [.. columns.Select(c => (IReadOnlyList<string>)c.Samples)], true, fields);

    private static IReadOnlyList<ColumnTarget> Suggest(params string[] headers) =>
        MappingRules.Suggest(headers, [.. headers.Select(_ => (IReadOnlyList<string>)[])], true, MappingTestFields.All);

    private static ColumnSuggestion SuggestOne(string header, params string[] samples) =>
        Assert.Single(MappingRules.SuggestWithNotes([header], [samples], true, MappingTestFields.All));

    [Fact]
    public void Exact_headers_suggest_the_built_in_targets()
    {
        Assert.Equal([Name, Phone, Email, Tags], Suggest("Name", "Phone", "Email", "Tags"));
    }

    [Fact]
    public void Exact_headers_ignore_case_spaces_and_punctuation()
    {
        Assert.Equal([Name, Phone, Email, Tags], Suggest(" NAME ", "phone:", "E-MAIL", "#tags"));
    }

    [Theory]
    [InlineData("Mobile")]
    [InlineData("Cell")]
    [InlineData("Cell phone")]
    [InlineData("Phone number")]
    [InlineData("Telephone")]
    [InlineData("Tel")]
    [InlineData("WhatsApp")]
    [InlineData("Phone 1 - Value")]
    [InlineData("Mobile Phone")]
    [InlineData("Teléfono")]
    [InlineData("phone_number")]
    [InlineData("mobileNumber")]
    public void Mobile_header_suggests_primary_phone(string header)
    {
        Assert.Equal(Phone, SuggestOne(header, "+1 415 555 0100").Target);
    }

    [Fact]
    public void Second_phone_column_suggests_additional_phone()
    {
        Assert.Equal([Name, Phone, Additional], Suggest("Name", "Mobile", "Work phone"));
    }

    [Fact]
    public void Every_further_phone_column_suggests_additional_phone()
    {
        Assert.Equal([Phone, Additional, Additional, Additional], Suggest("Phone", "Cell", "Telephone", "WhatsApp"));
    }

    [Fact]
    public void Google_phone_2_value_suggests_additional_phone()
    {
        Assert.Equal([Name, Phone, Additional], Suggest("Name", "Phone 1 - Value", "Phone 2 - Value"));
    }

    [Fact]
    public void Additional_phone_header_stays_additional_even_when_it_comes_first()
    {
        Assert.Equal([Additional, Phone], Suggest("Other phone", "Mobile"));
    }

    [Fact]
    public void Primary_phone_header_is_primary_even_after_another_phone_column()
    {
        Assert.Equal([Additional, Phone], Suggest("Business Phone", "Primary Phone"));
    }

    [Fact]
    public void Only_phone_column_is_primary_whatever_its_name()
    {
        Assert.Equal([Email, Phone], Suggest("Email", "Phone 2 - Value"));
    }

    [Theory]
    [InlineData("E-mail")]
    [InlineData("Email address")]
    [InlineData("E-mail Address")]
    [InlineData("E-mail 1 - Value")]
    [InlineData("email_address")]
    [InlineData("Mail")]
    [InlineData("Work email")]
    public void Email_synonym_suggests_email(string header)
    {
        Assert.Equal(Email, SuggestOne(header, "ann@example.com").Target);
    }

    [Theory]
    [InlineData("Labels")]
    [InlineData("Groups")]
    [InlineData("Group Membership")]
    [InlineData("Categories")]
    [InlineData("Tag")]
    public void Labels_header_suggests_tags(string header)
    {
        Assert.Equal(Tags, SuggestOne(header, "vip, newsletter").Target);
    }

    [Theory]
    [InlineData("Full name")]
    [InlineData("Contact name")]
    [InlineData("Display Name")]
    [InlineData("Customer name")]
    public void Full_name_header_suggests_name(string header)
    {
        Assert.Equal(Name, SuggestOne(header, "Ann Lee").Target);
    }

    [Fact]
    public void First_name_suggests_name_when_there_is_no_full_name_column()
    {
        var suggestion = MappingRules.SuggestWithNotes(["First Name", "Last Name", "Mobile Phone"], [], true, []);

        Assert.Equal([Name, Ignore, Phone], suggestion.Select(s => s.Target));
        Assert.Contains("no full-name column", suggestion[0].Note);
    }

    [Fact]
    public void Full_name_beats_first_name_wherever_it_stands()
    {
        Assert.Equal([Ignore, Phone, Name], Suggest("First name", "Phone", "Full name"));
    }

    [Fact]
    public void Last_name_column_is_ignored_with_a_note_on_how_to_keep_it()
    {
        var suggestion = MappingRules.SuggestWithNotes(["First name", "Last name", "Email"], [], true, []);

        Assert.Equal(Ignore, suggestion[1].Target);
        Assert.Contains("'First name' is suggested as Name", suggestion[1].Note);
        Assert.Contains("combine the name columns", suggestion[1].Note);
    }

    [Fact]
    public void Never_two_names_are_suggested()
    {
        var targets = Suggest("Name", "Full name", "Phone");

        Assert.Equal([Name, Ignore, Phone], targets);
    }

    [Fact]
    public void Second_email_column_is_ignored_with_a_note()
    {
        var suggestion = MappingRules.SuggestWithNotes(
            ["E-mail 1 - Value", "E-mail 2 - Value"], [["ann@example.com"], ["ann@work.example"]], true, []);

        Assert.Equal([Email, Ignore], suggestion.Select(s => s.Target));
        Assert.Contains("Only one column can be Email", suggestion[1].Note);
        Assert.Contains("'E-mail 1 - Value'", suggestion[1].Note);
    }

    [Fact]
    public void Exact_email_header_wins_over_an_earlier_synonym()
    {
        Assert.Equal([Ignore, Email], Suggest("Work email", "Email"));
    }

    [Theory]
    [InlineData("loyalty_tier")]
    [InlineData("Loyalty tier")]
    [InlineData("LOYALTY-TIER")]
    [InlineData("custom.loyalty_tier")]
    [InlineData("field:loyalty_tier")]
    public void Custom_field_key_or_label_suggests_the_field(string header)
    {
        Assert.Equal(ColumnTarget.Field("loyalty_tier"), SuggestOne(header, "Gold").Target);
    }

    [Fact]
    public void Custom_field_named_like_a_synonym_wins_over_the_synonym()
    {
        var mobile = new FieldDefinition("mobile_plan", "Mobile", FieldType.Text, []);

        Assert.Equal([ColumnTarget.Field("mobile_plan")], Suggest([mobile], ("Mobile", ["Unlimited"])));
    }

    [Fact]
    public void Misspelled_header_suggests_the_close_target_with_a_note()
    {
        var suggestion = SuggestOne("Emial", "ann@example.com");

        Assert.Equal(Email, suggestion.Target);
        Assert.Contains("spelled like Email", suggestion.Note);
    }

    [Fact]
    public void Misspelled_custom_field_header_suggests_the_field()
    {
        Assert.Equal(ColumnTarget.Field("favourite_colour"), SuggestOne("Favourite color", "blue").Target);
    }

    [Fact]
    public void Fuzzy_match_never_maps_emails_to_a_number_field()
    {
        var target = SuggestOne("Scores", "ann@example.com", "bob@example.com").Target;

        Assert.NotEqual(ColumnTarget.Field("score"), target);
    }

    [Fact]
    public void Fuzzy_match_maps_numbers_to_a_number_field()
    {
        Assert.Equal(ColumnTarget.Field("score"), SuggestOne("Scores", "12", "7.5").Target);
    }

    [Fact]
    public void Fuzzy_match_never_maps_numbers_to_email()
    {
        Assert.Equal(Ignore, SuggestOne("Emial", "12", "7").Target);
    }

    [Fact]
    public void Fuzzy_match_never_maps_a_word_column_to_a_date_field()
    {
        Assert.Equal(Ignore, SuggestOne("Birthdays", "soon", "never").Target);
    }

    [Fact]
    public void Phone_word_anywhere_in_the_header_suggests_phone()
    {
        Assert.Equal(Phone, SuggestOne("Customer Mobile Number", "(415) 555-0100").Target);
    }

    [Fact]
    public void Email_word_anywhere_in_the_header_suggests_email()
    {
        Assert.Equal(Email, SuggestOne("Billing E-mail", "ann@example.com").Target);
    }

    [Theory]
    [InlineData("Phone 1 - Type", "Mobile")]
    [InlineData("Phone 1 - Type", "")]
    [InlineData("E-mail 1 - Type", "* Home")]
    [InlineData("Email verified", "true")]
    public void Column_about_a_phone_or_email_is_not_one(string header, string sample)
    {
        Assert.Equal(Ignore, SuggestOne(header, sample).Target);
    }

    [Fact]
    public void Synonym_is_overruled_by_samples_that_contradict_it()
    {
        Assert.Equal(Ignore, SuggestOne("Mobile", "yes", "no", "yes").Target);
    }

    [Fact]
    public void Synonym_survives_a_single_bad_sample()
    {
        Assert.Equal(Phone, SuggestOne("Mobile", "+1 415 555 0100", "n/a").Target);
    }

    [Theory]
    [InlineData("WhatsApp opt-in")]
    [InlineData("Unsubscribed")]
    [InlineData("SMS consent")]
    [InlineData("Email Opt Out")]
    [InlineData("Accepts Email Marketing")]
    [InlineData("opt_in_whatsapp")]
    [InlineData("Do not call")]
    [InlineData("GDPR")]
    public void Opt_in_column_is_not_a_target(string header)
    {
        var suggestion = SuggestOne(header, "yes");

        Assert.Equal(Ignore, suggestion.Target);
        Assert.Contains("opt-in", suggestion.Note);
        Assert.Contains("never change opt-in flags", suggestion.Note);
    }

    [Fact]
    public void Column_of_opt_in_statuses_is_not_a_target_whatever_its_header()
    {
        var suggestion = SuggestOne("WhatsApp", "opted_in", "opted_out", "unknown");

        Assert.Equal(Ignore, suggestion.Target);
        Assert.Contains("opt-in", suggestion.Note);
    }

    [Fact]
    public void Column_of_unknowns_alone_is_not_taken_for_opt_ins()
    {
        Assert.Null(SuggestOne("Status", "Unknown", "unknown").Note);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("source")]
    [InlineData("created_at")]
    [InlineData("last_activity_at")]
    [InlineData("assigned_agent")]
    public void Column_set_by_veloconnect_is_not_imported(string header)
    {
        var suggestion = SuggestOne(header, "x");

        Assert.Equal(Ignore, suggestion.Target);
        Assert.Contains("set by VeloConnect", suggestion.Note);
    }

    [Theory]
    [InlineData("Company name", "Acme Cycles")]
    [InlineData("Username", "ann_l")]
    [InlineData("Nickname", "Annie")]
    [InlineData("Mailing address", "12 Main St")]
    [InlineData("Hotel", "Ritz")]
    public void Header_that_only_resembles_a_built_in_is_not_imported(string header, string sample)
    {
        Assert.Equal(Ignore, SuggestOne(header, sample).Target);
    }

    [Fact]
    public void Blank_header_is_read_from_its_samples()
    {
        Assert.Equal([Name, Email], MappingRules.Suggest(["Name", " "], [["Ann"], ["ann@example.com"]], true, []));
    }

    [Fact]
    public void Unrecognised_header_is_not_imported()
    {
        var suggestion = SuggestOne("Shoe size", "42", "44");

        Assert.Equal(Ignore, suggestion.Target);
        Assert.Null(suggestion.Note);
    }

    [Fact]
    public void Unrecognised_header_with_email_samples_suggests_email()
    {
        var suggestion = SuggestOne("Kontakt", "ann@example.com", "bob@example.com");

        Assert.Equal(Email, suggestion.Target);
        Assert.Contains("sample values", suggestion.Note);
    }

    [Fact]
    public void Unrecognised_header_with_formatted_phone_samples_suggests_phone()
    {
        Assert.Equal(Phone, SuggestOne("Numéro", "+33 6 12 34 56 78", "+33 6 98 76 54 32").Target);
    }

    [Fact]
    public void Unrecognised_header_with_bare_digits_is_not_taken_for_phones()
    {
        Assert.Equal(Ignore, SuggestOne("Customer", "10000023", "10000024").Target);
    }

    [Fact]
    public void Headerless_file_maps_by_position_from_samples()
    {
        IReadOnlyList<IReadOnlyList<string>> samples =
        [
            ["Ann Lee", "Bob Day"],
            ["ann@example.com", "bob@example.com"],
            ["4155550100", "(415) 555-0101"],
            ["vip", "gold"],
            ["+44 20 7946 0958", ""],
        ];

        var targets = MappingRules.Suggest(["Column 1", "Column 2", "Column 3", "Column 4", "Column 5"], samples, false, MappingTestFields.All);

        Assert.Equal([Ignore, Email, Phone, Ignore, Additional], targets);
    }

    [Fact]
    public void Headerless_file_ignores_what_looks_like_a_header()
    {
        // The user said there is no header: "Email" is then not evidence, the samples are.
        var targets = MappingRules.Suggest(["Email", "Name"], [["+1 415 555 0100"], ["ann@example.com"]], false, []);

        Assert.Equal([Phone, Email], targets);
    }

    [Fact]
    public void Headerless_file_never_gets_two_emails()
    {
        var targets = MappingRules.Suggest([], [["ann@example.com"], ["ann@work.example"]], false, []);

        Assert.Equal([Email, Ignore], targets);
    }

    [Fact]
    public void Headerless_column_of_opt_in_statuses_is_not_a_target()
    {
        var suggestion = MappingRules.SuggestWithNotes([], [["+1 415 555 0100"], ["opted_out"]], false, []);

        Assert.Equal([Phone, Ignore], suggestion.Select(s => s.Target));
        Assert.Contains("opt-in", suggestion[1].Note);
    }

    [Fact]
    public void Suggestion_has_one_target_per_column()
    {
        Assert.Equal(4, MappingRules.Suggest(["a", "b"], [[], [], [], []], true, []).Count);
        Assert.Equal(3, MappingRules.Suggest(["a", "b", "c"], [], true, []).Count);
    }

    [Fact]
    public void Google_contacts_export_suggests_a_valid_mapping()
    {
        string[] headers =
        [
            "First Name", "Middle Name", "Last Name", "Nickname", "Birthday", "Notes", "Labels",
            "E-mail 1 - Label", "E-mail 1 - Value", "E-mail 2 - Label", "E-mail 2 - Value",
            "Phone 1 - Label", "Phone 1 - Value", "Phone 2 - Label", "Phone 2 - Value",
        ];
        string[] row =
        [
            "Ann", "", "Lee", "", "1990-04-01", "", "* myContacts ::: Riders",
            "* Home", "ann@example.com", "Work", "ann@work.example",
            "Mobile", "+1 415-555-0100", "Work", "+1 415-555-0101",
        ];

        var targets = MappingRules.Suggest(headers, [.. row.Select(c => (IReadOnlyList<string>)[c])], true, MappingTestFields.All);

        Assert.Equal(
            [
                Name, Ignore, Ignore, Ignore, ColumnTarget.Field("birthday"), Ignore, Tags,
                Ignore, Email, Ignore, Ignore,
                Ignore, Phone, Ignore, Additional,
            ],
            targets);
        Assert.Empty(MappingRules.Validate(new ImportMapping(targets, true, "US"), headers.Length, MappingTestFields.All));
    }

    [Fact]
    public void Veloconnect_export_headers_suggest_a_valid_mapping()
    {
        string[] headers = ["id", "name", "phone", "additional_phones", "email", "tags", "loyalty_tier", "source", "created_at", "whatsapp_opt_in", "sms_opt_in"];

        var targets = Suggest(headers);

        Assert.Equal([Ignore, Name, Phone, Additional, Email, Tags, ColumnTarget.Field("loyalty_tier"), Ignore, Ignore, Ignore, Ignore], targets);
        Assert.Empty(MappingRules.Validate(new ImportMapping(targets, true, "US"), headers.Length, MappingTestFields.All));
    }
}
