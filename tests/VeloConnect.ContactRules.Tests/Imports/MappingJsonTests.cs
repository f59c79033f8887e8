using System.Text.Json;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>The confirmed mapping is stored (jsonb) and remembered (Redis) as the rules' own record: readable JSON, old rows still load.</summary>
public sealed class MappingJsonTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    [Fact]
    public void Targets_are_written_in_their_api_spelling_and_the_header_flag_is_not_stored()
    {
        var mapping = new ImportMapping([ColumnTarget.Name, ColumnTarget.PrimaryPhone, ColumnTarget.Field("tier"), ColumnTarget.Ignore], HasHeader: true, "US");

        var json = JsonSerializer.Serialize(mapping, Web);

        Assert.StartsWith("""{"columns":["name","phone","field:tier","ignore"],"region":"US""", json);
        Assert.DoesNotContain("hasHeader", json);
        Assert.Equal(mapping.Columns, JsonSerializer.Deserialize<ImportMapping>(json, Web)!.Columns);
    }

    [Fact]
    public void A_mapping_stored_before_the_change_still_loads()
    {
        var stored = """{"columns":["name","phone_additional","tags","field:tier","no-longer-a-target"],"hasHeader":true,"region":"GB"}""";

        var mapping = JsonSerializer.Deserialize<ImportMapping>(stored, Web)!;

        Assert.Equal([ColumnTarget.Name, ColumnTarget.AdditionalPhone, ColumnTarget.Tags, ColumnTarget.Field("tier"), ColumnTarget.Ignore], mapping.Columns);
        Assert.Equal("GB", mapping.Region);
    }
}
