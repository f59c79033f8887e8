using Bunit;
using Microsoft.FluentUI.AspNetCore.Components;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Imports;
using Xunit;

namespace VeloConnect.Web.Tests.Imports;

/// <summary>The upload and mapping steps with spreadsheets, vCards and known exports (issue 12).</summary>
public sealed class RealWorldFileStepTests : BunitContext
{
    public RealWorldFileStepTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddFluentUIComponents();
    }

    [Fact]
    public void The_file_input_takes_workbooks_and_vcards()
    {
        var step = Render<UploadStep>();

        var accept = step.Find("#import-file").GetAttribute("accept")!.Split(',');
        Assert.Contains(".xlsx", accept);
        Assert.Contains(".xls", accept);
        Assert.Contains(".vcf", accept);
        Assert.Contains(".csv", accept);
        Assert.Contains("vCard", step.Find("label[for='import-file']").TextContent);
    }

    [Fact]
    public void A_workbook_with_several_sheets_offers_them_and_the_header_row()
    {
        var sheets = new List<string>();
        var headerRows = new List<int>();
        var workbook = Workbook() with { Sheets = ["Contacts", "Leads", "Notes"], Sheet = "Leads", HeaderRow = 3 };
        var step = Render<UploadStep>(p => p
            .Add(x => x.Import, workbook)
            .Add(x => x.OnSheetChanged, (string sheet) => sheets.Add(sheet))
            .Add(x => x.OnHeaderRowChanged, (int row) => headerRows.Add(row)));

        var picker = step.Find("select#import-sheet");
        Assert.Equal(["Contacts", "Leads", "Notes"], picker.QuerySelectorAll("option").Select(o => o.GetAttribute("value")));
        Assert.Equal("Leads", step.Find("#import-sheet option[selected]").GetAttribute("value"));
        var headerRow = step.Find("input[type=number]#import-header-row");
        Assert.Equal("3", headerRow.GetAttribute("value"));
        Assert.Contains("found on row 3; the rows above it are skipped", step.Find("#import-header-row-hint").TextContent);
        Assert.Empty(step.FindAll("#import-delimiter"));
        Assert.Empty(step.FindAll("#import-has-header"));

        picker.Change("Notes");
        headerRow.Change("5");
        headerRow.Change("0");
        Assert.Equal(["Notes"], sheets);
        Assert.Equal([5], headerRows);
    }

    [Fact]
    public void A_single_sheet_has_no_picker_and_a_vcard_no_header_row()
    {
        var single = Render<UploadStep>(p => p.Add(x => x.Import, Workbook() with { Sheets = ["Contacts"], Sheet = "Contacts" }));
        Assert.Empty(single.FindAll("#import-sheet"));
        Assert.Equal("1", single.Find("#import-header-row").GetAttribute("value"));

        var vcard = Render<UploadStep>(p => p.Add(x => x.Import, Workbook() with { Format = "vcard", Sheets = [], Sheet = null }));
        Assert.Empty(vcard.FindAll("#import-header-row"));
        Assert.Empty(vcard.FindAll("#import-delimiter"));
    }

    [Fact]
    public void A_known_export_its_notes_and_phones_held_as_numbers_are_shown_above_the_mapping()
    {
        var import = Workbook() with
        {
            Mapping = new MappingResponse
            {
                Columns = ["name", "phone"], HasHeader = true, Region = "US", Source = "suggested",
                KnownSource = "Outlook", KnownSourceMessage = "Looks like an Outlook export: first and last names are combined.",
                Notes = ["'* myContacts' is left out of the tags."],
            },
            PhonesAsNumbers =
            [
                new PhonesAsNumbersResponse { Column = 1, Header = "Mobile", Rows = [2, 3, 4, 5, 6, 7], RowCount = 40, DigitsLostRows = [9], DigitsLostCount = 1 },
            ],
        };

        var findings = Render<MappingFindings>(p => p.Add(x => x.Import, import));

        Assert.Equal("Looks like an Outlook export: first and last names are combined.", findings.Find("#mapping-known-source").TextContent.Trim());
        Assert.Equal(["'* myContacts' is left out of the tags."], findings.FindAll("#mapping-notes li").Select(li => li.TextContent.Trim()));
        var phones = findings.Find("#mapping-phones-as-numbers").TextContent;
        Assert.Contains("Mobile", phones);
        Assert.Contains("rows 2, 3, 4, 5, 6 and 35 more", phones);
        Assert.Contains("row 9 show in scientific notation", phones);
        Assert.Contains("format the column as Text", phones);
    }

    [Fact]
    public void A_plain_file_shows_no_findings()
    {
        var findings = Render<MappingFindings>(p => p.Add(x => x.Import, Workbook()));

        Assert.Empty(findings.FindAll("#mapping-known-source"));
        Assert.Empty(findings.FindAll("#mapping-notes"));
        Assert.Empty(findings.FindAll("#mapping-phones-as-numbers"));
    }

    [Fact]
    public void A_tags_column_offers_its_separator_and_several_name_columns_are_combined()
    {
        var changes = new List<SeparatorChange>();
        var table = Render<MappingTable>(p => p
            .Add(x => x.Columns, [Wire.Column(0, "First Name", ["Ann"]), Wire.Column(1, "Last Name", ["Lee"]), Wire.Column(2, "Categories", ["Pro;Wholesale"]), Wire.Column(3, "Labels", ["a, b"])])
            .Add(x => x.Targets, [Wire.Target("name", "Name"), Wire.Target("tags", "Tags"), Wire.Target("ignore", "Don't import")])
            .Add(x => x.Selected, ["name", "name", "tags", "tags"])
            .Add(x => x.Separators, [null, null, ";", null])
            .Add(x => x.OnSeparatorChanged, (SeparatorChange change) => changes.Add(change)));

        Assert.Contains("Name (combined: First Name + Last Name)", table.Find("#map-column-0-combined").TextContent);
        Assert.Contains("Name (combined: First Name + Last Name)", table.Find("#map-column-1-combined").TextContent);
        Assert.Empty(table.FindAll("tr[data-column='0'] .field-error"));
        Assert.Empty(table.FindAll("#map-column-0-separator"));
        Assert.Equal(["", ",", ";", "|", " ::: "], table.FindAll("#map-column-2-separator option").Select(o => o.GetAttribute("value")));
        Assert.Equal(";", table.Find("#map-column-2-separator option[selected]").GetAttribute("value"));
        Assert.Equal("", table.Find("#map-column-3-separator option[selected]").GetAttribute("value"));

        table.Find("#map-column-2-separator").Change(" ::: ");
        table.Find("#map-column-3-separator").Change("");
        Assert.Equal([new SeparatorChange(2, " ::: "), new SeparatorChange(3, null)], changes);
    }

    [Fact]
    public void One_name_column_is_not_called_combined()
    {
        var table = Render<MappingTable>(p => p
            .Add(x => x.Columns, [Wire.Column(0, "Full Name", ["Ann Lee"]), Wire.Column(1, "Last Name", ["Lee"])])
            .Add(x => x.Targets, [Wire.Target("name", "Name"), Wire.Target("ignore", "Don't import")])
            .Add(x => x.Selected, ["name", "ignore"]));

        Assert.Empty(table.FindAll(".mapping-combined"));
    }

    private static ImportResponse Workbook() => Wire.Import(
        Guid.NewGuid(), "contacts.xlsx", 9_000, ImportStatus.Uploaded, DateTimeOffset.UtcNow, Wire.Encoding("utf-8", "UTF-8", null, "UTF-8"),
        "comma", true, true, [Wire.Column(0, "Name", ["Ann"]), Wire.Column(1, "Mobile", ["4155550100"])], 40, [], null, [],
        Wire.Progress(0, 40), Wire.Counts(0, 0, 0, 0), null, null, null, "wizard") with { Format = "xlsx", HeaderRow = 1, Sheets = ["Contacts"], Sheet = "Contacts" };
}
