using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// The web frontend in Chromium against the whole AppHost: the acceptance list of the web issue (import wizard,
/// remembered mapping, export, undo, live notifications) and signing in with a key. Every test has its own tag,
/// emails and phone numbers; screenshots of each step land in TestResults/screenshots/&lt;test&gt;/.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class WebFrontendTests(AppHostFixture fixture, BrowserFixture browser) : BrowserTestBase(fixture, browser)
{
    /// <summary>An import's completion, an export or an undo: background jobs, given time on a busy machine.</summary>
    private static readonly float JobTimeout = 60_000;

    /// <summary>"Don't import" is "" or the API's "ignore", as the page chooses.</summary>
    private static readonly Regex DoNotImport = new("^(ignore)?$");

    [Fact]
    public Task Importing_a_csv_through_the_wizard_adds_its_valid_rows() => RunAsync(async web =>
    {
        var data = TestData.Create();
        var page = web.Page;
        await web.OpenAsync("/import");
        await web.StepAsync("import page");

        // Step 1: the file dropped on the drop zone, as a user drags it from their desktop.
        await web.DropFileAsync("#import-dropzone", data.FileName("wizard"), data.Csv("wizard-five-rows.csv"));
        await Expect(page.Locator("#import-row-count")).ToContainTextAsync("5");
        await Expect(page.GetByLabel("Delimiter")).ToBeVisibleAsync();
        await Expect(page.Locator("select#import-delimiter")).ToBeVisibleAsync();
        await Expect(page.Locator("#import-has-header")).ToBeCheckedAsync();
        await Expect(page.GetByLabel("First row is a header")).ToBeCheckedAsync();
        await Expect(page.Locator("#import-encoding-warning")).ToHaveCountAsync(0);
        await Expect(page.Locator("#import-limit")).ToHaveCountAsync(0);
        await web.StepAsync("file analysed");
        await web.Button("Next: map columns").ClickAsync();

        // Step 2: one row per column with its samples; the suggestion pre-filled; the tag column chosen by hand.
        var columns = page.Locator("#mapping-table tr[data-column]");
        await Expect(columns).ToHaveCountAsync(5);
        await Expect(page.Locator("#mapping-table tr[data-column='0']")).ToContainTextAsync($"Ada Rider {data.Token}");
        await Expect(page.Locator("#mapping-table tr[data-column='3']")).ToContainTextAsync(data.Tag);
        await Expect(MappingSelect(page, "Name")).ToHaveValueAsync("name");
        await Expect(MappingSelect(page, "Phone")).ToHaveValueAsync("phone");
        await Expect(MappingSelect(page, "Email")).ToHaveValueAsync("email");
        await Expect(page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = "Settings → Contact fields" }).Last)
            .ToHaveAttributeAsync("href", new Regex("/settings/fields$"));
        await MappingSelect(page, "Group").SelectOptionAsync("tags");
        await MappingSelect(page, "Note").SelectOptionAsync(new SelectOptionValue { Label = "Don't import" });
        await Expect(MappingSelect(page, "Group")).ToHaveValueAsync("tags");
        await Expect(MappingSelect(page, "Note")).ToHaveValueAsync(DoNotImport);
        await Expect(page.Locator("#mapping-table .field-error")).ToHaveCountAsync(0);
        await web.StepAsync("mapping chosen");
        await Accessibility.AssertNoneAsync(web.Page, "mapping chosen");
        await web.Button("Next: review").ClickAsync();

        // Step 3: the dry run's counts, exactly; then the run, followed to the end.
        await Expect(page.Locator("#review-added")).ToHaveTextAsync(Number(4), new LocatorAssertionsToHaveTextOptions { Timeout = JobTimeout });
        await Expect(page.Locator("#review-updated")).ToHaveTextAsync(Number(0));
        await Expect(page.Locator("#review-skipped")).ToHaveTextAsync(Number(0));
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync(Number(1));
        await web.StepAsync("review");
        await Accessibility.AssertNoneAsync(web.Page, "review");
        await web.Button("Run import").ClickAsync();

        var done = page.Locator("#import-done");
        await Expect(done).ToContainTextAsync("Import finished", new LocatorAssertionsToContainTextOptions { Timeout = JobTimeout });
        await Expect(done).ToContainTextAsync(Count(4, "added"));
        await Expect(done).ToContainTextAsync(Count(1, "invalid"));
        await web.StepAsync("import finished");

        // The contacts are there, with the tag the Group column carried.
        await web.Link("See the contacts").ClickAsync();
        await page.WaitForURLAsync(new Regex("/contacts"));
        await web.WaitUntilInteractiveAsync();
        await web.FilterContactsByTagAsync(data.Tag);
        await Expect(web.ContactRows).ToHaveCountAsync(4);
        var table = page.Locator("#contacts-table");
        foreach (var name in new[] { "Ada", "Ben", "Cleo", "Dan" })
        {
            await Expect(table).ToContainTextAsync($"{name} Rider {data.Token}");
        }

        await Expect(table).Not.ToContainTextAsync($"Eve Rider {data.Token}");
        await web.StepAsync("imported contacts");
    });

    [Fact]
    public Task A_second_file_with_the_same_headers_comes_with_the_first_files_mapping() => RunAsync(async web =>
    {
        var data = TestData.Create();
        var fieldKey = $"team_{data.Token}";
        var csv = data.Csv("remembered-mapping.csv");
        using var api = await ApiSteps.CreateAsync(Fixture);
        await api.CreateFieldAsync(fieldKey, $"Cycling team {data.Token}");

        // The first file, through the API: Team into the custom field and Email left out, neither of which the
        // suggestion would have chosen.
        var first = await api.UploadAsync(data.FileName("first"), csv);
        var suggested = first.GetProperty("mapping").GetProperty("columns").EnumerateArray().Select(c => c.GetString()).ToArray();
        Assert.True(suggested[2] == "email" && suggested[3] != $"field:{fieldKey}",
            $"The suggestion for the first file was expected to map Email to email and not Team to the custom field: {string.Join(", ", suggested)}");
        var firstId = first.GetProperty("id").GetGuid();
        await api.SetMappingAsync(firstId, "name", "phone", "ignore", $"field:{fieldKey}", "ignore");
        await api.RunAsync(firstId);

        // The second file, browsed for (the file input the drop zone holds).
        var page = web.Page;
        await web.OpenAsync("/import");
        await page.Locator("#import-file").SetInputFilesAsync(new FilePayload
        {
            Name = data.FileName("second"),
            MimeType = "text/csv",
            Buffer = Encoding.UTF8.GetBytes(csv),
        });
        await Expect(page.Locator("#import-row-count")).ToContainTextAsync("2");
        await web.StepAsync("second file analysed");
        await web.Button("Next: map columns").ClickAsync();

        await Expect(page.Locator("#mapping-table tr[data-column]")).ToHaveCountAsync(5);
        await Expect(MappingSelect(page, "Name")).ToHaveValueAsync("name");
        await Expect(MappingSelect(page, "Phone")).ToHaveValueAsync("phone");
        await Expect(MappingSelect(page, "Email")).ToHaveValueAsync(DoNotImport);
        await Expect(MappingSelect(page, "Team")).ToHaveValueAsync($"field:{fieldKey}");
        await Expect(MappingSelect(page, "Ref")).ToHaveValueAsync(DoNotImport);
        await Expect(MappingSelect(page, "Team").Locator($"optgroup option[value='field:{fieldKey}']")).ToHaveCountAsync(1);
        await web.StepAsync("mapping remembered");

        // The same rows again: matched by phone, so both are updates.
        await web.Button("Next: review").ClickAsync();
        await Expect(page.Locator("#review-updated")).ToHaveTextAsync(Number(2), new LocatorAssertionsToHaveTextOptions { Timeout = JobTimeout });
        await Expect(page.Locator("#review-added")).ToHaveTextAsync(Number(0));
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync(Number(0));
        await web.StepAsync("review of the second file");
    });

    [Fact]
    public Task Importing_an_xlsx_dropped_on_the_wizard_combines_the_name_parts_and_adds_its_rows() => RunAsync(async web =>
    {
        var data = TestData.Create();
        var page = web.Page;
        object?[][] rows =
        [
            ["First Name", "Last Name", "Mobile Phone", "Categories"],
            ["Ada", $"Rider {data.Token}", TestData.NewPhone(), $"{data.Tag};e2e"],
            ["Ben", $"Rider {data.Token}", TestData.NewPhone(), data.Tag],
            ["Cy", $"Rider {data.Token}", TestData.NewPhone(), data.Tag],
        ];
        using var workbook = VeloConnect.ContactRules.Tests.Imports.TestWorkbook.Create(("Contacts", rows), ("Notes", [["Note"], ["none"]]));
        await web.OpenAsync("/import");

        // Step 1: the workbook dropped on the drop zone; its sheets offered, the header row found.
        await web.DropFileAsync("#import-dropzone", $"wizard-{data.Token}.xlsx", workbook.ToArray(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        await Expect(page.Locator("#import-row-count")).ToContainTextAsync("3");
        await Expect(page.Locator("#import-sheet")).ToHaveValueAsync("Contacts");
        await Expect(page.Locator("#import-header-row")).ToHaveValueAsync("1");
        await Expect(page.Locator("#import-delimiter")).ToHaveCountAsync(0);
        await web.StepAsync("workbook analysed");
        await web.Button("Next: map columns").ClickAsync();

        // Step 2: First + Last Name combined into Name, the categories split on ';'.
        await Expect(MappingSelect(page, "First Name")).ToHaveValueAsync("name");
        await Expect(MappingSelect(page, "Last Name")).ToHaveValueAsync("name");
        await Expect(page.Locator("#map-column-0-combined")).ToContainTextAsync("First Name + Last Name");
        await Expect(MappingSelect(page, "Mobile Phone")).ToHaveValueAsync("phone");
        await MappingSelect(page, "Categories").SelectOptionAsync("tags");
        await page.Locator("#map-column-3-separator").SelectOptionAsync(";");
        await web.StepAsync("workbook mapped");
        await web.Button("Next: review").ClickAsync();

        // Step 3: exact counts, then the run.
        await Expect(page.Locator("#review-added")).ToHaveTextAsync(Number(3), new LocatorAssertionsToHaveTextOptions { Timeout = JobTimeout });
        await Expect(page.Locator("#review-invalid")).ToHaveTextAsync(Number(0));
        await web.Button("Run import").ClickAsync();
        var done = page.Locator("#import-done");
        await Expect(done).ToContainTextAsync("Import finished", new LocatorAssertionsToContainTextOptions { Timeout = JobTimeout });
        await Expect(done).ToContainTextAsync(Count(3, "added"));
        await web.StepAsync("workbook imported");
    });

    [Fact]
    public Task Exporting_the_filtered_contacts_downloads_exactly_them_as_csv() => RunAsync(async web =>
    {
        var data = TestData.Create();
        using var api = await ApiSteps.CreateAsync(Fixture);
        var tagged = new[] { "Kim", "Lou", "Max" }.Select(name => (Name: $"{name} Rider {data.Token}", Email: $"{name.ToLowerInvariant()}.{data.Token}@example.com")).ToArray();
        foreach (var (name, email) in tagged)
        {
            await api.CreateContactAsync(name, TestData.NewPhone(), email, data.Tag, "e2e");
        }

        var untaggedEmail = $"ned.{data.Token}@example.com";
        await api.CreateContactAsync($"Ned Rider {data.Token}", TestData.NewPhone(), untaggedEmail, "e2e");

        var page = web.Page;
        await web.OpenAsync("/contacts");
        await web.FilterContactsByTagAsync(data.Tag);
        await Expect(web.ContactRows).ToHaveCountAsync(3);
        await web.StepAsync("filtered by tag");

        await web.Button("Export CSV").ClickAsync();
        await Expect(page.Locator("#export-status")).ToBeVisibleAsync();
        var link = page.Locator("#export-download");
        await Expect(link).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = JobTimeout });
        await Expect(link).ToHaveAttributeAsync("href", new Regex("/files/exports/[0-9a-fA-F-]{36}$"));
        await Expect(link).ToHaveAttributeAsync("download", new Regex(".*"));
        await web.StepAsync("export ready");

        var download = await page.RunAndWaitForDownloadAsync(() => link.ClickAsync());
        var path = await download.PathAsync();
        var lines = (await File.ReadAllTextAsync(path, Encoding.UTF8)).TrimStart('\uFEFF')
            .Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0).ToArray();
        var file = string.Join(Environment.NewLine, lines);
        Assert.True(lines.Length > 0, $"The downloaded export ({download.SuggestedFilename}) is empty.");
        Assert.True(lines[0].StartsWith("Name,Phone,Additional phones,Email,Tags,", StringComparison.Ordinal)
            && lines[0].Contains("Created,Last activity,Source,Assigned agent", StringComparison.Ordinal),
            $"Unexpected header line in {download.SuggestedFilename}:{Environment.NewLine}{file}");
        Assert.True(lines.Length == 4, $"Expected the 3 tagged contacts' rows under the header:{Environment.NewLine}{file}");
        foreach (var (name, email) in tagged)
        {
            Assert.True(lines.Skip(1).Count(line => line.Contains(email, StringComparison.Ordinal) && line.Contains(name, StringComparison.Ordinal)
                && line.Contains(data.Tag, StringComparison.Ordinal)) == 1, $"{name} <{email}> is not exactly once in the export:{Environment.NewLine}{file}");
        }

        Assert.DoesNotContain(untaggedEmail, file, StringComparison.Ordinal);
    });

    [Fact]
    public Task Undoing_an_import_from_the_history_removes_its_contacts() => RunAsync(async web =>
    {
        var data = TestData.Create();
        var fileName = data.FileName("undo");
        using var api = await ApiSteps.CreateAsync(Fixture);
        var importId = await api.ImportAsync(fileName, data.Csv("api-three-rows.csv"), "name", "phone", "email", "tags");

        var page = web.Page;
        await web.OpenAsync("/contacts");
        await web.FilterContactsByTagAsync(data.Tag);
        await Expect(web.ContactRows).ToHaveCountAsync(3);
        await web.StepAsync("imported contacts");

        await web.OpenAsync("/imports");
        var row = page.Locator($"#imports-table tr[data-import-id='{importId}']");
        await Expect(row).ToContainTextAsync(fileName);
        await web.StepAsync("import history");
        // "Undo", or a name that says which import ("Undo import of <file>"): the row holds one such button.
        await row.GetByRole(AriaRole.Button, new LocatorGetByRoleOptions { NameRegex = new Regex("^Undo") }).ClickAsync();
        var confirm = web.Button("Undo import");
        await Expect(confirm).ToBeVisibleAsync();
        await web.StepAsync("confirmation");
        await Accessibility.AssertNoneAsync(web.Page, "confirmation");
        await confirm.ClickAsync();

        var result = row.Locator(".undo-result");
        await Expect(result).ToContainTextAsync("Undone", new LocatorAssertionsToContainTextOptions { Timeout = JobTimeout });
        await Expect(result).ToContainTextAsync("3");
        await web.StepAsync("undone");

        await web.OpenAsync("/contacts");
        await web.FilterContactsByTagAsync(data.Tag);
        await Expect(web.ContactRows).ToHaveCountAsync(0);
        await web.StepAsync("contacts gone");
    });

    [Fact]
    public Task A_finished_import_shows_up_on_the_bell_without_a_reload() => RunAsync(async web =>
    {
        var data = TestData.Create();
        var fileName = data.FileName("notified");
        using var api = await ApiSteps.CreateAsync(Fixture);
        await api.MarkAllNotificationsReadAsync();

        var page = web.Page;
        await web.OpenAsync("/contacts");
        var count = page.Locator("#notification-bell .app-bell-count");
        var before = await count.CountAsync() == 0 ? null : (await count.InnerTextAsync()).Trim();
        // A mark that a reload would wipe out.
        await page.EvaluateAsync("() => { window.veloNotReloaded = true; }");
        await web.StepAsync("page open");

        await api.ImportAsync(fileName, data.Csv("api-three-rows.csv"), "name", "phone", "email", "tags");

        await Expect(count).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = JobTimeout });
        if (before is not null)
        {
            await Expect(count).Not.ToHaveTextAsync(before);
        }

        await Expect(count).ToHaveTextAsync(new Regex(@"^\s*([1-9][0-9]*|99\+)\s*$"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.veloNotReloaded === true"), "The page was reloaded: the count must arrive live.");
        await web.StepAsync("bell counts it");

        await page.Locator("#notification-bell").ClickAsync();
        await page.WaitForURLAsync(new Regex("/notifications"));
        var item = page.Locator("#notifications-list li[data-notification-id]").Filter(new LocatorFilterOptions { HasText = fileName });
        await Expect(item).ToHaveCountAsync(1);
        await Expect(item).ToContainTextAsync("Import finished");
        await web.StepAsync("notification listed");
    });

    [Fact]
    public Task Signing_in_with_a_pasted_key_after_signing_out() => RunAsync(async web =>
    {
        var page = web.Page;
        await web.OpenAsync("/contacts");
        await web.StepAsync("demo workspace");

        await web.Button("Sign out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/signin"));
        await Expect(page.Locator("#api-key")).ToBeVisibleAsync();
        await web.StepAsync("signed out");

        await page.Locator("#api-key").FillAsync("vc_this_key_does_not_exist_0000000000");
        await web.Button("Sign in").ClickAsync();
        await Expect(page.Locator("#signin-error")).ToBeVisibleAsync();
        await Expect(page.Locator("#signin-error")).ToHaveTextAsync(new Regex(@"\S"));
        await web.StepAsync("wrong key refused");

        await page.Locator("#api-key").FillAsync(await Fixture.DemoApiKeyAsync());
        await web.Button("Sign in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));
        await web.OpenAsync("/contacts");
        await Expect(page.Locator("h1")).ToBeVisibleAsync();
        await Expect(web.Button("Sign out")).ToBeVisibleAsync();
        await web.StepAsync("signed in with the key");
    });

    private static ILocator MappingSelect(IPage page, string header) =>
        page.Locator("#mapping-table").GetByRole(AriaRole.Combobox, new LocatorGetByRoleOptions { Name = $"Map column {header}", Exact = true });

    private static Regex Number(int count) => new($@"^\s*{count}\s*$");

    /// <summary>"4 added", "Added: 4" or "added 4 contacts": the number next to its word.</summary>
    private static Regex Count(int count, string word) =>
        new($@"(\b{count}\b[^0-9]{{0,24}}\b{word}|\b{word}\b[^0-9]{{0,24}}\b{count}\b)", RegexOptions.IgnoreCase | RegexOptions.Singleline);
}
