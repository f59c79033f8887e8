using Bunit;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Imports;
using Xunit;

namespace VeloConnect.Web.Tests.Imports;

public sealed class MappingTableTests : BunitContext
{
    private static readonly ColumnResponse[] Columns =
    [
        Wire.Column(0, "Full name", ["Ada Lovelace", "Alan Turing"]),
        Wire.Column(1, "Mobile", ["+44 20 7946 0958", "020 7946 0000"]),
        Wire.Column(2, "Birthday", ["1815-12-10", ""]),
        Wire.Column(3, "Notes", ["met at the fair", "call back"]),
    ];

    // Deliberately out of order: the table lists built-in fields first, then custom fields, then Don't import.
    private static readonly TargetResponse[] Targets =
    [
        Wire.Target("field:birthday", "Birthday"),
        Wire.Target("ignore", "Don't import"),
        Wire.Target("name", "Name"),
        Wire.Target("phone", "Phone (primary)"),
        Wire.Target("field:plan", "Plan"),
        Wire.Target("phone_additional", "Phone (additional)"),
        Wire.Target("email", "Email"),
        Wire.Target("tags", "Tags"),
    ];

    private IRenderedComponent<MappingTable> Render(
        IReadOnlyList<string>? selected = null,
        IReadOnlyDictionary<int, IReadOnlyList<string>>? errors = null,
        Action<MappingChange>? changed = null) =>
        Render<MappingTable>(parameters => parameters
            .Add(p => p.Columns, Columns)
            .Add(p => p.Targets, Targets)
            .Add(p => p.Selected, selected ?? ["name", "phone", "field:birthday", "ignore"])
            .Add(p => p.Errors, errors ?? new Dictionary<int, IReadOnlyList<string>>())
            .Add(p => p.OnTargetChanged, changed ?? (_ => { })));

    [Fact]
    public void Shows_one_row_per_column_with_its_header_and_sample_values()
    {
        var table = Render();

        var rows = table.FindAll("#mapping-table tbody tr");
        Assert.Equal(["0", "1", "2", "3"], rows.Select(r => r.GetAttribute("data-column")));
        Assert.Equal(["Full name", "Mobile", "Birthday", "Notes"], rows.Select(r => r.QuerySelector(".mapping-header")!.TextContent.Trim()));
        var mobileSamples = rows[1].QuerySelectorAll(".mapping-samples li").Select(li => li.TextContent.Trim());
        Assert.Equal(["+44 20 7946 0958", "020 7946 0000"], mobileSamples);
        Assert.Contains("(empty)", rows[2].QuerySelector(".mapping-samples")!.TextContent);
        Assert.NotNull(table.Find("select[aria-label='Map column Mobile']"));
    }

    [Fact]
    public void Lists_built_in_fields_then_custom_fields_then_dont_import()
    {
        var table = Render();

        var select = table.Find("tr[data-column='0'] select");
        var groups = select.QuerySelectorAll("optgroup");
        Assert.Equal(["Built-in fields", "Custom fields"], groups.Select(g => g.GetAttribute("label")));
        Assert.Equal(["name", "phone", "phone_additional", "email", "tags"], groups[0].QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal(["field:birthday", "field:plan"], groups[1].QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        var values = select.QuerySelectorAll("option").Select(o => o.GetAttribute("value")).ToList();
        Assert.Equal("ignore", values[^1]);
        Assert.Equal("Don't import", select.QuerySelectorAll("option")[^1].TextContent.Trim());
        Assert.True(values.IndexOf("tags") < values.IndexOf("field:birthday"));
    }

    [Fact]
    public void The_remembered_mapping_preselects_each_columns_target()
    {
        var table = Render(["name", "phone", "field:birthday", "ignore"]);

        string Chosen(int column) => table.Find($"tr[data-column='{column}'] select option[selected]").GetAttribute("value")!;
        Assert.Equal("name", Chosen(0));
        Assert.Equal("phone", Chosen(1));
        Assert.Equal("field:birthday", Chosen(2));
        Assert.Equal("ignore", Chosen(3));
        Assert.Single(table.FindAll("tr[data-column='1'] select option[selected]"));
        Assert.Equal("phone", table.Find("tr[data-column='1'] select").GetAttribute("value"));
    }

    [Fact]
    public void A_column_without_a_target_offers_an_empty_choice()
    {
        var table = Render(["name", "", "ignore", "ignore"]);

        var chosen = table.Find("tr[data-column='1'] select option[selected]");
        Assert.Equal("", chosen.GetAttribute("value"));
        Assert.Empty(table.FindAll("tr[data-column='0'] select option[value='']:not([disabled])"));
    }

    [Fact]
    public void Changing_a_dropdown_raises_the_column_and_the_field_key()
    {
        var changes = new List<MappingChange>();
        var table = Render(changed: changes.Add);

        table.Find("select[aria-label='Map column Notes']").Change("field:plan");
        table.Find("select[aria-label='Map column Mobile']").Change("phone_additional");

        Assert.Equal([new MappingChange(3, "field:plan"), new MappingChange(1, "phone_additional")], changes);
    }

    [Fact]
    public void Validation_messages_show_in_the_row_of_their_column()
    {
        var errors = new Dictionary<int, IReadOnlyList<string>>
        {
            [2] = ["Custom field 'birthday' does not exist, and imports never create fields."],
        };
        var table = Render(errors: errors);

        var row = table.Find("tr[data-column='2']");
        Assert.Contains("Custom field 'birthday' does not exist", row.QuerySelector(".field-error")!.TextContent);
        Assert.Equal("true", row.QuerySelector("select")!.GetAttribute("aria-invalid"));
        Assert.Equal(row.QuerySelector(".field-error")!.Id, row.QuerySelector("select")!.GetAttribute("aria-describedby"));
        Assert.Single(table.FindAll(".field-error"));
        Assert.Null(table.Find("tr[data-column='1'] select").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void Messages_about_the_whole_mapping_show_above_the_table()
    {
        var table = Render<MappingTable>(parameters => parameters
            .Add(p => p.Columns, Columns)
            .Add(p => p.Targets, Targets)
            .Add(p => p.Selected, ["name", "ignore", "ignore", "ignore"])
            .Add(p => p.GeneralErrors, ["Map at least one column to Phone (primary), Phone (additional) or Email."]));

        Assert.Contains("Map at least one column", table.Find(".mapping-general-errors").TextContent);
    }

    [Fact]
    public void Links_to_settings_contact_fields()
    {
        var table = Render();

        var link = table.FindAll("a").Single(a => a.TextContent.Contains("Settings → Contact fields", StringComparison.Ordinal));
        Assert.Equal("/settings/fields", link.GetAttribute("href"));
    }

    [Fact]
    public void A_custom_field_that_no_longer_exists_stays_visible_as_chosen()
    {
        var table = Render(["name", "phone", "field:gone", "ignore"]);

        var chosen = table.Find("tr[data-column='2'] select option[selected]");
        Assert.Equal("field:gone", chosen.GetAttribute("value"));
        Assert.Contains("no such field", chosen.TextContent);
    }
}
