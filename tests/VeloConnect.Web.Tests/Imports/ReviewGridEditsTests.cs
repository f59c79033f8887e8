using System.Net;
using System.Text.Json;
using Bunit;
using VeloConnect.Client;
using Outcome = VeloConnect.Web.Api.ReviewOutcome;
using VeloConnect.Web.Components.Imports;
using Xunit;
using static VeloConnect.Web.Tests.StubApi;

namespace VeloConnect.Web.Tests.Imports;

/// <summary>
/// The grid's edits as the API answers them (issue 14): the review's counts and rows from the edit's own answer, the edits'
/// version sent as <c>expectedSeq</c>, another editor's change first (409) shown with Reload, the recipe offered, applied and saved.
/// </summary>
public sealed class ReviewGridEditsTests : BunitContext
{
    private readonly StubApi _api = new();
    private readonly List<ReviewResult> _reviewed = [];
    private static readonly ReviewResult Before = Wire.Review(2, Wire.Counts(1, 0, 0, 1), [], 0, [], [], [], []) with { RowsUrl = "/rows" };
    private static readonly string[] Headers = ["Name", "Mobile", "Email"];
    private static readonly Guid ImportId = Guid.Parse("0f7c1a52-3c55-4f1e-9d1b-6a1e00000015");
    private static readonly string ReviewKey = $"POST /api/imports/{ImportId}/review";
    private static readonly string Rows = $"GET /api/imports/{ImportId}/review/rows";
    private static readonly string Edits = $"/api/imports/{ImportId}/edits";

    public ReviewGridEditsTests()
    {
        _api.ServeAs(this, "Ann");
        _api.On(ReviewKey, _ => Json(HttpStatusCode.OK, Wire.Review(2, Wire.Counts(2, 0, 0, 0), [], 0, [], [], [], [])));
        _api.On(Rows, _ => Json(HttpStatusCode.OK, Wire.RowsPage([Wire.GridRow(3, Outcome.Added, ["Ada", "+14155550100", ""]), BadPhone], null, 2)));
    }

    private static ReviewRowResponse BadPhone { get; } = Wire.GridRow(4, Outcome.Invalid, ["Cleo", "612345678", ""],
        ["column 'Mobile': '612345678' is not a valid phone number in region US (add the country code)."]);

    private static ReviewRowResponse FixedPhone { get; } = Wire.GridRow(4, Outcome.Added, ["Cleo", "+34612345678", ""], edited: true);

    private IRenderedComponent<ReviewGrid> RenderGrid(ImportRecipeResponse? recipe = null) =>
        Render<ReviewGrid>(p => p.Add(x => x.ImportId, ImportId).Add(x => x.Headers, Headers).Add(x => x.Review, Before)
            .Add(x => x.Recipe, recipe).Add(x => x.OnReviewed, r => _reviewed.Add(r)));

    private void ListEdits(long? version, params ImportEditSummary[] edits) =>
        _api.On($"GET {Edits}", _ => Json(HttpStatusCode.OK, new ImportEditsResponse { Edits = edits, Version = version }));

    private static HttpResponseMessage Edited(long seq, ReviewRowResponse row, ImportCounts counts) => Json(HttpStatusCode.Created, new ImportEditResponse
    {
        Seq = seq, RowCount = 1, Rows = [],
        Review = new EditReviewResponse { Counts = counts, WarningCount = 0, How = "incremental", RowCount = 1, Rows = [row] },
    });

    private JsonElement EditSent(int index) =>
        JsonDocument.Parse(_api.Requests.Where(r => r.Key == $"POST {Edits}").ElementAt(index).Body).RootElement;

    private static void EditCell(IRenderedComponent<ReviewGrid> grid, string cell, string value)
    {
        grid.Find(cell).Focus();
        grid.Find(cell).KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        grid.Find("#review-grid-editor").Input(value);
        grid.Find("#review-grid-editor").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
    }

    [Fact]
    public void An_edit_moves_the_counts_and_its_row_from_the_edits_answer_without_a_second_review()
    {
        ListEdits(5);
        _api.On($"POST {Edits}", _ => Edited(6, FixedPhone, Wire.Counts(2, 0, 0, 0)));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-1-1")));

        EditCell(grid, "#review-cell-1-1", "+34612345678");

        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        Assert.Equal((2, 0), (_reviewed[0].Counts.Added, _reviewed[0].Counts.Invalid));
        // The rest of the step's review is kept (rows, its rowsUrl): only the counts come from the edit.
        Assert.Equal(("/rows", 2), (_reviewed[0].RowsUrl, _reviewed[0].Rows));
        Assert.DoesNotContain(_api.Requests, r => r.Key == ReviewKey);
        Assert.Single(_api.Requests, r => r.Key == Rows);
        Assert.Equal("+34612345678", grid.Find("tr[data-row='4'] td[data-column='1'] .review-cell-text").TextContent);
        Assert.Contains("edited", grid.Find("tr[data-row='4'] .review-grid-outcome").TextContent);
        Assert.Null(grid.Find("tr[data-row='4'] td[data-column='1']").GetAttribute("aria-invalid"));
    }

    [Fact]
    public void With_a_filter_the_page_is_read_again_after_the_edit_rows_may_leave_it()
    {
        ListEdits(5);
        _api.On($"POST {Edits}", _ => Edited(6, FixedPhone, Wire.Counts(2, 0, 0, 0)));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-1-1")));
        grid.Find("#review-grid-outcome").Change(Outcome.Invalid);
        grid.WaitForAssertion(() => Assert.Equal(2, _api.Requests.Count(r => r.Key == Rows)));

        EditCell(grid, "#review-cell-1-1", "+34612345678");

        grid.WaitForAssertion(() => Assert.Equal(3, _api.Requests.Count(r => r.Key == Rows)));
        Assert.DoesNotContain(_api.Requests, r => r.Key == ReviewKey);
    }

    [Fact]
    public void The_edits_version_is_sent_as_expectedSeq_and_advances_with_each_edit_and_undo()
    {
        ListEdits(5, Wire.Edit(5, "trim", "Name: trimmed (1 row)", "Bob"));
        _api.On($"POST {Edits}", body => JsonDocument.Parse(body).RootElement.GetProperty("kind").GetString() == "drop"
            ? Edited(7, Wire.GridRow(3, Outcome.Skipped, ["Ada", "+14155550100", ""], ["Dropped in the review by Ann."]), Wire.Counts(1, 0, 1, 0))
            : Edited(6, FixedPhone, Wire.Counts(2, 0, 0, 0)));
        _api.On($"DELETE {Edits}/5", _ => new HttpResponseMessage(HttpStatusCode.NoContent));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-1-1")));

        EditCell(grid, "#review-cell-1-1", "+34612345678");
        grid.WaitForAssertion(() => Assert.Single(_reviewed));
        grid.Find("button[aria-label='Drop row 3']").Click();
        grid.WaitForAssertion(() => Assert.Equal(2, _reviewed.Count));
        // The list says 5 still (the stub's); the grid's version is its own edits' seq, not the list's.
        grid.Find("#review-edits li[data-seq='5'] button").Click();
        grid.WaitForAssertion(() => Assert.Equal(3, _reviewed.Count));

        Assert.Equal(5, EditSent(0).GetProperty("expectedSeq").GetInt64());
        Assert.Equal(6, EditSent(1).GetProperty("expectedSeq").GetInt64());
        Assert.Contains("expectedSeq=7", _api.Requests.Single(r => r.Key == $"DELETE {Edits}/5").Query);
        // An undo answers no review: it is asked again.
        Assert.Single(_api.Requests, r => r.Key == ReviewKey);
    }

    [Fact]
    public void Another_editors_change_first_shows_their_detail_keeps_the_value_and_Reload_brings_their_edit()
    {
        // No edit yet (no version): the grid expects 0, so Bob's first edit is not silently built on.
        ListEdits(null);
        var version = 0L;
        _api.On($"POST {Edits}", body =>
        {
            var sent = JsonDocument.Parse(body).RootElement.GetProperty("expectedSeq").GetInt64();
            return sent < version
                ? Problem(HttpStatusCode.Conflict, """{"title":"The edits changed","status":409,"detail":"Bob made the edit 'Row 4, Mobile: set to '+34 612 345 678'' at 14:02 UTC, after the version 5 you saw (now 6). Nothing of yours was stored: reload the edits and the rows, then edit again.","version":6,"changedBy":"Bob"}""")
                : Edited(7, FixedPhone, Wire.Counts(2, 0, 0, 0));
        });
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#review-cell-1-1")));

        version = 6;
        EditCell(grid, "#review-cell-1-1", "+34612345678");
        grid.WaitForAssertion(() => Assert.Equal(0, EditSent(0).GetProperty("expectedSeq").GetInt64()));

        grid.WaitForAssertion(() => Assert.Contains("Bob made the edit 'Row 4, Mobile", grid.Find("#review-grid-conflict").TextContent));
        Assert.Equal("alert", grid.Find("#review-grid-conflict").GetAttribute("role"));
        Assert.Contains("was not saved", grid.Find("#review-grid-conflict").TextContent);
        Assert.Equal("+34612345678", grid.Find("#review-grid-editor").GetAttribute("value"));
        Assert.Empty(_reviewed);
        Assert.Empty(grid.FindAll(".problem"));

        ListEdits(6, Wire.Edit(6, "cell", "Row 4, Mobile: set to '+34 612 345 678'", "Bob"));
        grid.Find("#review-grid-reload").Click();

        grid.WaitForAssertion(() => Assert.Contains("by Bob", grid.Find("#review-edits li[data-seq='6']").TextContent));
        Assert.Empty(grid.FindAll("#review-grid-conflict"));
        Assert.Single(_reviewed);
        Assert.Equal(2, _api.Requests.Count(r => r.Key == Rows));
        // The user's value is still in the cell's editor; Enter saves it over the version now read.
        Assert.Equal("+34612345678", grid.Find("#review-grid-editor").GetAttribute("value"));
        Assert.Contains("not saved yet", grid.Find("#review-grid-unsaved").TextContent);
        grid.Find("#review-grid-editor").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Enter" });
        grid.WaitForAssertion(() => Assert.Equal(2, _reviewed.Count));
        Assert.Equal(6, EditSent(1).GetProperty("expectedSeq").GetInt64());
        Assert.Empty(grid.FindAll("#review-grid-unsaved"));
    }

    private static ImportRecipeResponse SpainFix { get; } = new()
    {
        Name = "spain-fix", Headers = Headers, SourceImportId = Guid.NewGuid(), SavedBy = "Bob", SavedAt = DateTimeOffset.UtcNow,
        Steps = [new RecipeStepResponse { Kind = "prefix", Header = "Mobile", Prefix = "+34", Text = "prefix '+34' on Mobile (invalid rows)" }],
    };

    [Fact]
    public void The_recipe_is_offered_with_its_fixes_and_Not_now_puts_it_away_without_a_request()
    {
        ListEdits(null);
        var grid = RenderGrid(SpainFix);
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#recipe-offer")));

        Assert.Contains("A saved recipe matches these columns: spain-fix — 1 fix", grid.Find("#recipe-offer h3").TextContent);
        Assert.Contains("prefix '+34' on Mobile (invalid rows)", grid.Find("#recipe-offer").TextContent);
        grid.Find("#recipe-dismiss").Click();

        Assert.Empty(grid.FindAll("#recipe-offer"));
        Assert.DoesNotContain(_api.Requests, r => r.Key.Contains("recipe", StringComparison.Ordinal));
    }

    [Fact]
    public void A_refused_recipe_shows_the_apis_problem_and_stays_offered()
    {
        ListEdits(null);
        _api.On($"POST /api/imports/{ImportId}/recipe/apply", _ => Problem((HttpStatusCode)422,
            """{"title":"The recipe does not fit","status":422,"detail":"This file has no column 'Mobile', which the recipe 'spain-fix' fixes."}"""));
        var grid = RenderGrid(SpainFix);
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#recipe-offer")));

        grid.Find("#recipe-apply").Click();

        grid.WaitForAssertion(() => Assert.Contains("has no column 'Mobile'", grid.Find(".problem").TextContent));
        Assert.NotNull(grid.Find("#recipe-offer"));
        Assert.Empty(_reviewed);
    }

    [Theory]
    [InlineData(200, "Saved the recipe 'spain-fix' (1 fix): prefix '+34' on Mobile (invalid rows). Files with these columns will be offered it.")]
    [InlineData(409, "The name 'spain-fix' is the recipe of other columns")]
    [InlineData(400, "A recipe's name is letters, digits")]
    public void The_column_fixes_are_saved_as_a_recipe_with_the_apis_answer_shown(int status, string shown)
    {
        ListEdits(3, Wire.Edit(3, "prefix", "Mobile: prefixed '+34' (1 row)", "Ann"), Wire.Edit(2, "cell", "Row 4, Name: set", "Ann"));
        _api.On($"POST /api/imports/{ImportId}/recipe", _ => status == 200
            ? Json(HttpStatusCode.OK, SpainFix)
            : Problem((HttpStatusCode)status, status == 409
                ? """{"title":"Name taken","status":409,"detail":"The name 'spain-fix' is the recipe of other columns (Name, Phone); choose another name."}"""
                : """{"title":"Bad name","status":400,"detail":"A recipe's name is letters, digits, '.', '_' and '-', at most 64."}"""));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.NotNull(grid.Find("#recipe-save")));

        grid.Find("#recipe-name").Input(" spain-fix ");
        grid.Find("#recipe-save").Submit();

        grid.WaitForAssertion(() => Assert.Contains(shown, (status == 200 ? grid.Find("#recipe-saved") : grid.Find("#recipe-save ~ .problem")).TextContent));
        Assert.Equal("spain-fix", JsonDocument.Parse(_api.Requests.Single(r => r.Key == $"POST /api/imports/{ImportId}/recipe").Body).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public void Without_a_column_fix_there_is_nothing_to_save_as_a_recipe()
    {
        ListEdits(2, Wire.Edit(2, "cell", "Row 4, Name: set", "Ann"), Wire.Edit(1, "prefix", "Mobile: prefixed '+34' (1 row)", "Ann", undone: true));
        var grid = RenderGrid();
        grid.WaitForAssertion(() => Assert.Equal(2, grid.FindAll("#review-edits li").Count));

        Assert.Empty(grid.FindAll("#recipe-save"));
    }
}
