using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class MappingValidateTests
{
    private static readonly ColumnTarget Name = new(TargetKind.Name);
    private static readonly ColumnTarget Phone = new(TargetKind.PrimaryPhone);
    private static readonly ColumnTarget Additional = new(TargetKind.AdditionalPhone);
    private static readonly ColumnTarget Email = new(TargetKind.Email);
    private static readonly ColumnTarget Tags = new(TargetKind.Tags);

    private static Dictionary<string, string[]> Validate(params ColumnTarget[] columns) =>
        MappingRules.Validate(new ImportMapping(columns, HasHeader: true, "US"), columns.Length, MappingTestFields.All);

    [Fact]
    public void Complete_mapping_has_no_problems()
    {
        Assert.Empty(Validate(Name, Phone, Additional, Email, Tags, ColumnTarget.Field("score"), ColumnTarget.Ignore));
    }

    [Fact]
    public void Column_count_that_differs_from_the_file_is_refused()
    {
        var errors = MappingRules.Validate(new ImportMapping([Name, Phone], true, "US"), 3, MappingTestFields.All);

        var message = Assert.Single(errors["mapping"]);
        Assert.Contains("2 column targets but the file has 3 columns", message);
    }

    [Fact]
    public void Two_email_columns_are_refused()
    {
        var errors = Validate(Email, Phone, Email);

        Assert.Equal(["columns[2]"], errors.Keys);
        Assert.Contains("Only one column can be Email", errors["columns[2]"][0]);
        Assert.Contains("column 1 already is", errors["columns[2]"][0]);
    }

    [Fact]
    public void Two_name_columns_are_combined_not_refused()
    {
        // Issue 12: several Name columns are combined in column order (First + Last); until then this was refused.
        Assert.Empty(Validate(Name, Name, Phone));
    }

    [Fact]
    public void Two_primary_phone_columns_are_refused()
    {
        var errors = Validate(Phone, Phone);

        Assert.Contains("Only one column can be Phone (primary)", Assert.Single(errors["columns[1]"]));
    }

    [Fact]
    public void Several_additional_phone_columns_are_allowed()
    {
        Assert.Empty(Validate(Phone, Additional, Additional));
    }

    [Fact]
    public void Several_tags_columns_are_allowed()
    {
        Assert.Empty(Validate(Email, Tags, Tags));
    }

    [Fact]
    public void Same_custom_field_twice_is_refused()
    {
        var errors = Validate(Email, ColumnTarget.Field("score"), ColumnTarget.Field("score"));

        Assert.Contains("Only one column can be Score", Assert.Single(errors["columns[2]"]));
    }

    [Fact]
    public void Mapping_without_phone_or_email_is_refused()
    {
        var errors = Validate(Name, Tags, ColumnTarget.Ignore);

        var message = Assert.Single(errors["mapping"]);
        Assert.Contains("phone or email is how contacts are matched", message);
    }

    [Fact]
    public void Additional_phone_alone_is_enough_to_match()
    {
        Assert.Empty(Validate(Name, Additional));
    }

    [Fact]
    public void Email_alone_is_enough_to_match()
    {
        Assert.Empty(Validate(Name, Email));
    }

    [Fact]
    public void Unknown_custom_field_is_refused_with_settings_advice()
    {
        var errors = Validate(Email, ColumnTarget.Field("nickname"));

        var message = Assert.Single(errors["columns[1]"]);
        Assert.Contains("'nickname' does not exist", message);
        Assert.Contains("Settings → Contact fields", message);
        Assert.Contains("re-run the import", message);
    }

    [Fact]
    public void Custom_field_key_is_case_sensitive()
    {
        Assert.True(Validate(Email, ColumnTarget.Field("Score")).ContainsKey("columns[1]"));
    }

    [Fact]
    public void Custom_field_target_without_a_key_is_refused()
    {
        var errors = Validate(Email, new ColumnTarget(TargetKind.CustomField));

        Assert.Contains("Choose which custom field", Assert.Single(errors["columns[1]"]));
    }

    [Fact]
    public void Field_key_on_a_built_in_target_is_refused()
    {
        var errors = Validate(new ColumnTarget(TargetKind.Email, "score"));

        Assert.Contains("Only a custom field target takes a field key", Assert.Single(errors["columns[0]"]));
    }

    [Fact]
    public void Undefined_target_kind_is_refused()
    {
        var errors = Validate(Email, new ColumnTarget((TargetKind)42));

        Assert.True(errors.ContainsKey("columns[1]"));
    }

    [Fact]
    public void Unknown_region_is_refused()
    {
        var errors = MappingRules.Validate(new ImportMapping([Phone], true, "XX"), 1, []);

        var message = Assert.Single(errors["region"]);
        Assert.Contains("'XX' is not a known region", message);
    }

    [Fact]
    public void Blank_region_is_refused()
    {
        var errors = MappingRules.Validate(new ImportMapping([Phone], true, " "), 1, []);

        Assert.Contains("Choose the import's default region", Assert.Single(errors["region"]));
    }

    [Fact]
    public void Region_is_read_in_any_case()
    {
        Assert.Empty(MappingRules.Validate(new ImportMapping([Phone], false, "gb"), 1, []));
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var errors = MappingRules.Validate(new ImportMapping([Name, ColumnTarget.Field("nope"), ColumnTarget.Field("nope")], true, "XX"), 4, []);

        Assert.Equal(["columns[1]", "columns[2]", "mapping", "region"], errors.Keys.Order());
        Assert.Equal(2, errors["mapping"].Length);
    }
}
