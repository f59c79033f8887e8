using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>Issue 14's recipes in Chromium: A's fixes, saved by its run, offered for B with the same headers and applied (0 invalid).</summary>
[Collection(AppHostCollection.Name)]
public sealed class RecipeOfferTests(AppHostFixture fixture, BrowserFixture browser) : BrowserTestBase(fixture, browser)
{
    private const float JobTimeout = 60_000;

    private static LocatorAssertionsToHaveTextOptions Wait => new() { Timeout = JobTimeout };

    [Fact]
    public async Task The_recipe_saved_by_file_As_run_is_offered_for_file_B_and_fixes_it_before_the_run() => await RunAsync(async web =>
    {
        var data = TestData.Create();
        var page = web.Page;

        // File A: one phone without its country code, fixed with a bulk prefix filtered by the reason, then run.
        await UploadAndReviewAsync(web, data, data.FileName("recipe-a"), data.Csv("recipe-a.csv"), rows: "2");
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("1", Wait);
        await page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = "Bulk edit column Phone", Exact = true }).ClickAsync();
        var dialog = page.Locator("#bulk-edit-dialog");
        await dialog.Locator("#bulk-kind").SelectOptionAsync("prefix");
        await dialog.Locator("#bulk-prefix").FillAsync("+34");
        await dialog.Locator("#bulk-outcome").SelectOptionAsync("invalid");
        await dialog.Locator("#bulk-reason").FillAsync("country code");
        await dialog.Locator("#bulk-apply").ClickAsync();
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("0", Wait);
        await web.StepAsync("file A fixed");
        await web.Button("Run import").ClickAsync();
        await Expect(page.Locator("#import-done")).ToContainTextAsync("2 added, 0 updated, 0 skipped, 0 invalid.", new LocatorAssertionsToContainTextOptions { Timeout = JobTimeout });

        // File B, same headers: two phones without their country code, and the recipe offered in step 3.
        await UploadAndReviewAsync(web, data, data.FileName("recipe-b"), data.Csv("recipe-b.csv"), rows: "3");
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("2", Wait);
        var offer = page.Locator("#recipe-offer");
        await Expect(offer).ToContainTextAsync($"A saved recipe matches these columns: recipe-a-{data.Token} — 1 fix");
        await Expect(offer).ToContainTextAsync("prefix '+34' on Phone");
        await web.StepAsync("recipe offered");
        await PageScreenshotsTests.DocsScreenshotAsync(page, "import-recipe-offer");
        await Accessibility.AssertNoneAsync(page, "recipe offer");

        await offer.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Apply", Exact = true }).ClickAsync();
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("0", Wait);
        await Expect(page.Locator("#review-added")).ToHaveTextAsync("3", Wait);
        await Expect(page.Locator("#recipe-applied")).ToContainTextAsync("2 rows");
        await Expect(offer).ToHaveCountAsync(0);
        await Expect(page.Locator("#review-edits")).ToContainTextAsync("+34");
        await web.StepAsync("recipe applied");
        await Accessibility.AssertNoneAsync(page, "recipe applied");
    });


    /// <summary>
    /// Issue 14's "nothing is lost" in Chromium: another editor drops a row through the API while the user edits a cell; the
    /// grid's edit (sent with the version it read) is refused, the alert names the other edit and keeps the value, Reload shows
    /// the drop, and Enter saves the kept value. axe checks the alert.
    /// </summary>
    [Fact]
    public async Task Another_editors_change_first_is_shown_with_Reload_and_the_typed_value_is_saved_after_it() => await RunAsync(async web =>
    {
        var data = TestData.Create();
        var page = web.Page;
        await UploadAndReviewAsync(web, data, data.FileName("conflict"), data.Csv("recipe-b.csv"), rows: "3");
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("2", Wait);
        using var other = await ApiSteps.CreateAsync(Fixture);
        await other.EditAsync(await other.ImportIdAsync(data.FileName("conflict")), new { kind = "drop", row = 4 });

        var phone = TestData.NewPhone();
        var cai = page.Locator("#review-grid tbody tr", new PageLocatorOptions { HasText = $"Cai Recipe {data.Token}" });
        await cai.Locator("td[data-column='1']").DblClickAsync();
        var editor = page.Locator("#review-grid-editor");
        await editor.FillAsync(phone);
        await editor.PressAsync("Enter");
        var conflict = page.Locator("#review-grid-conflict");
        await Expect(conflict).ToContainTextAsync("made the edit", new LocatorAssertionsToContainTextOptions { Timeout = JobTimeout });
        await Expect(conflict).ToContainTextAsync("was not saved");
        await Expect(editor).ToHaveValueAsync(phone);
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("2");
        await web.StepAsync("refused: another editor first");
        await Accessibility.AssertNoneAsync(page, "edit conflict alert");

        await conflict.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { Name = "Reload", Exact = true }).ClickAsync();
        await Expect(conflict).ToHaveCountAsync(0, new LocatorAssertionsToHaveCountOptions { Timeout = JobTimeout });
        await Expect(page.Locator("#review-edits li")).ToHaveCountAsync(1);
        await Expect(page.Locator("#review-skipped")).ToHaveTextAsync("1", Wait);
        await Expect(editor).ToHaveValueAsync(phone);
        await editor.PressAsync("Enter");
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync("1", Wait);
        await Expect(page.Locator("#review-edits li")).ToHaveCountAsync(2);
        await Expect(cai.Locator("td[data-column='1']")).ToContainTextAsync(phone);
        await web.StepAsync("saved after reload");
    });

    private static async Task UploadAndReviewAsync(WebSession web, TestData data, string fileName, string csv, string rows)
    {
        var page = web.Page;
        await web.OpenAsync("/import");
        await web.DropFileAsync("#import-dropzone", fileName, csv);
        await Expect(page.Locator("#import-row-count")).ToContainTextAsync(rows);
        await web.Button("Next: map columns").ClickAsync();
        await Expect(page.Locator("#mapping-table tr[data-column]")).ToHaveCountAsync(4);
        await page.Locator("#mapping-table").GetByRole(AriaRole.Combobox, new LocatorGetByRoleOptions { Name = $"Map column Club {data.Token}", Exact = true }).SelectOptionAsync("tags");
        await web.Button("Next: review").ClickAsync();
        await Expect(page.Locator("#review-grid")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = JobTimeout });
    }
}
