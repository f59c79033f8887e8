using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// Every page of the web frontend with some data on it, one full-page screenshot each (&lt;page&gt;.png) for the
/// documentation: into the folder VELO_DOCS_SCREENSHOTS names, else TestResults/docs-screenshots in the test output.
/// Also a smoke test: each page must show its main table or list, not an error, and pass axe-core's WCAG 2 A/AA
/// checks without a serious or critical violation (labels, names, contrast, landmarks, ARIA use).
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class PageScreenshotsTests(AppHostFixture fixture, BrowserFixture browser) : BrowserTestBase(fixture, browser)
{
    public const string FolderVariable = "VELO_DOCS_SCREENSHOTS";

    /// <summary>A full-page screenshot of a step for the documentation, when $VELO_DOCS_SCREENSHOTS names a folder.</summary>
    internal static async Task DocsScreenshotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Path.GetFullPath(folder), name + ".png"), FullPage = true });
        }
    }

    /// <summary>Each page, its file name and what shows that its data has arrived.</summary>
    private static readonly (string Name, string Path, string Ready)[] Pages =
    [
        ("contacts", "/contacts", "#contacts-table tr[data-contact-id]"),
        ("import", "/import", "#import-dropzone"),
        ("imports", "/imports", "#imports-table tr[data-import-id]"),
        ("exports", "/exports", "#exports-table tr[data-export-id]"),
        ("notifications", "/notifications", "#notifications-list li[data-notification-id]"),
        ("audit", "/audit", "#audit-table tbody tr"),
        ("settings-fields", "/settings/fields", "#fields-table tbody tr"),
    ];

    [Fact]
    public Task Every_page_shows_its_data_and_passes_the_accessibility_checks() => RunAsync(async web =>
    {
        var folder = Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "docs-screenshots");
        Directory.CreateDirectory(folder);

        // Some of everything: a custom field, an import with an invalid row (its error report), contacts, an export.
        var data = TestData.Create();
        using var api = await ApiSteps.CreateAsync(Fixture);
        await api.CreateFieldAsync($"club_{data.Token}", "Cycling club");
        await api.ImportAsync("riders.csv", data.Csv("wizard-five-rows.csv"), "name", "phone", "email", "tags", "ignore");
        await api.ImportAsync("members.csv", data.Csv("api-three-rows.csv"), "name", "phone", "email", "tags");
        await api.StartExportAsync(data.Tag);

        var page = web.Page;
        // Signed out first: a fresh browser has no session yet.
        await page.GotoAsync("/signin");
        await Expect(page.Locator("#api-key")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, "signin.png"), FullPage = true });
        var violations = new List<string>();
        violations.AddRange(await Accessibility.ViolationsAsync(page, "signin"));

        foreach (var (name, path, ready) in Pages)
        {
            await web.OpenAsync(path);
            await Expect(page.Locator(ready).First).ToBeVisibleAsync();
            await Expect(page.Locator("h1").First).ToBeVisibleAsync();
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
            await web.StepAsync(name);
            violations.AddRange(await Accessibility.ViolationsAsync(page, name));
        }

        Accessibility.AssertNone(violations);
    });
}
