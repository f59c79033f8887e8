using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Globalization;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.Cli;

/// <summary>What <c>velo import</c> was asked to do. Null members were not given.</summary>
public sealed record ImportArguments(
    string File,
    string ApiUrl,
    string ApiKey,
    string? Mapping,
    bool? HasHeader,
    string? Region,
    string? ConvertFrom,
    int BatchRows,
    int Parallel,
    bool Yes,
    bool Restart,
    string? Sheet = null,
    string? BadIdentifier = null,
    string? DateFormats = null,
    string? Recipe = null,
    bool NoRecipe = false);

/// <summary>
/// The command line, parsed: the import's arguments, a request for help, or what is wrong with it. When neither an import
/// nor an error, <see cref="Result"/> is System.CommandLine's own action to run (help, or the [suggest] directive).
/// </summary>
public sealed record ParsedCommandLine(ImportArguments? Import, bool Help, string? Error, ParseResult Result);

/// <summary>velo's command line on System.CommandLine: the options, their help and completions, and messages that say what to do.</summary>
public static class CliArguments
{
    public const string DefaultApiUrl = "http://localhost:5000";
    public const int DefaultBatchRows = 5_000;
    public const int MaxBatchRows = 10_000;
    public const int DefaultParallel = 4;
    public const int MaxParallel = 16;

    // Each value option's message for a value missing, unreadable or out of range (filled as the options are made, below).
    private static readonly Dictionary<Option, string> Messages = [];

    private static readonly Argument<string> File = new("file.csv") { Description = "the file to import: a CSV, an Excel workbook (.xlsx, .xls) or a vCard file (.vcf), told by its content" };
    private static readonly Option<string> Api = Value("--api", "url",
        $"the API's address (default: env VELO_API_URL, else {DefaultApiUrl})", "--api needs the API's address, e.g. --api https://contacts.example.com");
    private static readonly Option<string> Key = Value("--key", "key", "the API key (default: env VELO_API_KEY)", "--key needs an API key (or set VELO_API_KEY).");
    private static readonly Option<string> Mapping = Value("--mapping", "list",
        "the whole mapping, \"Header=target,...\": targets name, phone, phone_additional, email, tags, field:<key>, ignore; columns not named are not imported. "
        + "Without it: the mapping remembered for these headers, else the suggested one. A file without header names its columns \"Column 1\", \"Column 2\", ...",
        "--mapping needs a list such as \"Name=name,Mobile=phone,E-mail=email\".");
    private static readonly Option<bool> Header = new("--header") { Description = "the first row is a header (default: detected)" };
    private static readonly Option<bool> NoHeader = new("--no-header") { Description = "the first row is not a header (default: detected)" };
    private static readonly Option<string> Region = Value("--region", "CC",
        "region for phones written without a country code (default: the workspace's)", "--region needs a two-letter region code, e.g. --region US");
    private static readonly Option<string> ConvertFrom = Value("--convert-from", "enc",
        "read a file that is not UTF-8 from this encoding (the name the analysis gives)", "--convert-from needs the encoding the analysis named, e.g. --convert-from windows-1252");
    private static readonly Option<int> Batch = Number("--batch", "rows", $"rows per request, 1 to {MaxBatchRows}", DefaultBatchRows, MaxBatchRows,
        "--batch takes a number of rows from 1 to 10,000 (the bulk API's limit per request).");
    private static readonly Option<int> Parallel = Number("--parallel", "n", $"requests in flight, 1 to {MaxParallel}", DefaultParallel, MaxParallel,
        $"--parallel takes a number of requests in flight from 1 to {MaxParallel}.");
    private static readonly Option<string> Sheet = Value("--sheet", "name",
        "the sheet of an Excel workbook to import (default: the first)", "--sheet needs the name of a sheet of the workbook, e.g. --sheet Contacts");
    private static readonly Option<string> BadIdentifier = Choice("--bad-identifier", "import|invalid",
        "a row with a bad phone or email and another valid one: import (imported by its valid ones, each bad value a warning on the row and in the errors file) "
        + "or invalid (the whole row is invalid). Default: the remembered mapping's choice, else import",
        "--bad-identifier takes import (a row with a bad phone or email and another valid one is imported by the valid one, with a warning) "
        + "or invalid (such a row is invalid as a whole), e.g. --bad-identifier invalid",
        BadIdentifierPolicies.Import, BadIdentifierPolicies.Invalid);
    private static readonly Option<string> DateFormat = Value("--date-format", "list",
        "the date format of date columns, \"Header=format,...\" (formats: " + string.Join(", ", ContactRules.Imports.Sources.LocaleDates.Formats)
        + "). Needed for a column whose dates read both day-first and month-first (03/04/2024); default: detected, else the remembered mapping's",
        "--date-format needs a list such as \"Born=dd/MM/yyyy\".");
    private static readonly Option<string> Recipe = Value("--recipe", "name",
        "apply this saved recipe (column fixes saved from an import in the wizard: replacements, prefixes, trims) to the rows sent. "
        + "Default: the recipe saved for the file's headers, if any",
        "--recipe needs a recipe's name, e.g. --recipe hubspot-es (the wizard saves them; GET /api/import-recipes lists them).");
    private static readonly Option<bool> NoRecipe = new("--no-recipe") { Description = "do not apply the recipe saved for the file's headers" };
    private static readonly Option<bool> Yes = new("--yes", "-y") { Description = "do not ask to confirm the mapping" };
    private static readonly Option<bool> Restart = new("--restart") { Description = "ignore the progress of an interrupted import of this file and start a new one" };

    private static readonly Command Import = new("import", """
        Imports a CSV, an Excel workbook or a vCard file of any size into VeloConnect Contacts: the wizard's analysis and mapping, sent in batches through the
        bulk API. Interrupted? Run the same command again: it resumes where it stopped.
        Writes <file.csv>.errors.csv (rows not imported, with the reasons, and rows imported with warnings) and, while it runs, <file.csv>.velo-import.json
        (what a resumed run continues from). Exit codes: 0 done, 1 failed, 2 bad usage.
        """)
    {
        File, Api, Key, Mapping, Header, NoHeader, Region, ConvertFrom, Sheet, BadIdentifier, DateFormat, Recipe, NoRecipe, Batch, Parallel, Yes, Restart,
    };

    /// <summary>velo's commands; <c>velo</c> alone shows the help. Completion: the [suggest] directive (dotnet-suggest).</summary>
    public static RootCommand Root { get; } = CreateRoot();

    public static ParsedCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        var result = Root.Parse(args);
        if (result.Action is HelpAction || (result.Errors.Count == 0 && result.CommandResult.Command == Root))
        {
            // Help, the [suggest] directive, --version: System.CommandLine answers them itself.
            return new(null, result.Action is HelpAction || result.Action == Root.Action, null, result);
        }

        if (Problem(result) is { } problem)
        {
            return Fail(problem, result);
        }

        if (result.GetValue(Recipe) is not null && result.GetValue(NoRecipe))
        {
            return Fail("--recipe and --no-recipe contradict each other: give --recipe <name> to apply a recipe, or --no-recipe to apply none.", result);
        }

        var key = result.GetValue(Key) ?? environment("VELO_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            return Fail("No API key: pass --key <key> or set VELO_API_KEY (Settings → API keys, or the demo key ./run.sh prints).", result);
        }

        var api = result.GetValue(Api) ?? environment("VELO_API_URL");
        api = string.IsNullOrWhiteSpace(api) ? DefaultApiUrl : api.Trim();
        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Fail($"'{api}' is not an http(s) address; pass the API's address, e.g. --api http://localhost:5000", result);
        }

        // --header and --no-header: the last one given wins.
        bool? hasHeader = result.Tokens.LastOrDefault(t => t.Value is "--header" or "--no-header")?.Value switch { "--header" => true, null => null, _ => false };
        return new(new ImportArguments(result.GetValue(File)!, api.TrimEnd('/'), key.Trim(), result.GetValue(Mapping), hasHeader,
            result.GetValue(Region)?.ToUpperInvariant(), result.GetValue(ConvertFrom), result.GetValue(Batch), result.GetValue(Parallel),
            result.GetValue(Yes), result.GetValue(Restart), result.GetValue(Sheet), result.GetValue(BadIdentifier)?.ToLowerInvariant(), result.GetValue(DateFormat),
            result.GetValue(Recipe)?.Trim(), result.GetValue(NoRecipe)), false, null, result);
    }

    private static ParsedCommandLine Fail(string error, ParseResult result) => new(null, false, error, result);

    private static RootCommand CreateRoot()
    {
        var root = new RootCommand("velo: the command-line importer of VeloConnect Contacts. velo import <file.csv> [options]") { Import };
        root.SetAction(result => new HelpAction().Invoke(result));
        return root;
    }

    /// <summary>What is wrong with the command line, said as what to do; null when nothing is.</summary>
    private static string? Problem(ParseResult result)
    {
        if (result.UnmatchedTokens.FirstOrDefault() is { } unmatched)
        {
            return result.CommandResult.Command != Import ? $"Unknown command '{unmatched}'; the command is 'velo import <file.csv>'."
                : unmatched.StartsWith('-') && unmatched.Length > 1 ? $"Unknown option '{unmatched}'; see velo --help."
                : $"One file at a time: '{result.GetValue(File)}' and '{unmatched}' were both given.";
        }

        var error = result.Errors.FirstOrDefault();
        return error is null ? null : error.SymbolResult switch
        {
            null => error.Message,
            ArgumentResult { Argument: var argument } when argument == File => "Name the CSV file to import: velo import <file.csv>",
            // A value missing, unreadable or out of range: the option's own message (its description of a good value).
            OptionResult { Option: var option } when Messages.TryGetValue(option, out var message) => message,
            ArgumentResult { Parent: OptionResult { Option: var option } } when Messages.TryGetValue(option, out var message) => message,
            _ => error.Message,
        };
    }

    /// <summary>An option that takes a text value; a missing or blank one is refused with <paramref name="message"/>.</summary>
    private static Option<string> Value(string name, string helpName, string description, string message)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName, CustomParser = r => r.Tokens.Count == 0 ? null : r.Tokens[^1].Value.Trim() };
        option.Validators.Add(r =>
        {
            if (string.IsNullOrWhiteSpace(r.GetValueOrDefault<string>()))
            {
                r.AddError(message);
            }
        });
        Messages[option] = message;
        return option;
    }

    /// <summary>A text option that takes one of <paramref name="choices"/> (case-insensitive, offered as completions); anything else is refused with <paramref name="message"/>.</summary>
    private static Option<string> Choice(string name, string helpName, string description, string message, params string[] choices)
    {
        var option = Value(name, helpName, description, message);
        option.CompletionSources.Add(choices);
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<string>() is { Length: > 0 } value && !choices.Contains(value, StringComparer.OrdinalIgnoreCase))
            {
                r.AddError(message);
            }
        });
        return option;
    }

    /// <summary>A whole number from 1 to <paramref name="max"/>; anything else is refused with <paramref name="message"/>.</summary>
    private static Option<int> Number(string name, string helpName, string description, int defaultValue, int max, string message)
    {
        var option = new Option<int>(name)
        {
            Description = description,
            HelpName = helpName,
            DefaultValueFactory = _ => defaultValue,
            CustomParser = r =>
            {
                if (int.TryParse(r.Tokens.LastOrDefault()?.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
                {
                    return value;
                }

                r.AddError(message);
                return defaultValue;
            },
        };
        Messages[option] = message;
        return option;
    }
}
