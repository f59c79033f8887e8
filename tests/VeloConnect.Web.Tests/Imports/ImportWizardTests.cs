using System.Net;
using System.Text;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Pages;
using Xunit;
using static VeloConnect.Web.Tests.StubApi;

namespace VeloConnect.Web.Tests.Imports;

/// <summary>The wizard page against a stand-in for the API: what it sends at each step and what it shows of the answers.</summary>
public sealed class ImportWizardTests : BunitContext
{
    private static readonly Guid ImportId = Guid.Parse("0f7c1a52-3c55-4f1e-9d1b-6a1e00000001");
    private readonly StubApi _api = new();

    public ImportWizardTests()
    {
        _api.ServeAs(this, "Ann");
    }

    [Fact]
    public void Upload_map_review_and_run_through_the_api()
    {
        var mappings = new List<JsonElement>();
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded()));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, new[] { new VeloConnect.Client.FieldResponse { Key = "plan", Label = "Plan", Type = "text", Options = [] } }));
        _api.On($"PUT /api/imports/{ImportId}/mapping", body =>
        {
            var mapping = JsonDocument.Parse(body).RootElement.Clone();
            mappings.Add(mapping);
            return mapping.GetProperty("columns")[1].GetString() == "name"
                ? Problem(HttpStatusCode.BadRequest, """{"title":"One or more validation errors occurred.","status":400,"errors":{"columns[1]":["Only one column can be Name, and column 1 already is."]}}""")
                : Json(HttpStatusCode.OK, Uploaded() with { Mapping = Wire.Mapping([.. mapping.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!)], true, "US", "confirmed") });
        });
        _api.On($"POST /api/imports/{ImportId}/review", _ => Json(HttpStatusCode.OK, Wire.Review(
            3, Wire.Counts(1, 1, 0, 1), [], 0,
            [Wire.Row(2, ["Ann", "+14155550100", "vip"], null, null, [])],
            [Wire.Row(3, ["Bob", "+14155550101", ""], Guid.NewGuid(), null, [])],
            [],
            [Wire.Row(4, ["Cy", "12", ""], null, null, ["column 'Mobile': '12' is not a phone number."])])));
        _api.On($"POST /api/imports/{ImportId}/run", _ => Json(HttpStatusCode.Accepted, Uploaded() with { Status = "running", Progress = Wire.Progress(1, 3) }));
        var polls = 0;
        _api.On($"GET /api/imports/{ImportId}", _ => Json(HttpStatusCode.OK, ++polls < 2
            ? Uploaded() with { Status = "running", Progress = Wire.Progress(2, 3) }
            : Uploaded() with { Status = "finished", Progress = Wire.Progress(3, 3), Counts = Wire.Counts(1, 1, 0, 1) }));

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Labels\nAnn,+1 415 555 0100,vip\n", "people.csv"));

        wizard.WaitForAssertion(() => Assert.Contains("3 data rows", wizard.Find("#import-row-count").TextContent));
        var upload = _api.Requests.Single(r => r.Key == "POST /api/imports");
        Assert.Contains("name=file; filename=people.csv", upload.Body);
        Assert.Contains("Ann,+1 415 555 0100,vip", upload.Body);
        Assert.Equal("Bearer vc_test_key", upload.Authorization);

        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#mapping-table")));
        Assert.Contains("Pre-filled with the mapping you used last time", wizard.Find("#mapping-source").TextContent);
        Assert.Equal(["field:plan"], wizard.FindAll("tr[data-column='2'] optgroup[label='Custom fields'] option").Select(o => o.GetAttribute("value")));

        wizard.Find("select[aria-label='Map column Mobile']").Change("name");
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Contains("Only one column can be Name", wizard.Find("tr[data-column='1'] .field-error").TextContent));
        Assert.Equal(["name", "name", "tags"], mappings[0].GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        Assert.True(mappings[0].GetProperty("hasHeader").GetBoolean());
        Assert.Equal("US", mappings[0].GetProperty("region").GetString());

        wizard.Find("select[aria-label='Map column Mobile']").Change("phone");
        Assert.Empty(wizard.FindAll("tr[data-column='1'] .field-error"));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal("1", wizard.Find("#review-invalid").TextContent.Trim()));
        Assert.Equal(["name", "phone", "tags"], mappings[1].GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        wizard.Find("#review-invalid-show").Click();
        Assert.Contains("'12' is not a phone number.", wizard.Find("#review-rows-invalid").TextContent);
        Assert.Contains("Mobile", wizard.Find("#review-rows-invalid .review-values").TextContent);

        Click(wizard, "Run import");
        wizard.WaitForAssertion(() => Assert.Contains("Import finished: 1 added, 1 updated, 0 skipped, 1 invalid.", wizard.Find("#import-done").TextContent), TimeSpan.FromSeconds(10));
        Assert.True(polls >= 2);
        Assert.Equal($"/files/imports/{ImportId}/errors.csv", wizard.FindAll("#import-done a").Single(a => a.TextContent.StartsWith("Error report", StringComparison.Ordinal)).GetAttribute("href"));
    }

    [Fact]
    public void A_fix_in_the_grid_moves_the_counts_to_the_edits_answer_without_asking_the_review_again()
    {
        var fixedRow = false;
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded()));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, Array.Empty<FieldResponse>()));
        _api.On($"PUT /api/imports/{ImportId}/mapping", _ => Json(HttpStatusCode.OK, Uploaded() with { Mapping = Wire.Mapping(["name", "phone", "tags"], true, "US", "confirmed") }));
        _api.On($"POST /api/imports/{ImportId}/review", _ => Json(HttpStatusCode.OK, Wire.Review(
            3, fixedRow ? Wire.Counts(3, 0, 0, 0) : Wire.Counts(2, 0, 0, 1), [], 0, [], [], [], []) with { RowsUrl = $"/api/imports/{ImportId}/review/rows" }));
        _api.On($"GET /api/imports/{ImportId}/review/rows", _ => Json(HttpStatusCode.OK, Wire.RowsPage(
            [fixedRow
                ? Wire.GridRow(4, "added", ["Cy", "+14155550102", ""], edited: true)
                : Wire.GridRow(4, "invalid", ["Cy", "12", ""], ["column 'Mobile': '12' is not a phone number."])], null, 1)));
        _api.On($"GET /api/imports/{ImportId}/edits", _ => Json(HttpStatusCode.OK, new ImportEditsResponse { Edits = [] }));
        _api.On($"POST /api/imports/{ImportId}/edits", _ =>
        {
            fixedRow = true;
            return Json(HttpStatusCode.Created, new ImportEditResponse
            {
                Seq = 1, RowCount = 1, Rows = [],
                Review = new EditReviewResponse
                {
                    Counts = Wire.Counts(3, 0, 0, 0), WarningCount = 0, How = "incremental", RowCount = 1,
                    Rows = [Wire.GridRow(4, "added", ["Cy", "+14155550102", ""], edited: true)],
                },
            });
        });

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Labels\nCy,12,\n", "people.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#mapping-table")));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal("1", wizard.Find("#review-invalid").TextContent.Trim()));
        wizard.WaitForAssertion(() => Assert.Contains("is not a phone number", wizard.Find("tr[data-row='4'] td[data-column='1']").TextContent));
        Assert.Empty(wizard.FindAll("#review-invalid-show"));

        wizard.Find("tr[data-row='4'] td[data-column='1']").Focus();

        wizard.Find("tr[data-row='4'] td[data-column='1']").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        wizard.Find("#review-grid-editor").Input("+1 415 555 0102");
        wizard.Find("#review-grid-editor").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });

        wizard.WaitForAssertion(() => Assert.Equal("0", wizard.Find("#review-invalid").TextContent.Trim()));
        Assert.Equal("3", wizard.Find("#review-added").TextContent.Trim());
        wizard.WaitForAssertion(() => Assert.Contains("edited", wizard.Find("tr[data-row='4'] .review-grid-outcome").TextContent));
        // The edit's answer had the counts and the row: no second review, and the page was not read again.
        Assert.Equal(1, _api.Requests.Count(r => r.Key == $"POST /api/imports/{ImportId}/review"));
        Assert.Equal(1, _api.Requests.Count(r => r.Key == $"GET /api/imports/{ImportId}/review/rows"));
        Assert.False(wizard.Find("#import-run").HasAttribute("disabled"));
    }

    [Fact]
    public void The_recipe_saved_for_these_columns_is_offered_in_step_3_and_applied_the_counts_move()
    {
        var applied = false;
        var recipe = new ImportRecipeResponse
        {
            Name = "spain-fix", Headers = ["Name", "Mobile", "Labels"], SourceImportId = Guid.NewGuid(), SavedBy = "Bob", SavedAt = DateTimeOffset.UtcNow,
            Steps =
            [
                new RecipeStepResponse { Kind = "prefix", Header = "Mobile", Prefix = "+34", Text = "prefix '+34' on Mobile (invalid rows with a reason containing 'country')" },
                new RecipeStepResponse { Kind = "trim", Header = "Name", Text = "trim on Name" },
            ],
        };
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded() with { Recipe = recipe }));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, Array.Empty<FieldResponse>()));
        _api.On($"PUT /api/imports/{ImportId}/mapping", _ => Json(HttpStatusCode.OK, Uploaded() with { Mapping = Wire.Mapping(["name", "phone", "tags"], true, "US", "confirmed") }));
        _api.On($"POST /api/imports/{ImportId}/review", _ => Json(HttpStatusCode.OK, Wire.Review(
            3, applied ? Wire.Counts(3, 0, 0, 0) : Wire.Counts(2, 0, 0, 1), [], 0, [], [], [], []) with { RowsUrl = $"/api/imports/{ImportId}/review/rows" }));
        _api.On($"GET /api/imports/{ImportId}/review/rows", _ => Json(HttpStatusCode.OK, Wire.RowsPage([Wire.GridRow(4, applied ? "added" : "invalid", ["Cy", applied ? "+34612345678" : "612345678", ""])], null, 1)));
        _api.On($"GET /api/imports/{ImportId}/edits", _ => Json(HttpStatusCode.OK, new ImportEditsResponse
        {
            Edits = applied ? [Wire.Edit(1, "prefix", "Mobile: prefixed '+34' (1 row)", "Ann")] : [],
            Version = applied ? 1 : null,
        }));
        _api.On($"POST /api/imports/{ImportId}/recipe/apply", _ =>
        {
            applied = true;
            return Json(HttpStatusCode.OK, new AppliedRecipeResponse
            {
                Name = "spain-fix",
                Steps = [new AppliedRecipeStepResponse { Text = recipe.Steps[0].Text, Seq = 1, RowCount = 1 }, new AppliedRecipeStepResponse { Text = "trim on Name", Seq = null, RowCount = 0 }],
            });
        });

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Labels\nCy,612345678,\n", "people.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#mapping-table")));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal("1", wizard.Find("#review-invalid").TextContent.Trim()));

        var offer = wizard.Find("#recipe-offer");
        Assert.Contains("A saved recipe matches these columns: spain-fix — 2 fixes", offer.TextContent);
        Assert.Contains("prefix '+34' on Mobile (invalid rows with a reason containing 'country')", offer.TextContent);
        Assert.Contains("trim on Name", offer.TextContent);
        wizard.Find("#recipe-apply").Click();

        wizard.WaitForAssertion(() => Assert.Equal("0", wizard.Find("#review-invalid").TextContent.Trim()));
        Assert.Contains("\"name\":\"spain-fix\"", _api.Requests.Single(r => r.Key == $"POST /api/imports/{ImportId}/recipe/apply").Body);
        wizard.WaitForAssertion(() => Assert.Contains("+34612345678", wizard.Find("tr[data-row='4'] td[data-column='1']").TextContent));
        Assert.Contains("Mobile: prefixed '+34'", wizard.Find("#review-edits").TextContent);
        Assert.Contains("trim on Name: 0 rows", wizard.Find("#recipe-applied").TextContent);
        Assert.Empty(wizard.FindAll("#recipe-offer"));
    }

    [Fact]
    public void A_file_that_is_not_utf8_is_uploaded_again_with_the_conversion_the_user_chose()
    {
        _api.On("POST /api/imports", body => body.Contains("name=convertFrom", StringComparison.Ordinal)
            ? Json(HttpStatusCode.Created, Uploaded() with { Encoding = Wire.Encoding("not-utf-8", "windows-1252", 2, "It is converted from windows-1252, as you confirmed.") })
            : Problem((HttpStatusCode)422, """{"title":"The file cannot be imported","status":422,"detail":"This file is not UTF-8: it looks like windows-1252 (first non-UTF-8 byte on line 2).","code":"not_utf8","encoding":{"verdict":"not-utf-8","name":"windows-1252","firstBadLine":2,"message":"This file is not UTF-8: it looks like windows-1252 (first non-UTF-8 byte on line 2)."}}"""));

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([0x4E, 0x61, 0x6D, 0x65, 0x0A, 0x4A, 0xFC, 0x72, 0x67, 0x65, 0x6E, 0x0A], "latin1.csv"));

        wizard.WaitForAssertion(() => Assert.Contains("looks like windows-1252", wizard.Find("#import-encoding-warning").TextContent));
        Assert.Empty(wizard.FindAll("#import-row-count"));
        wizard.Find("#import-convert-from").Change("windows-1252");

        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        var uploads = _api.Requests.Where(r => r.Key == "POST /api/imports").ToList();
        Assert.Equal(2, uploads.Count);
        Assert.Contains("windows-1252", uploads[1].Body);
        Assert.Contains("J\uFFFDrgen", uploads[1].Body);
        Assert.Contains("converted from windows-1252", wizard.Find("#import-encoding-warning").TextContent);
    }

    [Fact]
    public void Turning_the_header_row_off_reanalyses_the_same_import_saying_so()
    {
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded()));
        _api.On($"PUT /api/imports/{ImportId}/analysis", body => Json(HttpStatusCode.OK, body.Contains("\"hasHeader\":false", StringComparison.Ordinal)
            ? Uploaded() with { HasHeader = false, RowCount = 4, Columns = [Wire.Column(0, "Column 1", ["Name"]), Wire.Column(1, "Column 2", ["Mobile"]), Wire.Column(2, "Column 3", ["Labels"])] }
            : Uploaded()));

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Labels\n", "people.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-has-header")));

        wizard.Find("#import-has-header").Change(false);

        wizard.WaitForAssertion(() => Assert.Contains("4 data rows", wizard.Find("#import-row-count").TextContent));
        Assert.Single(_api.Requests, r => r.Key == "POST /api/imports");
        Assert.Contains("\"hasHeader\":false", _api.Requests.Single(r => r.Key == $"PUT /api/imports/{ImportId}/analysis").Body, StringComparison.Ordinal);
        Assert.False(wizard.Find("#import-has-header").HasAttribute("checked"));
    }

    [Fact]
    public void Choosing_another_delimiter_reanalyses_the_same_import_with_it_and_keeps_the_header_choice()
    {
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded()));
        _api.On($"PUT /api/imports/{ImportId}/analysis", body => Json(HttpStatusCode.OK, body.Contains("\"delimiter\":\"semicolon\"", StringComparison.Ordinal)
            ? Uploaded() with { Delimiter = "semicolon", Columns = [Wire.Column(0, "Name, full", ["Lee, Ann"]), Wire.Column(1, "Mobile", ["+1 415 555 0100"])] }
            : Uploaded()));

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name, full;Mobile\n", "people.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-delimiter")));
        Assert.Equal("comma", wizard.Find("#import-delimiter option[selected]").GetAttribute("value"));

        wizard.Find("#import-delimiter").Change("semicolon");

        wizard.WaitForAssertion(() => Assert.Equal("semicolon", wizard.Find("#import-delimiter option[selected]").GetAttribute("value")));
        var upload = Assert.Single(_api.Requests, r => r.Key == "POST /api/imports").Body;
        Assert.DoesNotContain("name=delimiter", upload);
        var reanalysis = _api.Requests.Single(r => r.Key == $"PUT /api/imports/{ImportId}/analysis").Body;
        Assert.Contains("\"delimiter\":\"semicolon\"", reanalysis, StringComparison.Ordinal);
        Assert.Contains("\"hasHeader\":true", reanalysis, StringComparison.Ordinal);
    }

    [Fact]
    public void An_xlsx_is_uploaded_as_a_workbook_and_another_sheet_or_header_row_reanalyses_the_same_import()
    {
        var workbook = Uploaded() with { FileName = "people.xlsx", Format = "xlsx", Sheets = ["Contacts", "Leads"], Sheet = "Contacts", HeaderRow = 1 };
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, workbook));
        _api.On($"PUT /api/imports/{ImportId}/analysis", body =>
        {
            var request = JsonDocument.Parse(body).RootElement;
            var sheet = request.TryGetProperty("sheet", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var headerRow = request.TryGetProperty("headerRow", out var h) && h.ValueKind == JsonValueKind.Number ? h.GetInt32() : 2;
            return Json(HttpStatusCode.OK, workbook with { Sheet = sheet, HeaderRow = headerRow, RowCount = 10 + headerRow });
        });

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary([0x50, 0x4B, 0x03, 0x04], "people.xlsx"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-sheet")));
        Assert.Contains("Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _api.Requests.Single(r => r.Key == "POST /api/imports").Body);

        wizard.Find("#import-sheet").Change("Leads");
        wizard.WaitForAssertion(() => Assert.Equal("Leads", wizard.Find("#import-sheet option[selected]").GetAttribute("value")));
        Assert.Equal("2", wizard.Find("#import-header-row").GetAttribute("value"));
        var first = JsonDocument.Parse(_api.Requests.Single(r => r.Key == $"PUT /api/imports/{ImportId}/analysis").Body).RootElement;
        Assert.Equal("Leads", first.GetProperty("sheet").GetString());
        Assert.False(first.TryGetProperty("headerRow", out var sentRow) && sentRow.ValueKind != JsonValueKind.Null, "another sheet's header row is proposed again");

        wizard.Find("#import-header-row").Change("4");
        wizard.WaitForAssertion(() => Assert.Contains("14 data rows", wizard.Find("#import-row-count").TextContent));
        var second = JsonDocument.Parse(_api.Requests.Where(r => r.Key == $"PUT /api/imports/{ImportId}/analysis").Last().Body).RootElement;
        Assert.Equal("Leads", second.GetProperty("sheet").GetString());
        Assert.Equal(4, second.GetProperty("headerRow").GetInt32());
        Assert.Single(_api.Requests, r => r.Key == "POST /api/imports");
    }

    [Fact]
    public void A_known_export_is_named_and_its_tag_separators_are_sent_with_the_mapping()
    {
        var outlook = Uploaded() with
        {
            Columns = [Wire.Column(0, "First Name", ["Ann"]), Wire.Column(1, "Last Name", ["Lee"]), Wire.Column(2, "Mobile Phone", ["+1 415 555 0100"]), Wire.Column(3, "Categories", ["Pro;Wholesale"])],
            Mapping = new MappingResponse
            {
                Columns = ["name", "name", "phone", "tags"], HasHeader = true, Region = "US", Source = "suggested", Separators = [null!, null!, null!, ";"],
                KnownSource = "Outlook", KnownSourceMessage = "Looks like an Outlook export: first and last names are combined into Name.",
            },
        };
        var mappings = new List<JsonElement>();
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, outlook));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, Array.Empty<VeloConnect.Client.FieldResponse>()));
        _api.On($"PUT /api/imports/{ImportId}/mapping", body =>
        {
            mappings.Add(JsonDocument.Parse(body).RootElement.Clone());
            return Problem(HttpStatusCode.BadRequest, """{"title":"One or more validation errors occurred.","status":400,"errors":{"region":["Stop here."]}}""");
        });

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("First Name,Last Name,Mobile Phone,Categories\n", "outlook.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#mapping-table")));

        Assert.Contains("Looks like an Outlook export", wizard.Find("#mapping-known-source").TextContent);
        Assert.Contains("First Name + Last Name", wizard.Find("#map-column-1-combined").TextContent);
        Assert.Equal(";", wizard.Find("#map-column-3-separator option[selected]").GetAttribute("value"));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.Equal([null, null, null, ";"], mappings[0].GetProperty("separators").EnumerateArray().Select(e => e.GetString()));

        wizard.Find("#map-column-3-separator").Change("|");
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal(2, mappings.Count));
        Assert.Equal([null, null, null, "|"], mappings[1].GetProperty("separators").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["name", "name", "phone", "tags"], mappings[1].GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
    }

    [Fact]
    public void A_column_changed_to_an_ambiguous_date_field_blocks_the_review_until_its_format_is_chosen_and_sends_it()
    {
        var mappings = new List<JsonElement>();
        AnswerTyped(mappings, Typed() with { Mapping = TypedMapping() with { Columns = ["name", "phone", "ignore", "field:tier", "field:score"] } });
        _api.On($"GET /api/imports/{ImportId}/columns/2", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            2, "Born", "field:born", null, ["dd/MM/yyyy", "MM/dd/yyyy"], null, [Wire.Value("03/04/2024", 2, null), Wire.Value("05/06/1990", 1, null)])));

        var wizard = ToTypedMapping();
        Assert.Empty(wizard.FindAll("#typed-column-2"));
        Assert.DoesNotContain(_api.Requests, r => r.Key.EndsWith("/columns/2", StringComparison.Ordinal));

        wizard.Find("select[aria-label='Map column Born']").Change("field:born");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#typed-column-2-date-format")));
        Assert.Equal("?target=field:born", _api.Requests.Single(r => r.Key == $"GET /api/imports/{ImportId}/columns/2").Query);
        Assert.Equal(
            ["Choose the format…", "day/month/year (dd/MM/yyyy): 03/04/2024 → 3 April 2024", "month/day/year (MM/dd/yyyy): 03/04/2024 → 4 March 2024"],
            wizard.FindAll("#typed-column-2-date-format option").Select(o => o.TextContent.Trim()));
        Assert.Contains("read both day-first and month-first", wizard.Find("#typed-column-2-date-needed").TextContent);
        Assert.Contains("Choose the date format of column 'Born'", wizard.Find("#mapping-date-format-needed").TextContent);
        Assert.True(NextReview(wizard).HasAttribute("disabled"));

        wizard.Find("#typed-column-2-date-format").Change("MM/dd/yyyy");
        Assert.Empty(wizard.FindAll("#mapping-date-format-needed"));
        Assert.False(NextReview(wizard).HasAttribute("disabled"));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.Equal([null, null, "MM/dd/yyyy", null, null], mappings[0].GetProperty("dateFormats").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void A_remembered_date_format_is_preselected_for_an_ambiguous_column_and_sent_again()
    {
        var mappings = new List<JsonElement>();
        AnswerTyped(mappings, Typed() with { Mapping = TypedMapping() with { DateFormats = [null!, null!, "dd/MM/yyyy", null!, null!] } });
        _api.On($"GET /api/imports/{ImportId}/columns/2", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            2, "Born", "field:born", null, ["dd/MM/yyyy", "MM/dd/yyyy"], null, [Wire.Value("03/04/2024", 2, null)])));

        var wizard = ToTypedMapping();
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#typed-column-2-date-format")));
        Assert.Equal("dd/MM/yyyy", wizard.Find("#typed-column-2-date-format option[selected]").GetAttribute("value"));
        Assert.Empty(wizard.FindAll("#typed-column-2-date-needed"));
        Assert.False(NextReview(wizard).HasAttribute("disabled"));

        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.Equal([null, null, "dd/MM/yyyy", null, null], mappings[0].GetProperty("dateFormats").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void Select_values_matching_no_option_get_a_choice_prefilled_from_the_remembered_mapping_and_are_sent()
    {
        var mappings = new List<JsonElement>();
        AnswerTyped(mappings, Typed());

        var wizard = ToTypedMapping();
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#typed-column-3-unmatched")));
        Assert.Equal("?target=field:tier", _api.Requests.Single(r => r.Key == $"GET /api/imports/{ImportId}/columns/3").Query);
        Assert.Equal("2 values match an option.", wizard.Find("#typed-column-3-matched").TextContent.Trim());
        Assert.Equal(["platinum", "vip"], wizard.FindAll("#typed-column-3-unmatched tbody tr").Select(r => r.GetAttribute("data-value")));
        Assert.Equal(["", "option:Gold", "option:Silver", "option:Bronze", "blank"], wizard.FindAll("#typed-column-3-value-1 option").Select(o => o.GetAttribute("value")));
        Assert.Equal("option:Gold", wizard.Find("#typed-column-3-value-0 option[selected]").GetAttribute("value"));
        Assert.Equal("", wizard.Find("#typed-column-3-value-1 option[selected]").GetAttribute("value"));

        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.Equal("""[null,null,null,{"platinum":"Gold"},null]""", mappings[0].GetProperty("valueMaps").GetRawText());

        wizard.Find("#typed-column-3-value-0").Change("option:Silver");
        wizard.Find("#typed-column-3-value-1").Change("blank");
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal(2, mappings.Count));
        Assert.Equal("""[null,null,null,{"platinum":"Silver","vip":null},null]""", mappings[1].GetProperty("valueMaps").GetRawText());
    }

    [Fact]
    public void A_detected_date_format_and_decimal_separator_are_shown_and_a_changed_separator_is_sent()
    {
        var mappings = new List<JsonElement>();
        AnswerTyped(mappings, Typed());

        var wizard = ToTypedMapping();
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#typed-column-4-decimal")));
        Assert.Equal("Dates read as day/month/year (dd/MM/yyyy): 31/12/2024 → 31 December 2024.", wizard.Find("#typed-column-2-date-detected").TextContent.Trim());
        Assert.Empty(wizard.FindAll("#typed-column-2-date-format"));
        Assert.Equal("As detected: Comma (1234,5)", wizard.Find("#typed-column-4-decimal option[selected]").TextContent.Trim());
        Assert.Equal("Column Score → Score (Number)", wizard.Find("#typed-column-4 legend").TextContent.Trim());
        Assert.False(NextReview(wizard).HasAttribute("disabled"));

        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.False(mappings[0].TryGetProperty("decimalSeparators", out _));
        Assert.False(mappings[0].TryGetProperty("dateFormats", out _));

        wizard.Find("#typed-column-4-decimal").Change(".");
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal(2, mappings.Count));
        Assert.Equal([null, null, null, null, "."], mappings[1].GetProperty("decimalSeparators").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public void The_bad_identifier_choice_is_prefilled_from_the_mapping_and_sent_with_it()
    {
        var mappings = new List<JsonElement>();
        AnswerTyped(mappings, Typed());

        var wizard = ToTypedMapping();
        Assert.Equal("Rows with one bad phone or email", wizard.Find("#import-bad-identifier legend").TextContent.Trim());
        Assert.True(wizard.Find("#import-bad-identifier-invalid").HasAttribute("checked"), "the remembered mapping said invalid");
        Assert.False(wizard.Find("#import-bad-identifier-import").HasAttribute("checked"));
        Assert.Contains("valid phone or email, with a warning", wizard.Find("label[for='import-bad-identifier-import']").TextContent);

        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Single(mappings));
        Assert.Equal("invalid", mappings[0].GetProperty("badIdentifier").GetString());

        wizard.Find("#import-bad-identifier-import").Change("import");
        Assert.True(wizard.Find("#import-bad-identifier-import").HasAttribute("checked"));
        Click(wizard, "Next: review");
        wizard.WaitForAssertion(() => Assert.Equal(2, mappings.Count));
        Assert.Equal("import", mappings[1].GetProperty("badIdentifier").GetString());
    }

    [Fact]
    public void Without_a_remembered_choice_rows_with_one_bad_identifier_are_imported()
    {
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, Uploaded()));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, Array.Empty<VeloConnect.Client.FieldResponse>()));

        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Labels\n", "people.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-bad-identifier")));

        Assert.True(wizard.Find("#import-bad-identifier-import").HasAttribute("checked"));
        Assert.False(wizard.Find("#import-bad-identifier-invalid").HasAttribute("checked"));
        Assert.Empty(wizard.FindAll(".typed-column"));
    }

    [Fact]
    public void Every_typed_value_choice_is_labelled_and_grouped_under_its_column()
    {
        AnswerTyped([], Typed());
        _api.On($"GET /api/imports/{ImportId}/columns/2", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            2, "Born", "field:born", null, ["dd/MM/yyyy", "MM/dd/yyyy"], null, [Wire.Value("03/04/2024", 1, null)])));

        var wizard = ToTypedMapping();
        wizard.WaitForAssertion(() => Assert.Empty(wizard.FindAll(".typed-column [role=status]")));

        Assert.Equal(
            ["Column Born → Born (Date)", "Column Tier → Tier (Single select)", "Column Score → Score (Number)"],
            wizard.FindAll("fieldset.typed-column > legend").Select(l => l.TextContent.Trim()));
        var controls = wizard.FindAll(".typed-column select, #import-bad-identifier input");
        Assert.Equal(6, controls.Count);
        Assert.All(controls, control => Assert.True(
            control.HasAttribute("aria-label") || wizard.FindAll($"label[for='{control.Id}']").Count == 1,
            $"{control.Id} has no label"));
        Assert.NotEmpty(wizard.Find("#typed-column-3-unmatched caption").TextContent.Trim());
        Assert.All(wizard.FindAll("#typed-column-3-unmatched th"), th => Assert.True(th.HasAttribute("scope")));
        Assert.Equal("true", wizard.Find("#typed-column-2-date-format").GetAttribute("aria-invalid"));
        Assert.Equal("typed-column-2-date-needed", wizard.Find("#typed-column-2-date-format").GetAttribute("aria-describedby"));
    }

    /// <summary>The upload, the fields (a date, a select and a number field), each typed column's values and a mapping PUT that is recorded then refused.</summary>
    private void AnswerTyped(List<JsonElement> mappings, ImportResponse import)
    {
        _api.On("POST /api/imports", _ => Json(HttpStatusCode.Created, import));
        _api.On("GET /api/fields", _ => Json(HttpStatusCode.OK, new[]
        {
            new VeloConnect.Client.FieldResponse { Key = "born", Label = "Born", Type = "date", Options = [] },
            new VeloConnect.Client.FieldResponse { Key = "tier", Label = "Tier", Type = "single_select", Options = ["Gold", "Silver", "Bronze"] },
            new VeloConnect.Client.FieldResponse { Key = "score", Label = "Score", Type = "number", Options = [] },
        }));
        _api.On($"GET /api/imports/{ImportId}/columns/2", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            2, "Born", "field:born", "dd/MM/yyyy", ["dd/MM/yyyy"], null, [Wire.Value("31/12/2024", 1, null), Wire.Value("15/01/1990", 1, null)])));
        _api.On($"GET /api/imports/{ImportId}/columns/3", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            3, "Tier", "field:tier", null, [], null, [Wire.Value("gold", 12, "Gold"), Wire.Value("Silver", 3, "Silver"), Wire.Value("platinum", 2, null), Wire.Value("vip", 1, null)])));
        _api.On($"GET /api/imports/{ImportId}/columns/4", _ => Json(HttpStatusCode.OK, Wire.ColumnValues(
            4, "Score", "field:score", null, [], ",", [Wire.Value("1,5", 4, null)])));
        _api.On($"PUT /api/imports/{ImportId}/mapping", body =>
        {
            mappings.Add(JsonDocument.Parse(body).RootElement.Clone());
            return Problem(HttpStatusCode.BadRequest, """{"title":"One or more validation errors occurred.","status":400,"errors":{"region":["Stop here."]}}""");
        });
    }

    private IRenderedComponent<ImportWizard> ToTypedMapping()
    {
        var wizard = Render<ImportWizard>();
        wizard.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("Name,Mobile,Born,Tier,Score\n", "typed.csv"));
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#import-row-count")));
        Click(wizard, "Next: map columns");
        wizard.WaitForAssertion(() => Assert.NotNull(wizard.Find("#mapping-table")));
        return wizard;
    }

    private static AngleSharp.Dom.IElement NextReview(IRenderedComponent<ImportWizard> wizard) =>
        wizard.FindAll("fluent-button").Single(b => b.TextContent.Trim() == "Next: review");

    private static ImportResponse Typed() => Uploaded() with
    {
        Columns = [Wire.Column(0, "Name", ["Ann"]), Wire.Column(1, "Mobile", ["+1 415 555 0100"]), Wire.Column(2, "Born", ["31/12/2024"]), Wire.Column(3, "Tier", ["gold"]), Wire.Column(4, "Score", ["1,5"])],
        Targets = [Wire.Target("name", "Name"), Wire.Target("phone", "Phone (primary)"), Wire.Target("ignore", "Don't import")],
        Mapping = TypedMapping(),
    };

    private static MappingResponse TypedMapping() =>
        Wire.Mapping(["name", "phone", "field:born", "field:tier", "field:score"], true, "US", "remembered") with
        {
            BadIdentifier = "invalid",
            ValueMaps = [null!, null!, null!, new Dictionary<string, string> { ["platinum"] = "Gold" }, null!],
        };

    private static void Click(IRenderedComponent<ImportWizard> wizard, string text) =>
        wizard.FindAll("fluent-button").Single(b => b.TextContent.Trim() == text).Click();

    private static ImportResponse Uploaded() => Wire.Import(
        ImportId, "people.csv", 120, ImportStatus.Uploaded, DateTimeOffset.UtcNow, Wire.Encoding("utf-8", "UTF-8", null, "UTF-8"), "comma", true, true,
        [Wire.Column(0, "Name", ["Ann", "Bob"]), Wire.Column(1, "Mobile", ["+1 415 555 0100"]), Wire.Column(2, "Labels", ["vip"])], 3, [],
        Wire.Mapping(["name", "phone", "tags"], true, "US", "remembered"),
        [Wire.Target("name", "Name"), Wire.Target("phone", "Phone (primary)"), Wire.Target("phone_additional", "Phone (additional)"), Wire.Target("email", "Email"), Wire.Target("tags", "Tags"), Wire.Target("ignore", "Don't import")],
        Wire.Progress(0, 3), Wire.Counts(0, 0, 0, 0), null, null, null, "wizard");
}
