using System.Text.Json;
using System.Text.Json.Nodes;
using VeloConnect.ContactRules.Fields;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class FieldValuesTests
{
    private static readonly FieldDefinition Notes = new("notes", "Notes", FieldType.Text, []);
    private static readonly FieldDefinition Score = new("score", "Score", FieldType.Number, []);
    private static readonly FieldDefinition Birthday = new("birthday", "Birthday", FieldType.Date, []);
    private static readonly FieldDefinition Member = new("member", "Member", FieldType.Boolean, []);
    private static readonly FieldDefinition Tier = new("tier", "Tier", FieldType.SingleSelect, ["Gold", "Silver", "Bronze"]);
    private static readonly FieldDefinition Colours = new("colours", "Colours", FieldType.MultiSelect, ["Red", "Green", "Blue"]);

    public static TheoryData<FieldDefinition> AllFields => new() { Notes, Score, Birthday, Member, Tier, Colours };

    // Text cells

    [Theory]
    [MemberData(nameof(AllFields))]
    public void Blank_cell_is_no_value_and_no_error(FieldDefinition field)
    {
        foreach (var cell in new[] { null, "", "   " })
        {
            Assert.True(FieldValues.TryParseText(field, cell, out var json, out var error));
            Assert.Null(json);
            Assert.Null(error);
        }
    }

    [Theory]
    [InlineData("Likes cycling", "\"Likes cycling\"")]
    [InlineData("  padded  ", "\"padded\"")]
    [InlineData("a, b", "\"a, b\"")]
    public void Text_cell_becomes_a_trimmed_json_string(string cell, string expected)
    {
        Assert.True(FieldValues.TryParseText(Notes, cell, out var json, out var error));
        Assert.Equal(expected, json);
        Assert.Null(error);
    }

    [Fact]
    public void Text_with_quotes_and_accents_is_kept_exactly()
    {
        Assert.True(FieldValues.TryParseText(Notes, "Zoë said \"hi\" <3", out var json, out _));
        Assert.Equal("Zoë said \"hi\" <3", FieldValues.ToJson(json!)!.GetValue<string>());
    }

    [Fact]
    public void Text_of_the_maximum_length_is_accepted()
    {
        var text = new string('x', FieldValues.MaxTextLength);

        Assert.True(FieldValues.TryParseText(Notes, text, out var json, out var error));
        Assert.Equal("\"" + text + "\"", json);
        Assert.Null(error);
    }

    [Fact]
    public void Text_longer_than_the_maximum_is_rejected_naming_the_field()
    {
        Assert.False(FieldValues.TryParseText(Notes, new string('x', FieldValues.MaxTextLength + 1), out var json, out var error));
        Assert.Null(json);
        Assert.Equal("Notes: text is longer than 10000 characters.", error);
    }

    [Theory]
    [InlineData("1234.5", "1234.5")]
    [InlineData("42", "42")]
    [InlineData(" -12 ", "-12")]
    [InlineData("+5", "5")]
    [InlineData("0.25", "0.25")]
    [InlineData("1e3", "1000")]
    [InlineData("-0", "0")]
    public void Number_cell_becomes_a_json_number(string cell, string expected)
    {
        Assert.True(FieldValues.TryParseText(Score, cell, out var json, out var error));
        Assert.Equal(expected, json);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("1,234")]
    [InlineData("12,5")]
    [InlineData("abc")]
    [InlineData("12 kg")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("1e30")]
    public void Invalid_number_cell_is_rejected_naming_the_field_and_the_expected_form(string cell)
    {
        Assert.False(FieldValues.TryParseText(Score, cell, out var json, out var error));
        Assert.Null(json);
        Assert.Equal($"Score: '{cell}' is not a number (use digits with '.' as the decimal point, e.g. 1234.5).", error);
    }

    [Theory]
    [InlineData("2024-03-31")]
    [InlineData(" 2024-03-31 ")]
    [InlineData("2024/03/31")]
    [InlineData("2024-03-31T23:30:00")]
    [InlineData("2024-03-31T23:30:00Z")]
    [InlineData("2024-03-31T00:00:00.123Z")]
    public void Date_cell_becomes_a_json_date_string(string cell)
    {
        Assert.True(FieldValues.TryParseText(Birthday, cell, out var json, out var error));
        Assert.Equal("\"2024-03-31\"", json);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("31/03/2024")]
    [InlineData("03/31/2024")]
    [InlineData("2024-02-30")]
    [InlineData("March 31, 2024")]
    [InlineData("2024-3-31")]
    [InlineData("yesterday")]
    public void Invalid_date_cell_is_rejected_naming_the_field_and_the_expected_form(string cell)
    {
        Assert.False(FieldValues.TryParseText(Birthday, cell, out var json, out var error));
        Assert.Null(json);
        Assert.Equal($"Birthday: '{cell}' is not a date (use YYYY-MM-DD, e.g. 2024-03-31).", error);
    }

    [Theory]
    [InlineData("true", "true")]
    [InlineData("TRUE", "true")]
    [InlineData("Yes", "true")]
    [InlineData("y", "true")]
    [InlineData("1", "true")]
    [InlineData("false", "false")]
    [InlineData("No", "false")]
    [InlineData("N", "false")]
    [InlineData("0", "false")]
    public void Boolean_cell_becomes_true_or_false(string cell, string expected)
    {
        Assert.True(FieldValues.TryParseText(Member, cell, out var json, out var error));
        Assert.Equal(expected, json);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("maybe")]
    [InlineData("2")]
    [InlineData("yes please")]
    public void Invalid_boolean_cell_is_rejected_naming_the_field_and_the_expected_form(string cell)
    {
        Assert.False(FieldValues.TryParseText(Member, cell, out var json, out var error));
        Assert.Null(json);
        Assert.Equal($"Member: '{cell}' is not a yes/no value (use true or false).", error);
    }

    [Theory]
    [InlineData("Gold")]
    [InlineData("gold")]
    [InlineData(" GOLD ")]
    public void Single_select_cell_becomes_the_options_spelling(string cell)
    {
        Assert.True(FieldValues.TryParseText(Tier, cell, out var json, out var error));
        Assert.Equal("\"Gold\"", json);
        Assert.Null(error);
    }

    [Fact]
    public void Single_select_value_that_is_not_an_option_is_rejected_listing_the_options()
    {
        Assert.False(FieldValues.TryParseText(Tier, "Platinum", out var json, out var error));
        Assert.Null(json);
        Assert.Equal(
            "Tier: 'Platinum' is not one of the options (Gold, Silver, Bronze); add it in Settings → Contact fields or fix the value.",
            error);
    }

    [Fact]
    public void Single_select_cell_with_two_options_is_rejected()
    {
        Assert.False(FieldValues.TryParseText(Tier, "Gold, Silver", out _, out var error));
        Assert.Equal(
            "Tier: 'Gold, Silver' is not one of the options (Gold, Silver, Bronze); add it in Settings → Contact fields or fix the value.",
            error);
    }

    [Fact]
    public void Option_list_in_an_error_is_cut_after_ten_options()
    {
        var many = new FieldDefinition("size", "Size", FieldType.SingleSelect, [.. Enumerable.Range(1, 12).Select(i => $"S{i}")]);

        Assert.False(FieldValues.TryParseText(many, "XL", out _, out var error));
        Assert.Equal(
            "Size: 'XL' is not one of the options (S1, S2, S3, S4, S5, S6, S7, S8, S9, S10, …); add it in Settings → Contact fields or fix the value.",
            error);
    }

    [Fact]
    public void Multi_select_cell_becomes_an_array_of_option_spellings_without_duplicates()
    {
        Assert.True(FieldValues.TryParseText(Colours, "blue, RED,,red , Blue", out var json, out var error));
        Assert.Equal("[\"Blue\",\"Red\"]", json);
        Assert.Null(error);
    }

    [Fact]
    public void Multi_select_cell_of_only_commas_is_no_value()
    {
        Assert.True(FieldValues.TryParseText(Colours, " , ,", out var json, out var error));
        Assert.Null(json);
        Assert.Null(error);
    }

    [Fact]
    public void Multi_select_cell_with_an_unknown_option_is_rejected_naming_that_option()
    {
        Assert.False(FieldValues.TryParseText(Colours, "Red, purple ,Blue", out var json, out var error));
        Assert.Null(json);
        Assert.Equal(
            "Colours: 'purple' is not one of the options (Red, Green, Blue); add it in Settings → Contact fields or fix the value.",
            error);
    }

    // JSON values

    [Theory]
    [MemberData(nameof(AllFields))]
    public void Json_null_clears_the_value_without_error(FieldDefinition field)
    {
        Assert.True(FieldValues.TryParseJson(field, Json("null"), out var json, out var error));
        Assert.Null(json);
        Assert.Null(error);
    }

    [Theory]
    [MemberData(nameof(AllFields))]
    public void Json_blank_string_is_rejected_telling_to_send_null(FieldDefinition field)
    {
        Assert.False(FieldValues.TryParseJson(field, Json("\"  \""), out var json, out var error));
        Assert.Null(json);
        Assert.Equal($"{field.Label}: a blank value is not allowed; send null to clear the field.", error);
    }

    [Theory]
    [InlineData("notes", "\" Likes cycling \"", "\"Likes cycling\"")]
    [InlineData("score", "12.5", "12.5")]
    [InlineData("score", "-3", "-3")]
    [InlineData("score", "1e3", "1000")]
    [InlineData("score", "\"12.5\"", "12.5")]
    [InlineData("birthday", "\"2024-03-31\"", "\"2024-03-31\"")]
    [InlineData("birthday", "\"2024-03-31T10:00:00Z\"", "\"2024-03-31\"")]
    [InlineData("member", "true", "true")]
    [InlineData("member", "false", "false")]
    [InlineData("member", "\"yes\"", "true")]
    [InlineData("tier", "\"silver\"", "\"Silver\"")]
    [InlineData("colours", "[\"green\", \"Red\", \"GREEN\"]", "[\"Green\",\"Red\"]")]
    [InlineData("colours", "\"green, red\"", "[\"Green\",\"Red\"]")]
    public void Valid_json_value_becomes_canonical_json(string key, string value, string expected)
    {
        Assert.True(FieldValues.TryParseJson(Field(key), Json(value), out var json, out var error));
        Assert.Equal(expected, json);
        Assert.Null(error);
    }

    [Fact]
    public void Json_number_built_in_memory_is_accepted()
    {
        Assert.True(FieldValues.TryParseJson(Score, JsonSerializer.SerializeToElement(2), out var fromInt, out _));
        Assert.True(FieldValues.TryParseJson(Score, JsonSerializer.SerializeToElement(1.5), out var fromDouble, out _));

        Assert.Equal("2", fromInt);
        Assert.Equal("1.5", fromDouble);
    }

    [Theory]
    [InlineData("1e30")]
    [InlineData("1e400")]
    public void Json_number_out_of_range_is_rejected_naming_the_field(string value)
    {
        Assert.False(FieldValues.TryParseJson(Score, Json(value), out var json, out var error));
        Assert.Null(json);
        Assert.Equal($"Score: {value} is out of range for a number (use at most 28 digits, e.g. 1234.5).", error);
    }

    [Fact]
    public void Empty_json_array_for_a_multi_select_is_no_value()
    {
        Assert.True(FieldValues.TryParseJson(Colours, Json("[]"), out var json, out var error));
        Assert.Null(json);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("notes", "12", "Notes: expected text, got a JSON number.")]
    [InlineData("notes", "[\"a\"]", "Notes: expected text, got a JSON array.")]
    [InlineData("score", "true", "Score: expected a number, got a JSON true.")]
    [InlineData("score", "{}", "Score: expected a number, got a JSON object.")]
    [InlineData("birthday", "20240331", "Birthday: expected a date (YYYY-MM-DD), got a JSON number.")]
    [InlineData("member", "1", "Member: expected true or false, got a JSON number.")]
    [InlineData("tier", "[\"Gold\"]", "Tier: expected one of the options, got a JSON array.")]
    [InlineData("colours", "{\"a\": 1}", "Colours: expected an array of options, got a JSON object.")]
    [InlineData("colours", "[1]", "Colours: a multi-select value is an array of option strings.")]
    [InlineData("colours", "[\"Red\", null]", "Colours: a multi-select value is an array of option strings.")]
    [InlineData("score", "\"ten\"", "Score: 'ten' is not a number (use digits with '.' as the decimal point, e.g. 1234.5).")]
    [InlineData("birthday", "\"31/03/2024\"", "Birthday: '31/03/2024' is not a date (use YYYY-MM-DD, e.g. 2024-03-31).")]
    [InlineData("member", "\"maybe\"", "Member: 'maybe' is not a yes/no value (use true or false).")]
    [InlineData("tier", "\"Platinum\"", "Tier: 'Platinum' is not one of the options (Gold, Silver, Bronze); add it in Settings → Contact fields or fix the value.")]
    [InlineData("colours", "[\"Red\", \"Purple\"]", "Colours: 'Purple' is not one of the options (Red, Green, Blue); add it in Settings → Contact fields or fix the value.")]
    public void Invalid_json_value_is_rejected_naming_the_field_and_what_is_expected(string key, string value, string expected)
    {
        Assert.False(FieldValues.TryParseJson(Field(key), Json(value), out var json, out var error));
        Assert.Null(json);
        Assert.Equal(expected, error);
    }

    // Canonical values back out

    [Theory]
    [InlineData("\"Likes cycling\"", "Likes cycling")]
    [InlineData("1234.5", "1234.5")]
    [InlineData("\"2024-03-31\"", "2024-03-31")]
    [InlineData("true", "true")]
    [InlineData("false", "false")]
    [InlineData("\"Gold\"", "Gold")]
    [InlineData("[\"Blue\",\"Red\"]", "Blue, Red")]
    public void ToCell_writes_the_value_as_a_csv_cell(string canonical, string expected)
    {
        Assert.Equal(expected, FieldValues.ToCell(canonical));
    }

    [Theory]
    [InlineData("notes", "Said \"hi\", then left")]
    [InlineData("notes", "Zoë")]
    [InlineData("score", "-1234.5")]
    [InlineData("birthday", "2024/03/31")]
    [InlineData("member", "yes")]
    [InlineData("tier", "bronze")]
    [InlineData("colours", "green, red")]
    public void Cell_to_canonical_to_cell_round_trips(string key, string cell)
    {
        var field = Field(key);
        Assert.True(FieldValues.TryParseText(field, cell, out var canonical, out _));

        Assert.True(FieldValues.TryParseText(field, FieldValues.ToCell(canonical!), out var again, out var error));

        Assert.Equal(canonical, again);
        Assert.Null(error);
    }

    [Theory]
    [InlineData("notes", "\"Likes cycling\"")]
    [InlineData("score", "1234.5")]
    [InlineData("birthday", "\"2024-03-31\"")]
    [InlineData("member", "false")]
    [InlineData("tier", "\"Gold\"")]
    [InlineData("colours", "[\"Blue\",\"Red\"]")]
    public void Canonical_to_json_to_canonical_round_trips(string key, string canonical)
    {
        var node = JsonSerializer.SerializeToElement(FieldValues.ToJson(canonical));

        Assert.True(FieldValues.TryParseJson(Field(key), node, out var again, out var error));

        Assert.Equal(canonical, again);
        Assert.Null(error);
    }

    [Fact]
    public void ToJson_keeps_a_multi_select_as_an_array()
    {
        var node = FieldValues.ToJson("[\"Blue\",\"Red\"]");

        var array = Assert.IsType<JsonArray>(node);
        Assert.Equal(["Blue", "Red"], array.Select(i => i!.GetValue<string>()));
    }

    [Theory]
    [InlineData(FieldType.Text, "text")]
    [InlineData(FieldType.Number, "a number")]
    [InlineData(FieldType.Date, "a date (YYYY-MM-DD)")]
    [InlineData(FieldType.Boolean, "true or false")]
    [InlineData(FieldType.SingleSelect, "one of the options")]
    [InlineData(FieldType.MultiSelect, "an array of options")]
    public void Describe_names_what_each_type_expects(FieldType type, string expected)
    {
        Assert.Equal(expected, FieldValues.Describe(type));
    }

    /// <summary>A JSON value as the API's body reader gives it.</summary>
    private static JsonElement Json(string json) => JsonDocument.Parse(json).RootElement;

    private static FieldDefinition Field(string key) => key switch
    {
        "notes" => Notes,
        "score" => Score,
        "birthday" => Birthday,
        "member" => Member,
        "tier" => Tier,
        "colours" => Colours,
        _ => throw new ArgumentOutOfRangeException(nameof(key), key, null),
    };

    [Theory]
    [InlineData("1.50", "1.5")]
    [InlineData("1.500", "1.5")]
    [InlineData("100", "100")]
    [InlineData("100.0", "100")]
    [InlineData("-0.250", "-0.25")]
    [InlineData("1e3", "1000")]
    public void Numbers_have_one_canonical_spelling(string cell, string expected)
    {
        var field = new FieldDefinition("score", "Score", FieldType.Number, []);
        Assert.True(FieldValues.TryParseText(field, cell, out var canonical, out var error), error);
        Assert.Equal(expected, canonical);
    }
}
