using VeloConnect.ContactRules.Fields;
using Xunit;

namespace VeloConnect.ContactRules.Tests;

public sealed class FieldDefinitionTests
{
    private const string KeyError =
        "Key must start with a lower-case letter and contain only a-z, 0-9 and '_' (at most 63 characters), e.g. 'loyalty_tier'.";

    private const string OptionsError =
        "Options must be distinct, non-blank, without leading or trailing spaces, at most 100 characters, and contain no comma (commas separate multi-select values in CSV).";

    [Theory]
    [InlineData(FieldType.Text)]
    [InlineData(FieldType.Number)]
    [InlineData(FieldType.Date)]
    [InlineData(FieldType.Boolean)]
    public void Valid_field_without_options_has_no_errors(FieldType type)
    {
        Assert.Empty(new FieldDefinition("loyalty_tier", "Loyalty tier", type, []).Validate());
    }

    [Theory]
    [InlineData(FieldType.SingleSelect)]
    [InlineData(FieldType.MultiSelect)]
    public void Valid_select_field_has_no_errors(FieldType type)
    {
        Assert.Empty(new FieldDefinition("tier", "Tier", type, ["Gold", "Silver", "Bronze"]).Validate());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("tier2")]
    [InlineData("loyalty_tier")]
    [InlineData("a_")]
    public void Key_of_lower_case_letters_digits_and_underscores_is_accepted(string key)
    {
        Assert.Empty(new FieldDefinition(key, "Label", FieldType.Text, []).Validate());
    }

    [Fact]
    public void Key_of_63_characters_is_accepted_and_64_rejected()
    {
        Assert.Empty(new FieldDefinition("k" + new string('x', 62), "Label", FieldType.Text, []).Validate());

        var errors = new FieldDefinition("k" + new string('x', 63), "Label", FieldType.Text, []).Validate();

        Assert.Equal([KeyError], errors["key"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Tier")]
    [InlineData("loyaltyTier")]
    [InlineData("1tier")]
    [InlineData("_tier")]
    [InlineData("loyalty-tier")]
    [InlineData("loyalty tier")]
    [InlineData("tiér")]
    [InlineData("loyalty_tier\n")]
    [InlineData(" tier")]
    public void Key_not_matching_the_pattern_is_rejected_with_an_example(string key)
    {
        var errors = new FieldDefinition(key, "Label", FieldType.Text, []).Validate();

        Assert.Equal(["key"], errors.Keys);
        Assert.Equal([KeyError], errors["key"]);
    }

    [Theory]
    [InlineData("id")]
    [InlineData("name")]
    [InlineData("phone")]
    [InlineData("phones")]
    [InlineData("email")]
    [InlineData("tags")]
    [InlineData("source")]
    [InlineData("assigned_agent")]
    [InlineData("created_at")]
    [InlineData("last_activity_at")]
    public void Reserved_key_is_rejected_as_a_built_in_field(string key)
    {
        var errors = new FieldDefinition(key, "Label", FieldType.Text, []).Validate();

        Assert.Equal(["key"], errors.Keys);
        Assert.Equal([$"'{key}' is a built-in field; choose another key."], errors["key"]);
    }

    [Fact]
    public void Reserved_keys_are_exactly_the_built_in_fields_and_export_columns()
    {
        Assert.Equal(
            ["assigned_agent", "created_at", "email", "id", "last_activity_at", "name", "phone", "phones", "source", "tags"],
            FieldDefinition.ReservedKeys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Blank_label_is_rejected(string label)
    {
        var errors = new FieldDefinition("tier", label, FieldType.Text, []).Validate();

        Assert.Equal(["label"], errors.Keys);
        Assert.Equal(["Label is required (at most 100 characters)."], errors["label"]);
    }

    [Fact]
    public void Label_of_100_characters_is_accepted_and_101_rejected()
    {
        Assert.Empty(new FieldDefinition("tier", new string('L', 100), FieldType.Text, []).Validate());

        var errors = new FieldDefinition("tier", new string('L', 101), FieldType.Text, []).Validate();

        Assert.Equal(["Label is required (at most 100 characters)."], errors["label"]);
    }

    [Theory]
    [InlineData(FieldType.SingleSelect)]
    [InlineData(FieldType.MultiSelect)]
    public void Select_field_without_options_is_rejected(FieldType type)
    {
        var errors = new FieldDefinition("tier", "Tier", type, []).Validate();

        Assert.Equal(["options"], errors.Keys);
        Assert.Equal(["A select field needs at least one option."], errors["options"]);
    }

    [Theory]
    [InlineData("Gold", "gold")]
    [InlineData("Gold", "")]
    [InlineData("Gold", "   ")]
    [InlineData("Gold", "Silver, Bronze")]
    [InlineData("Gold", " Silver")]
    [InlineData("Gold", "Silver ")]
    public void Duplicate_blank_padded_or_comma_options_are_rejected(string first, string second)
    {
        var errors = new FieldDefinition("tier", "Tier", FieldType.MultiSelect, [first, second]).Validate();

        Assert.Equal(["options"], errors.Keys);
        Assert.Equal([OptionsError], errors["options"]);
    }

    [Fact]
    public void Option_of_100_characters_is_accepted_and_101_rejected()
    {
        Assert.Empty(new FieldDefinition("tier", "Tier", FieldType.SingleSelect, [new string('o', 100)]).Validate());

        var errors = new FieldDefinition("tier", "Tier", FieldType.SingleSelect, [new string('o', 101)]).Validate();

        Assert.Equal([OptionsError], errors["options"]);
    }

    [Fact]
    public void Up_to_500_options_are_accepted_and_501_rejected()
    {
        string[] options = [.. Enumerable.Range(1, FieldDefinition.MaxOptions + 1).Select(i => $"Option {i}")];
        Assert.Empty(new FieldDefinition("size", "Size", FieldType.SingleSelect, options[..500]).Validate());

        var errors = new FieldDefinition("size", "Size", FieldType.SingleSelect, options).Validate();

        Assert.Equal(["options"], errors.Keys);
        Assert.Equal(["At most 500 options."], errors["options"]);
    }

    [Theory]
    [InlineData(FieldType.Text)]
    [InlineData(FieldType.Number)]
    [InlineData(FieldType.Date)]
    [InlineData(FieldType.Boolean)]
    public void Options_on_a_field_that_is_not_a_select_are_rejected(FieldType type)
    {
        var errors = new FieldDefinition("tier", "Tier", type, ["Gold"]).Validate();

        Assert.Equal(["options"], errors.Keys);
        Assert.Equal(["Only single-select and multi-select fields have options."], errors["options"]);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = new FieldDefinition("Email", "", FieldType.SingleSelect, []).Validate();

        Assert.Equal(["key", "label", "options"], errors.Keys.Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData(FieldType.Text, false)]
    [InlineData(FieldType.Number, false)]
    [InlineData(FieldType.Date, false)]
    [InlineData(FieldType.Boolean, false)]
    [InlineData(FieldType.SingleSelect, true)]
    [InlineData(FieldType.MultiSelect, true)]
    public void Only_single_and_multi_select_are_selects(FieldType type, bool expected)
    {
        Assert.Equal(expected, new FieldDefinition("tier", "Tier", type, []).IsSelect);
    }
}
