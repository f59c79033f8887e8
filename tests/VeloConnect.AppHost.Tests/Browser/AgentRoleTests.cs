using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Xunit;
using static Microsoft.Playwright.Assertions;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// The web frontend signed in with an agent key (issue 15): the admin-only actions are not on the pages (delete all
/// matching, field changes, the audit log, undoing an import, exporting every contact), /audit says only admins read
/// it, and the agent still imports through the wizard and exports a filter.
/// </summary>
[Collection(AppHostCollection.Name)]
public sealed class AgentRoleTests(AppHostFixture fixture, BrowserFixture browser) : BrowserTestBase(fixture, browser)
{
    [Fact]
    public Task An_agent_key_sees_no_admin_actions_and_still_imports_and_exports_a_filter() => RunAsync(async web =>
    {
        var data = TestData.Create();
        using var api = await ApiSteps.CreateAsync(Fixture);
        var agentKey = await api.CreateKeyAsync("agent", $"browser agent {data.Token}");
        // An import an admin could undo, so the history has an Undo to hide.
        await api.ImportAsync(data.FileName("admin"), data.Csv("wizard-five-rows.csv"), "name", "phone", "email", "tags", "ignore");
        var page = web.Page;
        const float jobTimeout = 60_000;

        // The demo sign-in is an admin's: it sees the admin actions (what the agent must not).
        await web.OpenAsync("/contacts");
        await Expect(web.Link("Audit log")).ToBeVisibleAsync();
        await Expect(web.Button("Delete all matching")).ToBeVisibleAsync();
        await web.Button("Sign out").ClickAsync();
        await page.WaitForURLAsync(new Regex("/signin"));
        await page.Locator("#api-key").FillAsync(agentKey);
        await web.Button("Sign in").ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/signin", StringComparison.Ordinal));

        await web.OpenAsync("/contacts");
        await Expect(web.Button("Delete selected")).ToBeVisibleAsync();
        await Expect(web.Button("Delete all matching")).ToHaveCountAsync(0);
        await Expect(web.Link("Audit log")).ToHaveCountAsync(0);
        await Expect(web.Button("Export CSV")).ToHaveCountAsync(0);
        await Expect(page.Locator("#export-needs-filter")).ToContainTextAsync("only admins can export every contact");
        await web.StepAsync("agent contacts");

        await web.OpenAsync("/settings/fields");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Contact fields");
        await Expect(page.Locator("form.field-form")).ToHaveCountAsync(0);
        await Expect(page.Locator("#fields-table fluent-button")).ToHaveCountAsync(0);
        await Expect(page.Locator(".admin-only")).ToContainTextAsync("Only admins can add, change or delete contact fields");
        await web.StepAsync("agent fields");

        await web.OpenAsync("/audit");
        await Expect(page.Locator(".admin-only")).ToContainTextAsync("Only admins can read the audit log");
        await Expect(page.Locator("form.audit-filters")).ToHaveCountAsync(0);
        await web.StepAsync("agent audit");

        await web.OpenAsync("/imports");
        await Expect(page.Locator("main")).ToContainTextAsync(data.FileName("admin"));
        await Expect(web.Button("Undo")).ToHaveCountAsync(0);
        await web.StepAsync("agent history");

        // The agent imports through the wizard.
        await web.OpenAsync("/import");
        await web.DropFileAsync("#import-dropzone", data.FileName("agent"), data.Csv("wizard-five-rows.csv"));
        await Expect(page.Locator("#import-row-count")).ToContainTextAsync("5");
        await web.Button("Next: map columns").ClickAsync();
        var group = page.Locator("#mapping-table").GetByRole(AriaRole.Combobox, new LocatorGetByRoleOptions { Name = "Map column Group", Exact = true });
        await group.SelectOptionAsync("tags");
        await web.Button("Next: review").ClickAsync();
        await web.Button("Run import").ClickAsync();
        await Expect(page.Locator("#import-done")).ToContainTextAsync("Import finished", new LocatorAssertionsToContainTextOptions { Timeout = jobTimeout });
        await web.StepAsync("agent import finished");

        // ...and exports what a filter selects.
        await web.OpenAsync("/contacts");
        await web.FilterContactsByTagAsync(data.Tag);
        await Expect(web.ContactRows).Not.ToHaveCountAsync(0);
        await web.Button("Export CSV").ClickAsync();
        await Expect(page.Locator("#export-download")).ToBeVisibleAsync(new LocatorAssertionsToBeVisibleOptions { Timeout = jobTimeout });
        await web.StepAsync("agent export ready");
    });
}
