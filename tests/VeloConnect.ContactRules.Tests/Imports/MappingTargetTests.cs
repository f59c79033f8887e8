using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class MappingTargetTests
{
    [Theory]
    [InlineData(TargetKind.Ignore, "ignore")]
    [InlineData(TargetKind.Name, "name")]
    [InlineData(TargetKind.PrimaryPhone, "phone")]
    [InlineData(TargetKind.AdditionalPhone, "phone_additional")]
    [InlineData(TargetKind.Email, "email")]
    [InlineData(TargetKind.Tags, "tags")]
    public void Built_in_target_is_spelled_as_the_api_spells_it(TargetKind kind, string spelling)
    {
        Assert.Equal(spelling, new ColumnTarget(kind).ToString());
    }

    [Fact]
    public void Custom_field_target_is_spelled_field_colon_key()
    {
        Assert.Equal("field:loyalty_tier", new ColumnTarget(TargetKind.CustomField, "loyalty_tier").ToString());
    }

    [Theory]
    [InlineData("ignore")]
    [InlineData("name")]
    [InlineData("phone")]
    [InlineData("phone_additional")]
    [InlineData("email")]
    [InlineData("tags")]
    [InlineData("field:loyalty_tier")]
    public void Spelling_parses_back_to_the_same_target(string spelling)
    {
        Assert.True(ColumnTarget.TryParse(spelling, out var target));
        Assert.Equal(spelling, target.ToString());
    }

    [Fact]
    public void Parse_ignores_case_and_surrounding_spaces_of_built_in_targets()
    {
        Assert.True(ColumnTarget.TryParse("  Phone_Additional ", out var target));
        Assert.Equal(new ColumnTarget(TargetKind.AdditionalPhone), target);
    }

    [Fact]
    public void Parse_keeps_the_field_key_as_written()
    {
        Assert.True(ColumnTarget.TryParse("FIELD:score", out var target));
        Assert.Equal(new ColumnTarget(TargetKind.CustomField, "score"), target);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("field:")]
    [InlineData("field:  ")]
    [InlineData("phone_primary")]
    [InlineData("optin:whatsapp")]
    [InlineData("opt_in")]
    public void Unknown_or_blank_spelling_does_not_parse(string? spelling)
    {
        Assert.False(ColumnTarget.TryParse(spelling, out var target));
        Assert.Equal(ColumnTarget.Ignore, target);
    }

    [Theory]
    [InlineData(TargetKind.Ignore, "Don't import")]
    [InlineData(TargetKind.Name, "Name")]
    [InlineData(TargetKind.PrimaryPhone, "Phone (primary)")]
    [InlineData(TargetKind.AdditionalPhone, "Phone (additional)")]
    [InlineData(TargetKind.Email, "Email")]
    [InlineData(TargetKind.Tags, "Tags")]
    public void Built_in_target_has_its_ui_label(TargetKind kind, string label)
    {
        Assert.Equal(label, new ColumnTarget(kind).Label(MappingTestFields.All));
    }

    [Fact]
    public void Custom_field_target_is_labelled_with_the_field_label()
    {
        Assert.Equal("Loyalty tier", ColumnTarget.Field("loyalty_tier").Label(MappingTestFields.All));
    }

    [Fact]
    public void Missing_custom_field_is_labelled_as_unknown()
    {
        Assert.Equal("Unknown field 'nickname'", ColumnTarget.Field("nickname").Label(MappingTestFields.All));
    }

    [Fact]
    public void Targets_compare_by_value()
    {
        Assert.Equal(ColumnTarget.Field("score"), new ColumnTarget(TargetKind.CustomField, "score"));
        Assert.Equal(ColumnTarget.Ignore, new ColumnTarget(TargetKind.Ignore));
    }
}
