using System.Net.Http.Json;
using Xunit;

namespace VeloConnect.Cli.Tests;

/// <summary>
/// velo and a date column against the real stack: a column whose dates read both day-first and month-first is refused with
/// what to do and nothing imported; <c>--date-format</c> gives its format and the dates land as written.
/// </summary>
public sealed partial class CliEndToEndTests
{
    // Every day and month at most 12: 03/04/2024 is 3 April or March 4.
    private const string AmbiguousDates = "Name,Mobile,Born\r\nAnn Lee,+1 415 555 0900,03/04/1990\r\nBob Stone,+1 415 555 0901,11/12/1985\r\n";
    private const string AmbiguousDatesMapping = "Name=name,Mobile=phone,Born=field:born";

    [Fact]
    public async Task An_ambiguous_date_column_is_refused_with_what_to_do_imports_with_date_format_and_is_remembered()
    {
        var (workspaceId, apiKey) = await stack.NewWorkspaceAsync();
        using (var http = stack.Client(apiKey))
        {
            (await http.PostAsJsonAsync("api/fields", new { key = "born", label = "Born", type = "date" })).EnsureSuccessStatusCode();
        }

        var path = _files.Write("ambiguous-dates.csv", AmbiguousDates);
        using (var refused = Velo.Start(["import", path, "--api", stack.ApiUrl, "--key", apiKey, "--yes", "--mapping", AmbiguousDatesMapping]))
        {
            await refused.Process.WaitForExitAsync().WaitAsync(Stalled);
            var output = refused.Output();
            Assert.Equal(1, refused.Process.ExitCode);
            Assert.Contains("both day-first and month-first", output, StringComparison.Ordinal);
            Assert.Contains("--date-format \"Header=dd/MM/yyyy\"", output, StringComparison.Ordinal);
        }

        Assert.Equal(0, await ScalarAsync("select count(*) from contacts where workspace_id = $1", workspaceId));

        var imported = await RunVeloAsync(path, apiKey, AmbiguousDatesMapping, "--date-format", "Born=MM/dd/yyyy", "--restart");

        Assert.Contains("2 rows: 2 added", imported, StringComparison.Ordinal);
        Assert.Equal("1990-03-04", (await ContactAsync(apiKey, "+14155550900"))["custom"]!["born"]!.GetValue<string>());
        Assert.Equal("1985-11-12", (await ContactAsync(apiKey, "+14155550901"))["custom"]!["born"]!.GetValue<string>());

        // The format is remembered with the mapping: the next file with these headers, without the option, is read the same way.
        var next = _files.Write("ambiguous-dates-next.csv", "Name,Mobile,Born\r\nCy Wu,+1 415 555 0902,05/06/1970\r\n");
        Assert.Contains("1 rows: 1 added", await RunVeloAsync(next, apiKey, AmbiguousDatesMapping), StringComparison.Ordinal);
        Assert.Equal("1970-05-06", (await ContactAsync(apiKey, "+14155550902"))["custom"]!["born"]!.GetValue<string>());
    }
}
