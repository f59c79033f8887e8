using System.CommandLine;
using VeloConnect.Cli;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class CliArgumentsTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void Defaults_come_from_the_environment_then_the_built_in_values()
    {
        var parsed = CliArguments.Parse(["import", "contacts.csv"], name => name == "VELO_API_KEY" ? "vc_env" : null);

        var import = Assert.IsType<ImportArguments>(parsed.Import);
        Assert.Equal("contacts.csv", import.File);
        Assert.Equal("vc_env", import.ApiKey);
        Assert.Equal(CliArguments.DefaultApiUrl, import.ApiUrl);
        Assert.Equal(5_000, import.BatchRows);
        Assert.Equal(4, import.Parallel);
        Assert.Null(import.HasHeader);
        Assert.False(import.Yes);
    }

    [Fact]
    public void Every_option_is_read_in_both_spellings()
    {
        var parsed = CliArguments.Parse(
            ["import", "--api=http://127.0.0.1:5100/", "--key", "vc_x", "--mapping", "Name=name,Mobile=phone", "--no-header", "--region", "gb",
             "--convert-from", "windows-1252", "--batch=2500", "--parallel", "2", "-y", "--restart", "big.csv"],
            NoEnvironment);

        var import = Assert.IsType<ImportArguments>(parsed.Import);
        Assert.Equal(new ImportArguments("big.csv", "http://127.0.0.1:5100", "vc_x", "Name=name,Mobile=phone", false, "GB", "windows-1252", 2500, 2, true, true), import);
    }

    [Theory]
    [InlineData("import", "import")]
    [InlineData(" Invalid ", "invalid")]
    public void The_bad_identifier_choice_is_read_in_either_case(string given, string expected)
    {
        var parsed = CliArguments.Parse(["import", "a.csv", "--key", "vc_x", "--bad-identifier", given], NoEnvironment);

        Assert.Equal(expected, Assert.IsType<ImportArguments>(parsed.Import).BadIdentifier);
        Assert.Null(CliArguments.Parse(["import", "a.csv", "--key", "vc_x"], NoEnvironment).Import!.BadIdentifier);
    }

    [Theory]
    [InlineData(new[] { "import" }, "Name the CSV file")]
    [InlineData(new[] { "export", "a.csv" }, "Unknown command 'export'")]
    [InlineData(new[] { "import", "a.csv", "--frobnicate" }, "Unknown option '--frobnicate'")]
    [InlineData(new[] { "import", "a.csv", "b.csv" }, "One file at a time")]
    [InlineData(new[] { "import", "a.csv", "--batch", "10001" }, "--batch takes a number of rows from 1 to 10,000")]
    [InlineData(new[] { "import", "a.csv", "--batch", "many" }, "--batch takes")]
    [InlineData(new[] { "import", "a.csv", "--parallel", "0" }, "--parallel takes")]
    [InlineData(new[] { "import", "a.csv", "--api", "ftp://x" }, "is not an http(s) address")]
    [InlineData(new[] { "import", "a.csv", "--mapping" }, "--mapping needs a list")]
    [InlineData(new[] { "import", "a.csv", "--bad-identifier", "skip" }, "--bad-identifier takes import (a row with a bad phone or email and another valid one is imported")]
    [InlineData(new[] { "import", "a.csv", "--bad-identifier" }, "--bad-identifier takes import")]
    [InlineData(new[] { "import", "a.csv", "--recipe" }, "--recipe needs a recipe's name")]
    [InlineData(new[] { "import", "a.csv", "--recipe", "hubspot-es", "--no-recipe" }, "--recipe and --no-recipe contradict each other")]
    public void Bad_usage_says_what_is_wrong(string[] args, string expected)
    {
        var parsed = CliArguments.Parse([args[0], "--key", "vc_x", .. args[1..]], NoEnvironment);

        Assert.Null(parsed.Import);
        Assert.Contains(expected, parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_key_names_both_ways_to_give_one()
    {
        var parsed = CliArguments.Parse(["import", "a.csv"], NoEnvironment);

        Assert.Contains("--key", parsed.Error, StringComparison.Ordinal);
        Assert.Contains("VELO_API_KEY", parsed.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_wins_over_everything_else()
    {
        Assert.True(CliArguments.Parse(["import", "a.csv", "--help"], NoEnvironment).Help);
        Assert.True(CliArguments.Parse([], NoEnvironment).Help);
    }

    [Fact]
    public async Task Help_is_generated_from_the_options()
    {
        var output = new StringWriter();
        var parsed = CliArguments.Parse(["import", "--help"], NoEnvironment);

        Assert.Equal(0, await parsed.Result.InvokeAsync(new InvocationConfiguration { Output = output }));
        var help = output.ToString();
        foreach (var option in new[] { "--api <url>", "--key <key>", "--mapping <list>", "--header", "--no-header", "--region <CC>", "--convert-from <enc>",
                     "--sheet <name>", "--bad-identifier <import|invalid>", "--date-format <list>", "--recipe <name>", "--no-recipe", "--batch <rows>", "--parallel <n>", "-y, --yes", "--restart", "-h, --help" })
        {
            Assert.Contains(option, help, StringComparison.Ordinal);
        }

        Assert.Contains("Exit codes: 0 done, 1 failed, 2 bad usage.", help, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("velo i", "import")]
    [InlineData("velo import contacts.csv --ba", "--batch")]
    [InlineData("velo import contacts.csv --no", "--no-header")]
    public async Task The_suggest_directive_completes_commands_and_options(string commandLine, string expected)
    {
        var output = new StringWriter();
        var parsed = CliArguments.Parse([$"[suggest:{commandLine.Length}]", commandLine], NoEnvironment);

        Assert.Null(parsed.Error);
        await parsed.Result.InvokeAsync(new InvocationConfiguration { Output = output });
        Assert.Contains(expected, output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries));
    }
}
