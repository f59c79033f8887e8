using System.Runtime.CompilerServices;
using Aspire.Hosting.Testing;
using Xunit;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// The browser tests' common ground: the whole AppHost (shared by the "AppHost" collection: derived classes carry
/// <c>[Collection(AppHostCollection.Name)]</c>) and one Chromium per class.
/// </summary>
public abstract class BrowserTestBase(AppHostFixture fixture, BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    protected AppHostFixture Fixture { get; } = fixture;

    /// <summary>Runs a test's steps in its own browser context on the web frontend; screenshots go to a folder named after the test.</summary>
    protected async Task RunAsync(Func<WebSession, Task> steps, [CallerMemberName] string testName = "")
    {
        await Fixture.WaitUntilHealthyAsync();
        await WebSession.RunAsync(browser.Browser, Fixture.App.GetEndpoint("web", "http"), testName, steps);
    }
}
