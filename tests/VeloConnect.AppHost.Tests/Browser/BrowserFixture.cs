using Microsoft.Playwright;
using Xunit;

namespace VeloConnect.AppHost.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright, launched once per test class. Playwright's own browser download is never
/// used: the package's driver (node, shipped in the build output's .playwright folder) talks to /usr/bin/chromium,
/// which <c>./test.sh</c> installs with apt-get when it is missing.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--disable-quic", "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("Chromium has not been launched.");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath}: run ./test.sh (it installs Debian's chromium package) or 'apt-get install chromium'.");
        }

        // Nothing may try to download a browser: there is no network for it, and the system's Chromium is the one used.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        // Web-first assertions wait this long unless a step says otherwise (an import's completion waits longer).
        Assertions.SetDefaultExpectTimeout(15_000);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ChromiumArgs,
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
    }
}
