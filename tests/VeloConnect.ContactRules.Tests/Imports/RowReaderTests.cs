using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class RowReaderTests
{
    private static readonly string[] Headers = ["Name", "Phone", "Other phone", "Email", "Tags", "Tier", "Score", "Notes"];

    private static readonly ImportMapping Mapping = new(
        [
            new(TargetKind.Name),
            new(TargetKind.PrimaryPhone),
            new(TargetKind.AdditionalPhone),
            new(TargetKind.Email),
            new(TargetKind.Tags),
            ColumnTarget.Field("loyalty_tier"),
            ColumnTarget.Field("score"),
            ColumnTarget.Ignore,
        ],
        HasHeader: true,
        Region: "US");

    private static RowResult Read(params string[] cells) => new RowReader(Mapping, Headers, MappingTestFields.All).Read(cells);

    private static readonly ImportMapping InvalidPolicy = Mapping with { BadIdentifier = BadIdentifierPolicy.Invalid };

    private static RowResult ReadInvalidPolicy(params string[] cells) => ReadWith(InvalidPolicy, Headers, cells);

    private static RowResult ReadWith(ImportMapping mapping, string[] headers, params string[] cells) =>
        new RowReader(mapping, headers, MappingTestFields.All).Read(cells);

    [Fact]
    public void Full_row_becomes_a_normalised_contact()
    {
        var result = Read(" Ann Lee ", "(415) 555-0100", "415.555.0101", " Ann@Example.com ", "vip, newsletter", "gold", "1.50", "ignored");

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        var contact = result.Contact!;
        Assert.Equal("Ann Lee", contact.Name);
        Assert.Equal("+14155550100", contact.PrimaryPhone);
        Assert.Equal(["+14155550101"], contact.AdditionalPhones);
        Assert.Equal("Ann@Example.com", contact.Email);
        Assert.Equal(["vip", "newsletter"], contact.Tags);
        Assert.Equal("\"Gold\"", contact.Custom["loyalty_tier"]);
        Assert.Equal("1.5", contact.Custom["score"]);
        Assert.Null(contact.AssignedAgentId);
    }

    [Fact]
    public void Blank_cell_is_not_given()
    {
        var contact = Read("", "+1 415 555 0100", "  ", "", "", "", " ", "").Contact!;

        Assert.Null(contact.Name);
        Assert.Null(contact.Email);
        Assert.Empty(contact.AdditionalPhones);
        Assert.Empty(contact.Tags);
        Assert.Empty(contact.Custom);
    }

    [Fact]
    public void Missing_trailing_cells_are_blank()
    {
        var result = Read("Ann", "+1 415 555 0100");

        Assert.True(result.IsValid);
        Assert.Null(result.Contact!.Email);
    }

    [Fact]
    public void Extra_cells_make_the_row_invalid_with_delimiter_advice()
    {
        var headers = new[] { "Name", "Phone", "Email", "Tags", "Notes" };
        var mapping = new ImportMapping([new(TargetKind.Name), new(TargetKind.PrimaryPhone), new(TargetKind.Email), new(TargetKind.Tags), ColumnTarget.Ignore], true, "US");

        var result = ReadWith(mapping, headers, "Lee", " Ann", "+1 415 555 0100", "ann@example.com", "vip", "x", "y");

        Assert.False(result.IsValid);
        Assert.Contains("row has 7 cells, the header has 5: check for an unquoted delimiter", result.Errors[0]);
    }

    [Fact]
    public void Blank_extra_cells_from_a_trailing_delimiter_are_ignored()
    {
        var mapping = new ImportMapping([new(TargetKind.Name), new(TargetKind.Email)], true, "US");

        var result = ReadWith(mapping, ["Name", "Email"], "Ann", "ann@example.com", "", " ");

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Phones_are_normalised_in_the_mapping_region()
    {
        var mapping = Mapping with { Region = "GB" };

        var contact = ReadWith(mapping, Headers, "Ann", "020 7946 0958", "+1 415 555 0100").Contact!;

        Assert.Equal("+442079460958", contact.PrimaryPhone);
        Assert.Equal(["+14155550100"], contact.AdditionalPhones);
    }

    [Fact]
    public void Invalid_phone_makes_the_row_invalid_with_its_reason_when_the_mapping_says_invalid()
    {
        var result = ReadInvalidPolicy("Ann", "555-01", "", "ann@example.com");

        Assert.False(result.IsValid);
        Assert.Null(result.Contact);
        var error = Assert.Single(result.Errors);
        Assert.StartsWith("column 'Phone': '555-01' is not", error);
    }

    [Fact]
    public void Invalid_additional_phone_makes_the_row_invalid_when_the_mapping_says_invalid()
    {
        var result = ReadInvalidPolicy("Ann", "+1 415 555 0100", "call me", "");

        Assert.StartsWith("column 'Other phone': 'call me' is not a phone number", Assert.Single(result.Errors));
    }

    [Fact]
    public void Malformed_email_makes_the_row_invalid_with_its_reason_when_the_mapping_says_invalid()
    {
        var result = ReadInvalidPolicy("Ann", "+1 415 555 0100", "", "ann@example");

        Assert.Equal(["column 'Email': 'ann@example' is not a valid email address (expected name@example.com)."], result.Errors);
    }

    [Fact]
    public void By_default_a_row_with_a_bad_phone_and_a_good_email_is_imported_by_its_email_with_a_warning()
    {
        var result = Read("Ann", "555-01", "", "ann@example.com", "vip");

        Assert.True(result.IsValid);
        Assert.Empty(result.Errors);
        Assert.Null(result.Contact!.PrimaryPhone);
        Assert.Empty(result.Contact.AdditionalPhones);
        Assert.Equal("ann@example.com", result.Contact.Email);
        Assert.Equal(["vip"], result.Contact.Tags);
        var warning = Assert.Single(result.Warnings);
        Assert.StartsWith("column 'Phone': '555-01' is not", warning);
        Assert.EndsWith("; left out, the row was imported by its email.", warning);
    }

    [Fact]
    public void By_default_a_row_with_a_bad_email_and_a_good_phone_is_imported_by_its_phone_with_a_warning()
    {
        var result = Read("Ann", "+1 415 555 0100", "", "ann@example");

        Assert.Equal("+14155550100", result.Contact!.PrimaryPhone);
        Assert.Null(result.Contact.Email);
        Assert.Equal(["column 'Email': 'ann@example' is not a valid email address (expected name@example.com); left out, the row was imported by its phone."], result.Warnings);
    }

    [Fact]
    public void By_default_a_bad_additional_phone_is_left_out_with_a_warning()
    {
        var result = Read("Ann", "+1 415 555 0100", "call me", "ann@example.com");

        Assert.Equal("+14155550100", result.Contact!.PrimaryPhone);
        Assert.Empty(result.Contact.AdditionalPhones);
        Assert.StartsWith("column 'Other phone': 'call me' is not a phone number", Assert.Single(result.Warnings));
        Assert.EndsWith("the row was imported by its phone and email.", result.Warnings[0]);
    }

    [Fact]
    public void A_row_with_no_valid_phone_or_email_stays_invalid_under_either_choice()
    {
        foreach (var result in new[] { Read("Ann", "12", "", "not-an-email"), ReadInvalidPolicy("Ann", "12", "", "not-an-email") })
        {
            Assert.False(result.IsValid);
            Assert.Equal(2, result.Errors.Count);
            Assert.Empty(result.Warnings);
        }
    }

    [Fact]
    public void A_bad_phone_with_another_error_keeps_the_row_invalid_with_every_reason()
    {
        var result = Read("Ann", "12", "", "ann@example.com", "", "Platinum");

        Assert.False(result.IsValid);
        Assert.Equal(2, result.Errors.Count);
        Assert.StartsWith("column 'Phone'", result.Errors[0]);
        Assert.StartsWith("column 'Tier'", result.Errors[1]);
    }

    [Fact]
    public void The_choice_is_stored_in_the_mapping_json_only_when_it_is_not_the_default()
    {
        var invalid = System.Text.Json.JsonSerializer.Serialize(InvalidPolicy);
        var byDefault = System.Text.Json.JsonSerializer.Serialize(Mapping);

        Assert.Contains("\"BadIdentifier\":\"invalid\"", invalid);
        Assert.DoesNotContain("BadIdentifier", byDefault);
        Assert.Equal(BadIdentifierPolicy.Invalid, System.Text.Json.JsonSerializer.Deserialize<ImportMapping>(invalid)!.BadIdentifier);
        Assert.Equal(BadIdentifierPolicy.Import, System.Text.Json.JsonSerializer.Deserialize<ImportMapping>(byDefault)!.BadIdentifier);
    }

    [Fact]
    public void Tags_cell_is_split_on_commas()
    {
        var contact = Read("Ann", "+1 415 555 0100", "", "", " vip ,newsletter,, Pro ,VIP").Contact!;

        Assert.Equal(["vip", "newsletter", "Pro"], contact.Tags);
    }

    [Fact]
    public void Google_group_separator_also_splits_tags()
    {
        var contact = Read("Ann", "+1 415 555 0100", "", "", "* myContacts ::: Riders").Contact!;

        Assert.Equal(["* myContacts", "Riders"], contact.Tags);
    }

    [Fact]
    public void Tags_from_several_columns_are_combined()
    {
        var mapping = new ImportMapping([new(TargetKind.Email), new(TargetKind.Tags), new(TargetKind.Tags)], true, "US");

        var contact = ReadWith(mapping, ["Email", "Labels", "Groups"], "ann@example.com", "vip, pro", "PRO, riders").Contact!;

        Assert.Equal(["vip", "pro", "riders"], contact.Tags);
    }

    [Fact]
    public void Too_long_tag_makes_the_row_invalid()
    {
        var result = Read("Ann", "+1 415 555 0100", "", "", new string('t', 101));

        Assert.StartsWith("column 'Tags': Tag 'tttt", Assert.Single(result.Errors));
    }

    [Fact]
    public void Custom_value_is_stored_in_its_canonical_form()
    {
        var mapping = new ImportMapping([new(TargetKind.Email), ColumnTarget.Field("birthday"), ColumnTarget.Field("interests")], true, "US");

        var contact = ReadWith(mapping, ["Email", "Birthday", "Interests"], "ann@example.com", "1990/04/01", "gravel, ROAD").Contact!;

        Assert.Equal("\"1990-04-01\"", contact.Custom["birthday"]);
        Assert.Equal("[\"Gravel\",\"Road\"]", contact.Custom["interests"]);
    }

    [Fact]
    public void Value_that_does_not_fit_its_field_type_makes_the_row_invalid()
    {
        var result = Read("Ann", "+1 415 555 0100", "", "", "", "", "lots");

        var error = Assert.Single(result.Errors);
        Assert.Equal("column 'Score' (field Score): 'lots' is not a number with '.' as the decimal separator (e.g. 1,234.5): fix the value or choose the column's decimal separator.", error);
    }

    [Fact]
    public void Value_that_is_not_an_option_names_the_options()
    {
        var result = Read("Ann", "+1 415 555 0100", "", "", "", "Platinum");

        Assert.Contains("'Platinum' is not one of the options (Bronze, Silver, Gold)", Assert.Single(result.Errors));
    }

    [Fact]
    public void Value_for_a_field_deleted_since_the_mapping_was_confirmed_makes_the_row_invalid()
    {
        var result = new RowReader(Mapping, Headers, [MappingTestFields.LoyaltyTier]).Read(["Ann", "+1 415 555 0100", "", "", "", "", "12"]);

        Assert.Contains("custom field 'score' no longer exists", Assert.Single(result.Errors));
    }

    [Fact]
    public void Blank_cell_for_a_deleted_field_is_fine()
    {
        var result = new RowReader(Mapping, Headers, []).Read(["Ann", "+1 415 555 0100"]);

        Assert.True(result.IsValid);
    }

    [Fact]
    public void Cell_over_the_limit_makes_the_row_invalid_with_its_size()
    {
        var result = Read("Ann", "+1 415 555 0100", "", "", "", "", "", new string('x', 1_048_576));

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("cell in column 'Notes' is 1,048,576 characters; the limit is 10,000", error);
    }

    [Fact]
    public void Cell_at_the_limit_is_fine()
    {
        var mapping = new ImportMapping([new(TargetKind.Email), ColumnTarget.Field("favourite_colour")], true, "US");

        var result = ReadWith(mapping, ["Email", "Colour"], "ann@example.com", new string('x', 10_000));

        Assert.True(result.IsValid);
    }

    [Fact]
    public void No_phone_and_no_email_makes_the_row_invalid()
    {
        var result = Read("Ann", "", "", "", "vip");

        Assert.StartsWith("no phone and no email: a contact needs one of them", Assert.Single(result.Errors));
    }

    [Fact]
    public void Several_reasons_are_all_reported()
    {
        var result = Read("Ann", "12", "", "not-an-email", "", "Platinum", "lots");

        Assert.Equal(4, result.Errors.Count);
        Assert.StartsWith("column 'Phone'", result.Errors[0]);
        Assert.StartsWith("column 'Email'", result.Errors[1]);
        Assert.StartsWith("column 'Tier'", result.Errors[2]);
        Assert.StartsWith("column 'Score'", result.Errors[3]);
    }

    [Fact]
    public void Additional_phone_equal_to_the_primary_is_dropped()
    {
        var contact = Read("Ann", "(415) 555-0100", "+1 415 555 0100").Contact!;

        Assert.Equal("+14155550100", contact.PrimaryPhone);
        Assert.Empty(contact.AdditionalPhones);
    }

    [Fact]
    public void Duplicate_additional_phones_are_removed()
    {
        var mapping = new ImportMapping([new(TargetKind.AdditionalPhone), new(TargetKind.AdditionalPhone), new(TargetKind.AdditionalPhone)], true, "US");

        var contact = ReadWith(mapping, ["Home", "Work", "Other"], "415 555 0101", "+1 (415) 555-0102", "415.555.0101").Contact!;

        Assert.Equal(["+14155550101", "+14155550102"], contact.AdditionalPhones);
    }

    [Fact]
    public void Cell_with_several_phones_gives_the_primary_and_additional_ones()
    {
        var contact = Read("Ann", "+1 415 555 0100 ::: +1 415 555 0101, 415 555 0102").Contact!;

        Assert.Equal("+14155550100", contact.PrimaryPhone);
        Assert.Equal(["+14155550101", "+14155550102"], contact.AdditionalPhones);
    }

    [Fact]
    public void Primary_phone_comes_first_even_when_an_additional_column_stands_before_it()
    {
        var mapping = new ImportMapping([new(TargetKind.AdditionalPhone), new(TargetKind.PrimaryPhone)], true, "US");

        var contact = ReadWith(mapping, ["Other", "Mobile"], "415 555 0101", "415 555 0100").Contact!;

        Assert.Equal("+14155550100", contact.PrimaryPhone);
        Assert.Equal(["+14155550101"], contact.AdditionalPhones);
    }

    [Fact]
    public void Additional_phones_without_a_primary_stay_additional()
    {
        // The merge makes the first one primary for a new contact and adds them to a matched contact's phones.
        var mapping = new ImportMapping([new(TargetKind.Name), new(TargetKind.AdditionalPhone)], true, "US");

        var contact = ReadWith(mapping, ["Name", "Other phone"], "Ann", "415 555 0101").Contact!;

        Assert.Null(contact.PrimaryPhone);
        Assert.Equal(["+14155550101"], contact.AdditionalPhones);
        Assert.True(contact.HasIdentifier);
    }

    [Fact]
    public void Blank_primary_phone_with_an_additional_phone_is_valid()
    {
        var contact = Read("Ann", "", "415 555 0101").Contact!;

        Assert.Null(contact.PrimaryPhone);
        Assert.Equal(["+14155550101"], contact.AdditionalPhones);
    }

    [Fact]
    public void Ignored_columns_are_not_read()
    {
        var mapping = new ImportMapping([new(TargetKind.Email), ColumnTarget.Ignore], true, "US");

        var result = ReadWith(mapping, ["Email", "Phone"], "ann@example.com", "not a phone");

        Assert.True(result.IsValid);
        Assert.Null(result.Contact!.PrimaryPhone);
    }

    [Fact]
    public void Headerless_file_names_columns_by_position()
    {
        var mapping = new ImportMapping([new(TargetKind.Name), new(TargetKind.PrimaryPhone)], false, "US");

        var result = ReadWith(mapping with { BadIdentifier = BadIdentifierPolicy.Invalid }, ["Ann", "12"], "Bob", "34");

        Assert.StartsWith("column 'Column 2': '34' is not", Assert.Single(result.Errors));
    }

    [Fact]
    public void Headerless_row_with_extra_cells_counts_the_file_columns()
    {
        var mapping = new ImportMapping([new(TargetKind.Email)], false, "US");

        var result = ReadWith(mapping, [], "ann@example.com", "x");

        Assert.Contains("row has 2 cells, the file has 1 columns", result.Errors[0]);
    }

    [Fact]
    public void Unknown_region_is_reported_for_a_number_without_country_code()
    {
        var result = ReadWith(Mapping with { Region = "XX" }, Headers, "Ann", "415 555 0100");

        Assert.Contains("'XX' is not a known region", Assert.Single(result.Errors));
    }

    [Fact]
    public void Number_with_country_code_reads_in_any_region()
    {
        var contact = ReadWith(Mapping with { Region = "DE" }, Headers, "Ann", "+1 415 555 0100").Contact!;

        Assert.Equal("+14155550100", contact.PrimaryPhone);
    }

    [Fact]
    public void Reader_reads_many_rows_independently()
    {
        var reader = new RowReader(Mapping, Headers, MappingTestFields.All);

        var first = reader.Read(["Ann", "+1 415 555 0100", "", "", "vip"]);
        var second = reader.Read(["Bob", "+1 415 555 0101", "", "", "pro"]);

        Assert.Equal(["vip"], first.Contact!.Tags);
        Assert.Equal(["pro"], second.Contact!.Tags);
    }

    [Fact]
    public void Text_field_keeps_the_trimmed_value()
    {
        var mapping = new ImportMapping([new(TargetKind.Email), ColumnTarget.Field("favourite_colour")], true, "US");

        var contact = ReadWith(mapping, ["Email", "Colour"], "ann@example.com", "  sky blue ").Contact!;

        Assert.Equal("\"sky blue\"", contact.Custom["favourite_colour"]);
    }

    [Fact]
    public void Field_type_number_field_reads_invariant_decimals()
    {
        var field = new FieldDefinition("weight", "Weight", FieldType.Number, []);
        var mapping = new ImportMapping([new(TargetKind.Email), ColumnTarget.Field("weight")], true, "US");

        var contact = new RowReader(mapping, ["Email", "Weight"], [field]).Read(["ann@example.com", "72.500"]).Contact!;

        Assert.Equal("72.5", contact.Custom["weight"]);
    }
}
