using System.Globalization;
using System.Text.Json;
using CsCheck;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>Custom field cells read in the file's own format: the column's date format, decimal separator and value map.</summary>
public sealed class TypedColumnsTests
{
    private static readonly FieldDefinition Born = new("born", "Born", FieldType.Date, []);
    private static readonly FieldDefinition Member = new("member", "Member", FieldType.Boolean, []);
    private static readonly FieldDefinition Level = new("level", "Level", FieldType.SingleSelect, ["Élite", "Gold", "Basic"]);
    private static readonly IReadOnlyList<FieldDefinition> Fields = [.. MappingTestFields.All, Born, Member, Level];
    private static readonly string[] Headers = ["Email", "Born", "Score", "Member", "Level", "Interests"];

    private static ImportMapping Mapping(string? dateFormat = null, string? decimalSeparator = null, IReadOnlyDictionary<string, string?>? levelMap = null,
        IReadOnlyDictionary<string, string?>? interestsMap = null) =>
        new([ColumnTarget.Email, ColumnTarget.Field("born"), ColumnTarget.Field("score"), ColumnTarget.Field("member"), ColumnTarget.Field("level"), ColumnTarget.Field("interests")], true, "US")
        {
            DateFormats = [null, dateFormat, null, null, null, null],
            DecimalSeparators = [null, null, decimalSeparator, null, null, null],
            ValueMaps = [null, null, null, null, levelMap, interestsMap],
        };

    private static RowResult Read(ImportMapping mapping, params string[] cells) => new RowReader(mapping, Headers, Fields).Read(["ann@example.com", .. cells]);

    [Fact]
    public void A_day_first_date_column_reads_the_right_dates()
    {
        var contact = Read(Mapping("dd/MM/yyyy"), "31/12/2024").Contact!;

        Assert.Equal("\"2024-12-31\"", contact.Custom["born"]);
        Assert.Equal("\"2024-04-03\"", Read(Mapping("dd/MM/yyyy"), "3/4/2024").Contact!.Custom["born"]);
        Assert.Equal("\"2024-03-04\"", Read(Mapping("MM/dd/yyyy"), "3/4/2024").Contact!.Custom["born"]);
    }

    [Fact]
    public void An_iso_cell_reads_as_iso_whatever_the_format()
    {
        Assert.Equal("\"2024-03-04\"", Read(Mapping("dd/MM/yyyy"), "2024-03-04").Contact!.Custom["born"]);
    }

    [Fact]
    public void A_date_not_in_the_column_format_leaves_the_row_invalid_naming_the_value()
    {
        var error = Assert.Single(Read(Mapping("MM/dd/yyyy"), "31/12/2024").Errors);

        Assert.Equal("column 'Born' (field Born): '31/12/2024' is not a date written MM/dd/yyyy like the rest of the column (fix the value, or choose another date format for the column).", error);
    }

    [Fact]
    public void A_date_column_without_a_format_reads_iso_only_and_says_to_choose_one()
    {
        Assert.Contains("choose the column's date format in the mapping", Assert.Single(Read(Mapping(), "31/12/2024").Errors));
    }

    [Fact]
    public void A_decimal_comma_number_reads_with_its_thousands()
    {
        Assert.Equal("1234.5", Read(Mapping(decimalSeparator: ","), "", "1.234,5").Contact!.Custom["score"]);
        Assert.Equal("1234.5", Read(Mapping(), "", "1,234.5").Contact!.Custom["score"]);
    }

    [Fact]
    public void A_comma_is_not_taken_for_thousands_unless_three_digits_follow()
    {
        Assert.Contains("'1,5' is not a number with '.' as the decimal separator", Assert.Single(Read(Mapping(decimalSeparator: "."), "", "1,5").Errors));
    }

    [Theory]
    [InlineData("ja", "true")]
    [InlineData("Nein", "false")]
    [InlineData("x", "true")]
    [InlineData("oui", "true")]
    [InlineData("sí", "true")]
    [InlineData("no", "false")]
    public void Booleans_read_as_common_words(string cell, string expected)
    {
        Assert.Equal(expected, Read(Mapping(), "", "", cell).Contact!.Custom["member"]);
    }

    [Fact]
    public void Select_values_match_options_case_and_accent_insensitively()
    {
        var contact = Read(Mapping(), "", "", "", " ELITE ", "gravel, mtb, Gravel").Contact!;

        Assert.Equal(JsonSerializer.Serialize("Élite"), contact.Custom["level"]);
        Assert.Equal("[\"Gravel\",\"MTB\"]", contact.Custom["interests"]);
    }

    [Fact]
    public void The_value_map_maps_an_unmatched_value_to_an_option_or_to_blank()
    {
        var mapping = Mapping(levelMap: new Dictionary<string, string?> { ["Platin"] = "gold", ["n/a"] = null },
            interestsMap: new Dictionary<string, string?> { ["Rennrad"] = "Road", ["Walking"] = null });

        var platin = Read(mapping, "", "", "", "platin", "Rennrad, walking, MTB").Contact!;
        var blank = Read(mapping, "", "", "", "N/A").Contact!;

        Assert.Equal("\"Gold\"", platin.Custom["level"]);
        Assert.Equal("[\"Road\",\"MTB\"]", platin.Custom["interests"]);
        Assert.False(blank.Custom.ContainsKey("level"));
    }

    [Fact]
    public void A_value_neither_matched_nor_mapped_leaves_its_row_invalid_with_what_to_do()
    {
        var error = Assert.Single(Read(Mapping(levelMap: new Dictionary<string, string?> { ["Platin"] = "Gold" }), "", "", "", "Diamond").Errors);

        Assert.Equal("column 'Level' (field Level): 'Diamond' is not one of the options (Élite, Gold, Basic): map it to an option (or to blank) in the mapping step, add it in Settings → Contact fields, or fix the value.", error);
    }

    [Fact]
    public void The_column_summary_counts_distinct_values_and_their_options()
    {
        var summary = TypedColumns.Summarise(["gold", "Gold", "gold", "Platin", "", "élite", null, "Platin"], Level);

        Assert.Equal([new ColumnValue("Platin", 2, null), new ColumnValue("gold", 2, "Gold"), new ColumnValue("Gold", 1, "Gold"), new ColumnValue("élite", 1, "Élite")], summary.Values);
        Assert.Equal(4, summary.DistinctCount);
        Assert.Equal(1, summary.UnmatchedCount);
    }

    [Fact]
    public void A_multi_select_summary_lists_items()
    {
        var summary = TypedColumns.Summarise(["Road, Rennrad", "road"], MappingTestFields.Interests);

        Assert.Equal(["Rennrad", "Road", "road"], summary.Values.Select(v => v.Value));
        Assert.Equal(1, summary.UnmatchedCount);
    }

    [Fact]
    public void Detection_over_the_whole_column_finds_the_day_first_format_from_one_late_value_past_a_typo()
    {
        var dates = TypedColumns.DetectDates(["03/04/2024", "05/06/2024", "2024-01-02", "31/02/2024", "25/12/2024"]);

        Assert.Equal("dd/MM/yyyy", dates.Format);
        Assert.False(dates.Ambiguous);
    }

    [Fact]
    public void An_ambiguous_column_is_refused_with_the_formats_to_choose()
    {
        var mapping = Mapping() with { DateFormats = null };
        var summary = TypedColumns.Summarise(["03/04/2024", "05/06/2024"], Born);

        var (completed, errors) = TypedMapping.Complete(mapping, Headers, Fields, new Dictionary<int, ColumnSummary> { [1] = summary });

        Assert.Equal(["dd/MM/yyyy", "MM/dd/yyyy"], summary.Dates.Choices);
        Assert.Equal("Column 'Born' holds dates that read both day-first and month-first (e.g. 03/04/2024): choose its date format, dd/MM/yyyy or MM/dd/yyyy.",
            Assert.Single(errors["dateFormats[1]"]));
        Assert.Null(completed.DateFormatOf(1));
    }

    [Fact]
    public void Completing_fills_detected_formats_and_keeps_options_only_where_a_column_takes_them()
    {
        var mapping = Mapping(levelMap: new Dictionary<string, string?> { ["Platin"] = "gold" }) with
        {
            DateFormats = ["dd/MM/yyyy", null, null, null, null, null],
        };
        var summaries = new Dictionary<int, ColumnSummary>
        {
            [1] = TypedColumns.Summarise(["31/12/2024"], Born),
            [2] = TypedColumns.Summarise(["1.234,5", "3,5"], MappingTestFields.Score),
        };

        var (completed, errors) = TypedMapping.Complete(mapping, Headers, Fields, summaries);

        Assert.Empty(errors);
        Assert.Equal([null, "dd/MM/yyyy", null, null, null, null], completed.DateFormats);
        Assert.Equal([null, null, ",", null, null, null], completed.DecimalSeparators);
        Assert.Equal("Gold", completed.ValueMapOf(4)!["Platin"]);
    }

    [Fact]
    public void Unknown_formats_separators_and_options_are_refused()
    {
        var mapping = Mapping("yyyy/dd/MM", ";", new Dictionary<string, string?> { ["Platin"] = "Platinum" });

        var errors = TypedMapping.Validate(mapping, Headers, Fields);

        Assert.Contains("'yyyy/dd/MM' is not a date format", errors["dateFormats[1]"][0]);
        Assert.Contains("';' is not a decimal separator", errors["decimalSeparators[2]"][0]);
        Assert.Contains("'Platin' → 'Platinum': Level has no such option", errors["valueMaps[4]"][0]);
    }

    [Fact]
    public void A_mapping_with_typed_options_round_trips_as_json_and_one_without_writes_none()
    {
        var web = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        var mapping = Mapping("dd/MM/yyyy", ",", new Dictionary<string, string?> { ["Platin"] = "Gold", ["n/a"] = null }) with { Sheet = "Leads", HeaderRow = 3 };

        var back = JsonSerializer.Deserialize<ImportMapping>(JsonSerializer.Serialize(mapping, web), web)!;
        var plain = JsonSerializer.Serialize(new ImportMapping([ColumnTarget.Email], true, "US"), web);

        Assert.Equal("dd/MM/yyyy", back.DateFormatOf(1));
        Assert.Equal(',', back.DecimalSeparatorOf(2));
        Assert.Equal("Gold", back.ValueMapOf(4)!["Platin"]);
        Assert.Null(back.ValueMapOf(4)!["n/a"]);
        Assert.Equal(("Leads", 3), (back.Sheet, back.HeaderRow));
        Assert.Equal("""{"columns":["email"],"region":"US"}""", plain);
    }

    // A date written in a format and read back through a column with that format is the same date.
    [Fact]
    public void Every_date_written_in_the_column_format_reads_back_as_that_date()
    {
        var date = Gen.Select(Gen.Int[1900, 2100], Gen.Int[1, 12], Gen.Int[1, 28], (y, m, d) => new DateOnly(y, m, d));
        Gen.Select(date, Gen.OneOf<string>([.. LocaleDates.Formats])).Sample((day, format) =>
            TypedColumns.TryRead(Born, day.ToString(format, CultureInfo.InvariantCulture), format, '.', null, out var json, out _)
            && json == $"\"{day:yyyy-MM-dd}\"");
    }

    // A column whose every day is at most 12 reads both ways: detection never gives it a format, it offers both.
    [Fact]
    public void An_ambiguous_column_is_never_given_a_format_by_detection()
    {
        var date = Gen.Select(Gen.Int[1900, 2100], Gen.Int[1, 12], Gen.Int[1, 12], (y, m, d) => new DateOnly(y, m, d));
        Gen.Select(date.List[1, 20], Gen.OneOf("dd/MM/yyyy", "MM/dd/yyyy")).Sample((days, format) =>
        {
            var detected = TypedColumns.DetectDates([.. days.Select(d => d.ToString(format, CultureInfo.InvariantCulture))]);
            return detected.Format is null && detected.Choices.Contains("dd/MM/yyyy") && detected.Choices.Contains("MM/dd/yyyy");
        });
    }

    // One day above 12 settles it: detection gives the format the column was written in.
    [Fact]
    public void A_column_with_a_day_above_12_is_given_its_own_format()
    {
        var date = Gen.Select(Gen.Int[1900, 2100], Gen.Int[1, 12], Gen.Int[1, 28], (y, m, d) => new DateOnly(y, m, d));
        Gen.Select(date.List[0, 20], Gen.Int[1900, 2100], Gen.Int[1, 12], Gen.Int[13, 28], Gen.OneOf("dd/MM/yyyy", "MM/dd/yyyy")).Sample((days, y, m, d, format) =>
            TypedColumns.DetectDates([.. days.Append(new DateOnly(y, m, d)).Select(x => x.ToString(format, CultureInfo.InvariantCulture))]).Format == format);
    }
}
