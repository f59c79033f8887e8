using System.Net;
using System.Text.Json;
using Bunit;
using Microsoft.AspNetCore.Components.Web;
using VeloConnect.Client;
using VeloConnect.Web.Api;
using VeloConnect.Web.Components.Imports;
using Xunit;
using static VeloConnect.Web.Tests.StubApi;

namespace VeloConnect.Web.Tests.Imports;

/// <summary>Step 3's grid against a stand-in for the API: what it asks for each page and filter, and the edits it sends.</summary>
public sealed class ReviewGridTests : BunitContext
{
    private static readonly Guid ImportId = Guid.Parse("0f7c1a52-3c55-4f1e-9d1b-6a1e00000014");
    private static readonly string Rows = $"GET /api/imports/{ImportId}/review/rows";
    private static readonly string Edits = $"/api/imports/{ImportId}/edits";
    private static readonly string[] Headers = ["Name", "Mobile", "Email"];
    private readonly StubApi _api = new();
    private readonly List<ReviewResult> _reviewed = [];

    public ReviewGridTests()
    {
        _api.ServeAs(this, "Ann");
        _api.On($"GET {Edits}", _ => Json(HttpStatusCode.OK, new ImportEditsResponse { Edits = [] }));
        _api.On($"POST /api/imports/{ImportId}/review", _ => Json(HttpStatusCode.OK, Wire.Review(3, Wire.Counts(2, 0, 0, 1), [], 0, [], [], [], [])));
    }

    private static ReviewRowResponse Invalid(int rowNumber, string phone) =>
        Wire.GridRow(rowNumber, ReviewOutcome.Invalid, [$"Rider {rowNumber}", phone, ""], [$"column 'Mobile': '{phone}' is not a valid phone number in region US (add the country code, e.g. +44…, or choose the import's default region)."]);

    private IRenderedComponent<ReviewGrid> RenderGrid(int pageSize = ReviewGrid.DefaultPageSize) =>
        Render<ReviewGrid>(p => p.Add(x => x.ImportId, ImportId).Add(x => x.Headers, Headers).Add(x => x.PageSize, pageSize)
            .Add(x => x.OnReviewed, r => _reviewed.Add(r)));

    private void AnswerRows(params ReviewRowResponse[] rows) =>
        _api.On(Rows, _ => Json(HttpStatusCode.OK, Wire.RowsPage(rows, null, rows.Length)));

    private JsonElement EditSent(int index = 0) =>
        JsonDocument.Parse(_api.Requests.Where(r => r.Key == $"POST {Edits}").ElementAt(index).Body).RootElement;

    [Fact]
    public void Pages_forward_with_the_last_row_as_the_cursor_and_back_again()
    {
        _api.OnRequest(Rows, sent => Json(HttpStatusCode.OK, sent.Query.Contains("after=3", StringComparison.Ordinal)
            ? Wire.RowsPage([Invalid(4, "12"), Invalid(5, "13")], null, 4)
            : Wire.RowsPage([Invalid(2, "10"), Invalid(3, "11")], 3, 4)));

        var grid = RenderGrid(pageSize: 2);

        grid.WaitForAssertion(() => Assert.Equal(["2", "3"], grid.FindAll("#review-grid tbody tr").Select(r => r.GetAttribute("data-row"))));
        Assert.Contains("Rows 1–2 of 4.", grid.Find("#review-grid-status").TextContent);
        Assert.Contains("limit=2", _api.Requests.Single(r => r.Key == Rows).Query);
        Assert.True(grid.Find("#review-grid-previous").HasAttribute("disabled"));

        grid.Find("#review-grid-next").Click();
        grid.WaitForAssertion(() => Assert.Equal(["4", "5"], grid.FindAll("#review-grid tbody tr").Select(r => r.GetAttribute("data-row"))));
        Assert.Contains("after=3", _api.Requests.Where(r => r.Key == Rows).Last().Query);
        Assert.Contains("Rows 3–4 of 4.", grid.Find("#review-grid-status").TextContent);
        Assert.True(grid.Find("#review-grid-next").HasAttribute("disabled"));

        grid.Find("#review-grid-previous").Click();
        grid.WaitForAssertion(() => Assert.Equal(["2", "3"], grid.FindAll("#review-grid tbody tr").Select(r => r.GetAttribute("data-row"))));
        Assert.DoesNotContain("after=", _api.Requests.Where(r => r.Key == Rows).Last().Query);
    }

    [Fact]
    public void Filters_are_sent_to_the_api_and_start_again_at_the_first_page()
    {
        _api.OnRequest(Rows, sent => Json(HttpStatusCode.OK, sent.Query.Contains("outcome=invalid", StringComparison.Ordinal)
            ? Wire.RowsPage([Invalid(4, "12")], null, 1)
            : Wire.RowsPage([Wire.GridRow(2, ReviewOutcome.Added, ["Ann", "+14155550100", ""]), Invalid(4, "12")], null, 2)));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("#review-grid tbody tr").Count));

        grid.Find("#review-grid-outcome").Change(ReviewOutcome.Invalid);
        grid.WaitForAssertion(() => Assert.Single(grid.FindAll("#review-grid tbody tr")));
        grid.Find("#review-grid-reason").Change("country code");
        grid.Find("#review-grid-q").Change("Rider");

        grid.WaitForAssertion(() => Assert.Equal(4, _api.Requests.Count(r => r.Key == Rows)));
        var last = _api.Requests.Last(r => r.Key == Rows).Query;
        Assert.Contains("outcome=invalid", last);
        Assert.Contains("reason=country code", last);
        Assert.Contains("q=Rider", last);
        Assert.DoesNotContain("after=", last);
        Assert.Contains("matching the filters", grid.Find("#review-grid-status").TextContent);
    }

    [Fact]
    public void The_reason_stands_next_to_its_bad_cell_and_a_row_reason_in_the_notes()
    {
        AnswerRows(
            Invalid(4, "612345678"),
            Wire.GridRow(5, ReviewOutcome.Invalid, ["Eve", "", ""], ["No phone and no email: one of them is needed to match contacts."]),
            Wire.GridRow(6, ReviewOutcome.Skipped, ["Ada", "+14155550100", ""], ["Dropped in the review by Ann."]),
            Wire.GridRow(7, ReviewOutcome.Added, ["Bo", "+14155550101", "bo-at-example"], warnings: ["column 'Email': 'bo-at-example' is not a valid email address; left out."]));

        var grid = RenderGrid();

        grid.WaitForAssertion(() => Assert.Equal(4, grid.FindAll("#review-grid tbody tr").Count));
        var bad = grid.Find("tr[data-row='4'] td[data-column='1']");
        Assert.Equal("true", bad.GetAttribute("aria-invalid"));
        var reason = grid.Find("#" + bad.GetAttribute("aria-describedby"));
        Assert.StartsWith("'612345678' is not a valid phone number in region US", reason.TextContent);
        Assert.Null(grid.Find("tr[data-row='4'] td[data-column='0']").GetAttribute("aria-invalid"));
        Assert.Contains("No phone and no email", grid.Find("tr[data-row='5'] .review-grid-notes").TextContent);
        Assert.Contains("dropped", grid.Find("tr[data-row='6'] .review-grid-outcome").TextContent);
        Assert.Equal("restore", grid.Find("tr[data-row='6'] .review-grid-actions button").GetAttribute("data-action"));
        var warned = grid.Find("tr[data-row='7'] td[data-column='2']");
        Assert.Null(warned.GetAttribute("aria-invalid"));
        Assert.StartsWith("Warning: 'bo-at-example' is not a valid email address", grid.Find("#" + warned.GetAttribute("aria-describedby")).TextContent);
        Assert.Empty(grid.Find("tr[data-row='7'] .review-grid-notes").TextContent.Trim());
    }

    [Fact]
    public void An_updated_row_shows_what_it_changes()
    {
        var change = new ReviewChange
        {
            Fields = [new FieldChange { Field = "name", Label = "Name", Before = "Alan", After = "Alan Turing" }],
            TagsAdded = ["vip"], PhonesAdded = ["+442079460001"], Kept = ["Email"],
        };
        AnswerRows(Wire.GridRow(3, ReviewOutcome.Updated, ["Alan Turing", "+442079460000", ""], change: change));

        var grid = RenderGrid();

        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("tr[data-row='3'] details.review-change")));
        var text = grid.Find("tr[data-row='3'] details.review-change").TextContent;
        Assert.Contains("Alan → Alan Turing", text);
        Assert.Contains("Tags addedvip", text);
        Assert.Contains("Phones added+442079460001", text);
        Assert.Contains("Kept (blank in the file)Email", text);
    }

    [Fact]
    public void Arrow_keys_move_the_focusable_cell()
    {
        AnswerRows(Invalid(2, "10"), Invalid(3, "11"));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal("0", grid.Find("#review-cell-0-0").GetAttribute("tabindex")));

        grid.Find("#review-cell-0-0").KeyDown(new KeyboardEventArgs { Key = "ArrowRight" });
        grid.Find("#review-cell-0-1").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });
        grid.Find("#review-cell-1-1").KeyDown(new KeyboardEventArgs { Key = "ArrowDown" });

        Assert.Equal("0", grid.Find("#review-cell-1-1").GetAttribute("tabindex"));
        Assert.Equal("-1", grid.Find("#review-cell-0-0").GetAttribute("tabindex"));
        Assert.Single(grid.FindAll("td[data-column][tabindex='0']"));
    }

    [Fact]
    public void Enter_edits_a_cell_and_Enter_again_sends_a_cell_edit_then_reviews_again()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"POST {Edits}", _ => Json(HttpStatusCode.Created, new ImportEditResponse { Seq = 1, RowCount = 1, Rows = [] }));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-0-1")));

        grid.Find("#review-cell-0-1").Focus();

        grid.Find("#review-cell-0-1").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        var editor = grid.Find("#review-grid-editor");
        Assert.Equal("612345678", editor.GetAttribute("value"));
        Assert.Equal("Row 4, Mobile", editor.GetAttribute("aria-label"));
        editor.Input("+34612345678");
        grid.Find("#review-grid-editor").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        var edit = EditSent();
        Assert.Equal("cell", edit.GetProperty("kind").GetString());
        Assert.Equal(4, edit.GetProperty("row").GetInt32());
        Assert.Equal(1, edit.GetProperty("column").GetInt32());
        Assert.Equal("+34612345678", edit.GetProperty("value").GetString());
        Assert.Equal(1, _reviewed[0].Counts.Invalid);
        // The page and the edits are read again from the API after the review.
        Assert.Equal(2, _api.Requests.Count(r => r.Key == Rows));
        Assert.Equal(2, _api.Requests.Count(r => r.Key == $"GET {Edits}"));
        Assert.Empty(grid.FindAll("#review-grid-editor"));
    }

    [Fact]
    public void Tab_saves_the_cell_too()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"POST {Edits}", _ => Json(HttpStatusCode.Created, new ImportEditResponse { Seq = 1, RowCount = 1, Rows = [] }));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-0-0")));

        grid.Find("#review-cell-0-0").Focus();

        grid.Find("#review-cell-0-0").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        grid.Find("#review-grid-editor").Input("Rider Four");
        grid.Find("#review-grid-editor").KeyDown(new KeyboardEventArgs { Key = "Tab" });

        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        Assert.Equal("Rider Four", EditSent().GetProperty("value").GetString());
        Assert.Equal(0, EditSent().GetProperty("column").GetInt32());
    }

    [Fact]
    public void Escape_cancels_the_edit_and_sends_nothing_nor_does_an_unchanged_value()
    {
        AnswerRows(Invalid(4, "612345678"));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-0-1")));

        grid.Find("#review-cell-0-1").Focus();

        grid.Find("#review-cell-0-1").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        grid.Find("#review-grid-editor").Input("+34612345678");
        grid.Find("#review-grid-editor").KeyDown(new KeyboardEventArgs { Key = "Escape" });
        Assert.Empty(grid.FindAll("#review-grid-editor"));
        Assert.Equal("612345678", grid.Find("#review-cell-0-1 .review-cell-text").TextContent);

        grid.Find("#review-cell-0-1").Focus();

        grid.Find("#review-cell-0-1").KeyDown(new KeyboardEventArgs { Key = "Enter" });
        grid.Find("#review-grid-editor").KeyDown(new KeyboardEventArgs { Key = "Enter" });

        Assert.Empty(grid.FindAll("#review-grid-editor"));
        Assert.DoesNotContain(_api.Requests, r => r.Key.StartsWith("POST", StringComparison.Ordinal));
        Assert.Empty(_reviewed);
    }

    [Fact]
    public void A_row_is_dropped_and_restored_with_their_edits()
    {
        var dropped = false;
        _api.On(Rows, _ => Json(HttpStatusCode.OK, Wire.RowsPage(
            [dropped ? Wire.GridRow(5, ReviewOutcome.Skipped, ["Eve", "", ""], ["Dropped in the review by Ann."]) : Wire.GridRow(5, ReviewOutcome.Invalid, ["Eve", "", ""], ["No phone and no email."])], null, 1)));
        _api.On($"POST {Edits}", body =>
        {
            dropped = JsonDocument.Parse(body).RootElement.GetProperty("kind").GetString() == "drop";
            return Json(HttpStatusCode.Created, new ImportEditResponse { Seq = 1, RowCount = 1, Rows = [] });
        });
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("button[aria-label='Drop row 5']")));

        grid.Find("button[aria-label='Drop row 5']").Click();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("button[aria-label='Restore row 5']")));
        grid.Find("button[aria-label='Restore row 5']").Click();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("button[aria-label='Drop row 5']")));

        Assert.Equal(("drop", 5), (EditSent(0).GetProperty("kind").GetString(), EditSent(0).GetProperty("row").GetInt32()));
        Assert.Equal(("restore", 5), (EditSent(1).GetProperty("kind").GetString(), EditSent(1).GetProperty("row").GetInt32()));
        Assert.Equal(2, _reviewed.Count);
    }

    [Fact]
    public void The_edits_are_listed_with_who_made_them_and_each_is_undone_by_its_seq()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"GET {Edits}", _ => Json(HttpStatusCode.OK, new ImportEditsResponse
        {
            Edits = [Wire.Edit(7, "prefix", "Mobile: prefixed '+34' (1 row)", "Ann"), Wire.Edit(6, "drop", "Dropped row 5", "Bob", undone: true)],
        }));
        _api.On($"DELETE {Edits}/7", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("#review-edits li").Count));

        var prefix = grid.Find("#review-edits li[data-seq='7']");
        Assert.Contains("Mobile: prefixed '+34' (1 row)", prefix.TextContent);
        Assert.Contains("by Ann", prefix.TextContent);
        Assert.Contains("(undone)", grid.Find("#review-edits li[data-seq='6']").TextContent);
        Assert.Empty(grid.FindAll("#review-edits li[data-seq='6'] button"));

        prefix.QuerySelector("button")!.Click();
        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        Assert.Single(_api.Requests, r => r.Key == $"DELETE {Edits}/7");
    }

    [Fact]
    public void A_refused_edit_shows_the_apis_problem_and_asks_no_new_review()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"POST {Edits}", _ => Problem(HttpStatusCode.Conflict, """{"title":"Row already dropped","status":409,"detail":"Row 4 was dropped by Bob; restore it with kind 'restore', or undo that edit."}"""));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("button[aria-label='Drop row 4']")));

        grid.Find("button[aria-label='Drop row 4']").Click();

        grid.WaitForAssertion(() => Assert.Contains("Row 4 was dropped by Bob", grid.Find(".problem").TextContent));
        Assert.DoesNotContain(_api.Requests, r => r.Key.EndsWith("/review", StringComparison.Ordinal));
        Assert.Empty(_reviewed);
    }

    [Fact]
    public void The_bulk_dialog_opens_on_a_column_with_the_grids_filters_and_sends_a_prefix_edit()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"POST {Edits}", _ => Json(HttpStatusCode.Created, new ImportEditResponse { Seq = 2, RowCount = 1, Rows = [] }));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-grid")));
        grid.Find("#review-grid-outcome").Change(ReviewOutcome.Invalid);
        grid.Find("#review-grid-reason").Change("country code");

        grid.Find("button[aria-label='Bulk edit column Mobile']").Click();
        Assert.Equal("1", grid.Find("#bulk-column").GetAttribute("value"));
        Assert.Equal("invalid", grid.Find("#bulk-outcome").GetAttribute("value"));
        Assert.Equal("country code", grid.Find("#bulk-reason").GetAttribute("value"));
        grid.Find("#bulk-kind").Change("prefix");
        grid.Find("#bulk-prefix").Input("+34");
        grid.Find("#bulk-apply").Click();

        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        var edit = EditSent();
        Assert.Equal("prefix", edit.GetProperty("kind").GetString());
        Assert.Equal(1, edit.GetProperty("column").GetInt32());
        Assert.Equal("+34", edit.GetProperty("prefix").GetString());
        Assert.Equal("invalid", edit.GetProperty("rows").GetProperty("outcome").GetString());
        Assert.Equal("country code", edit.GetProperty("rows").GetProperty("reason").GetString());
        Assert.Empty(grid.FindAll("#bulk-apply"));
    }

    [Fact]
    public void A_refused_bulk_edit_keeps_the_dialog_open_with_the_apis_problem()
    {
        AnswerRows(Invalid(4, "612345678"));
        _api.On($"POST {Edits}", _ => Problem((HttpStatusCode)422, """{"title":"Nothing to change","status":422,"detail":"No cell of column 1 would change: the edit was not stored."}"""));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-grid")));

        grid.Find("#review-grid-bulk").Click();
        grid.Find("#bulk-kind").Change("trim");
        grid.Find("#bulk-column").Change("1");
        grid.Find("#bulk-apply").Click();

        grid.WaitForAssertion(() => Assert.Contains("No cell of column 1 would change", grid.Find("#bulk-edit-dialog .problem").TextContent));
        Assert.Equal("trim", EditSent().GetProperty("kind").GetString());
        Assert.Empty(_reviewed);
    }
}
