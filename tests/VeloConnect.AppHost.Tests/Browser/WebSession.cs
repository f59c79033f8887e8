using System.Collections.Concurrent;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// One test's browser: its own context (cookies, downloads) and page on the web frontend, a numbered screenshot per
/// step, and on failure a last screenshot, the page's text and the browser's errors in the exception's message.
/// </summary>
public sealed partial class WebSession : IAsyncDisposable
{
    /// <summary>Set it to a folder to keep the screenshots elsewhere than TestResults/screenshots in the test output.</summary>
    public const string ScreenshotsVariable = "VELO_SCREENSHOTS";

    /// <summary>How long a page may take to become interactive (the Blazor circuit and the notification stream).</summary>
    public static readonly TimeSpan InteractiveTimeout = TimeSpan.FromSeconds(30);

    private const int PageTextKept = 6000;
    private const int BrowserErrorsKept = 20;

    private readonly IBrowserContext _context;
    private readonly ConcurrentQueue<string> _browserErrors = new();
    private int _step;
    private string _lastStep = "(none yet)";

    private WebSession(IBrowserContext context, IPage page, string folder)
    {
        _context = context;
        Page = page;
        Folder = folder;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Remember($"console: {message.Text}");
            }
        };
        page.PageError += (_, error) => Remember($"page error: {error}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 500)
            {
                Remember($"{response.Status} from {response.Request.Method} {response.Url}");
            }
        };
    }

    public IPage Page { get; }

    /// <summary>Where this test's screenshots go: &lt;root&gt;/&lt;test name&gt;/NN-step.png.</summary>
    public string Folder { get; }

    public static string ScreenshotsRoot =>
        Environment.GetEnvironmentVariable(ScreenshotsVariable) is { Length: > 0 } root
            ? Path.GetFullPath(root)
            : Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    /// <summary>
    /// Runs a test's steps in a fresh browser context on the web frontend. Any failure is rethrown with the screenshot
    /// taken at that moment, the page's address and text, and the errors the browser reported.
    /// </summary>
    public static async Task RunAsync(IBrowser browser, Uri baseUrl, string testName, Func<WebSession, Task> steps)
    {
        var folder = Path.Combine(ScreenshotsRoot, testName);
        if (Directory.Exists(folder))
        {
            // Screenshots of an earlier run would mix with this one's.
            Directory.Delete(folder, recursive: true);
        }

        Directory.CreateDirectory(folder);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseUrl.ToString(),
            AcceptDownloads = true,
            ViewportSize = new ViewportSize { Width = 1366, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        context.SetDefaultTimeout(30_000);
        await context.AddInitScriptAsync(MarkPrerenderedScript);
        await using var session = new WebSession(context, await context.NewPageAsync(), folder);
        try
        {
            await steps(session);
        }
        catch (Exception exception) when (exception is not BrowserTestFailure)
        {
            throw await session.DescribeFailureAsync(testName, exception);
        }
    }

    /// <summary>Saves a screenshot of the whole page as NN-name.png.</summary>
    public async Task StepAsync(string name)
    {
        _step++;
        _lastStep = $"{_step:00}-{Slug(name)}";
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder, _lastStep + ".png"), FullPage = true });
    }

    /// <summary>Opens a page of the web frontend (signing in to the demo workspace on the way) and waits until it is interactive.</summary>
    public async Task OpenAsync(string path)
    {
        await Page.GotoAsync(path);
        await WaitUntilInteractiveAsync();
    }

    /// <summary>
    /// Waits for the Blazor circuit: the header's bell says data-live="true" once the notification stream is
    /// connected, and it must be the bell the circuit rendered, not the prerendered one (prerendering can finish after
    /// the stream connected, and its static form would submit natively). Clicks before that would be lost.
    /// </summary>
    public async Task WaitUntilInteractiveAsync()
    {
        var timeout = (float)InteractiveTimeout.TotalMilliseconds;
        await Expect(Page.Locator("#notification-bell")).ToHaveAttributeAsync("data-live", "true",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = timeout });
        try
        {
            await Page.WaitForFunctionAsync(
                "() => { const bell = document.querySelector('#notification-bell'); return !!bell && !bell.veloPrerendered && bell.dataset.live === 'true'; }",
                null, new PageWaitForFunctionOptions { Timeout = timeout });
        }
        catch (TimeoutException)
        {
            throw new TimeoutException(
                $"The page did not become interactive within {timeout / 1000:F0} s: the header's bell is still the prerendered one (the Blazor circuit did not take over).");
        }
    }

    /// <summary>Marks the prerendered bell, which the interactive circuit replaces with its own element.</summary>
    private const string MarkPrerenderedScript =
        """
        document.addEventListener('DOMContentLoaded', () => {
            const bell = document.querySelector('#notification-bell');
            if (bell) { bell.veloPrerendered = true; }
        });
        """;

    public ILocator Button(string name) => Page.GetByRole(AriaRole.Button, new PageGetByRoleOptions { Name = name, Exact = true });

    public ILocator Link(string name) => Page.GetByRole(AriaRole.Link, new PageGetByRoleOptions { Name = name, Exact = true });

    /// <summary>Types into a text input, native or a Fluent text field (whose input lives in its shadow root).</summary>
    public async Task FillAsync(string selector, string text)
    {
        var field = Page.Locator(selector);
        var tag = await field.EvaluateAsync<string>("element => element.tagName.toLowerCase()");
        var input = tag.StartsWith("fluent-", StringComparison.Ordinal) ? field.Locator("input, textarea").First : field;
        await input.FillAsync(text);
    }

    /// <summary>
    /// Drops a file on an element the way a user's drag and drop does: a DataTransfer holding the file, through
    /// dragenter, dragover and drop events on the element.
    /// </summary>
    public async Task DropFileAsync(string selector, string fileName, string content, string mediaType = "text/csv")
    {
        await WaitForDropzoneAsync(selector);
        await Page.EvaluateAsync(
            """
            ({ selector, fileName, content, mediaType }) => {
                const zone = document.querySelector(selector);
                const transfer = new DataTransfer();
                transfer.items.add(new File([content], fileName, { type: mediaType }));
                for (const type of ['dragenter', 'dragover', 'drop']) {
                    zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: transfer }));
                }
            }
            """,
            new { selector, fileName, content, mediaType });
    }

    // The zone's drop handler is attached after the circuit renders it (a JS module loaded in OnAfterRenderAsync), which
    // can be after the page is interactive: a drop before that is lost. The zone says data-ready="true" once attached.
    private async Task WaitForDropzoneAsync(string selector) =>
        await Expect(Page.Locator(selector)).ToHaveAttributeAsync("data-ready", "true",
            new LocatorAssertionsToHaveAttributeOptions { Timeout = (float)InteractiveTimeout.TotalMilliseconds });

    /// <summary>Drops a binary file (a workbook) the same way: its bytes go to the page as base64.</summary>
    public async Task DropFileAsync(string selector, string fileName, byte[] content, string mediaType)
    {
        await WaitForDropzoneAsync(selector);
        await Page.EvaluateAsync(
            """
            ({ selector, fileName, base64, mediaType }) => {
                const zone = document.querySelector(selector);
                const bytes = Uint8Array.from(atob(base64), c => c.charCodeAt(0));
                const transfer = new DataTransfer();
                transfer.items.add(new File([bytes], fileName, { type: mediaType }));
                for (const type of ['dragenter', 'dragover', 'drop']) {
                    zone.dispatchEvent(new DragEvent(type, { bubbles: true, cancelable: true, composed: true, dataTransfer: transfer }));
                }
            }
            """,
            new { selector, fileName, base64 = Convert.ToBase64String(content), mediaType });
    }

    /// <summary>Waits for the contacts list to show exactly these contacts' rows after filtering by a tag.</summary>
    public async Task FilterContactsByTagAsync(string tag)
    {
        await FillAsync("#filter-tag", tag);
        await Button("Apply filters").ClickAsync();
    }

    public ILocator ContactRows => Page.Locator("#contacts-table tr[data-contact-id]");

    public async ValueTask DisposeAsync() => await _context.CloseAsync();

    private async Task<BrowserTestFailure> DescribeFailureAsync(string testName, Exception exception)
    {
        var text = new StringBuilder();
        text.AppendLine($"{testName} failed after step {_lastStep}: {exception.Message}");
        try
        {
            var screenshot = Path.Combine(Folder, $"{_step + 1:00}-failure.png");
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = true, Timeout = 10_000 });
            text.AppendLine($"Screenshot: {screenshot}");
        }
        catch (PlaywrightException screenshotProblem)
        {
            text.AppendLine($"Screenshot: none ({screenshotProblem.Message})");
        }

        text.AppendLine($"Address: {Page.Url}");
        if (!_browserErrors.IsEmpty)
        {
            text.AppendLine("Browser errors:");
            foreach (var error in _browserErrors)
            {
                text.AppendLine($"  {error}");
            }
        }

        try
        {
            var pageText = await Page.Locator("body").InnerTextAsync(new LocatorInnerTextOptions { Timeout = 5_000 });
            pageText = Blank().Replace(pageText.Trim(), "\n");
            text.AppendLine("Page text:");
            text.AppendLine(pageText.Length > PageTextKept ? pageText[..PageTextKept] + " […]" : pageText);
        }
        catch (PlaywrightException textProblem)
        {
            text.AppendLine($"Page text: unavailable ({textProblem.Message})");
        }

        return new BrowserTestFailure(text.ToString(), exception);
    }

    private void Remember(string error)
    {
        _browserErrors.Enqueue(error);
        while (_browserErrors.Count > BrowserErrorsKept && _browserErrors.TryDequeue(out _))
        {
        }
    }

    private static string Slug(string name) => Regex.Replace(name.ToLowerInvariant(), "[^a-z0-9]+", "-").Trim('-');

    [GeneratedRegex(@"\n\s*\n+")]
    private static partial Regex Blank();
}

/// <summary>A browser test's failure, with what the page showed when it happened.</summary>
public sealed class BrowserTestFailure(string message, Exception inner) : Exception(message, inner);
