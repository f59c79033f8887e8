using System.Globalization;

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
    bool Restart);

/// <summary>The command line, parsed: the import's arguments, a request for help, or what is wrong with it.</summary>
public sealed record ParsedCommandLine(ImportArguments? Import, bool Help, string? Error);

public static class CliArguments
{
    public const string DefaultApiUrl = "http://localhost:5000";
    public const int DefaultBatchRows = 5_000;
    public const int MaxBatchRows = 10_000;
    public const int DefaultParallel = 4;
    public const int MaxParallel = 16;

    public const string Usage = """
        velo import <file.csv> [options]

        Imports a CSV of any size into VeloConnect Contacts: the wizard's analysis and mapping, sent in batches
        through the bulk API. Interrupted? Run the same command again: it resumes where it stopped.

        Options:
          --api <url>            the API's address (default: env VELO_API_URL, else http://localhost:5000)
          --key <key>            the API key (default: env VELO_API_KEY)
          --mapping <list>       the whole mapping, "Header=target,...": targets name, phone, phone_additional,
                                 email, tags, field:<key>, ignore; columns not named are not imported.
                                 Without it: the mapping remembered for these headers, else the suggested one.
                                 A file without header names its columns "Column 1", "Column 2", ...
          --header, --no-header  the first row is (not) a header (default: detected)
          --region <CC>          region for phones written without a country code (default: the workspace's)
          --convert-from <enc>   read a file that is not UTF-8 from this encoding (the name the analysis gives)
          --batch <rows>         rows per request, 1 to 10000 (default 5000)
          --parallel <n>         requests in flight, 1 to 16 (default 4)
          --yes, -y              do not ask to confirm the mapping
          --restart              ignore the progress of an interrupted import of this file and start a new one
          --help, -h             this text

        Writes <file.csv>.errors.csv (rows not imported, with the reasons) and, while it runs,
        <file.csv>.velo-import.json (what a resumed run continues from). Exit codes: 0 done, 1 failed, 2 bad usage.
        """;

    // Options that take a value, and what to say when it is missing.
    private static readonly Dictionary<string, string> ValueOptions = new(StringComparer.Ordinal)
    {
        ["--api"] = "--api needs the API's address, e.g. --api https://contacts.example.com",
        ["--key"] = "--key needs an API key (or set VELO_API_KEY).",
        ["--mapping"] = "--mapping needs a list such as \"Name=name,Mobile=phone,E-mail=email\".",
        ["--region"] = "--region needs a two-letter region code, e.g. --region US",
        ["--convert-from"] = "--convert-from needs the encoding the analysis named, e.g. --convert-from windows-1252",
        ["--batch"] = "--batch takes a number of rows from 1 to 10,000 (the bulk API's limit per request).",
        ["--parallel"] = $"--parallel takes a number of requests in flight from 1 to {MaxParallel}.",
    };

    public static ParsedCommandLine Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(environment);
        if (args.Count == 0 || args.Any(a => a is "--help" or "-h"))
        {
            return new(null, true, null);
        }

        if (args[0] != "import")
        {
            return Fail($"Unknown command '{args[0]}'; the command is 'velo import <file.csv>'.");
        }

        string? file = null;
        bool? hasHeader = null;
        var yes = false;
        var restart = false;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            if (ValueOptions.TryGetValue(arg, out var missing))
            {
                var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
                if (string.IsNullOrWhiteSpace(value))
                {
                    return Fail(missing);
                }

                values[arg] = value.Trim();
                continue;
            }

            switch (arg)
            {
                case "--header" or "--no-header":
                    hasHeader = arg == "--header";
                    break;
                case "--yes" or "-y":
                    yes = true;
                    break;
                case "--restart":
                    restart = true;
                    break;
                case var option when option.StartsWith('-') && option.Length > 1:
                    return Fail($"Unknown option '{arg}'; see velo --help.");
                case var _ when file is not null:
                    return Fail($"One file at a time: '{file}' and '{arg}' were both given.");
                default:
                    file = arg;
                    break;
            }
        }

        var batch = DefaultBatchRows;
        if (values.TryGetValue("--batch", out var batchText) && !TryInt(batchText, 1, MaxBatchRows, out batch))
        {
            return Fail(ValueOptions["--batch"]);
        }

        var parallel = DefaultParallel;
        if (values.TryGetValue("--parallel", out var parallelText) && !TryInt(parallelText, 1, MaxParallel, out parallel))
        {
            return Fail(ValueOptions["--parallel"]);
        }

        if (file is null)
        {
            return Fail("Name the CSV file to import: velo import <file.csv>");
        }

        var key = values.GetValueOrDefault("--key") ?? environment("VELO_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            return Fail("No API key: pass --key <key> or set VELO_API_KEY (Settings → API keys, or the demo key ./run.sh prints).");
        }

        var api = values.GetValueOrDefault("--api") ?? environment("VELO_API_URL");
        api = string.IsNullOrWhiteSpace(api) ? DefaultApiUrl : api.Trim();
        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Fail($"'{api}' is not an http(s) address; pass the API's address, e.g. --api http://localhost:5000");
        }

        return new(new ImportArguments(file, api.TrimEnd('/'), key.Trim(), values.GetValueOrDefault("--mapping"), hasHeader,
            values.GetValueOrDefault("--region")?.ToUpperInvariant(), values.GetValueOrDefault("--convert-from"), batch, parallel, yes, restart), false, null);
    }

    private static ParsedCommandLine Fail(string error) => new(null, false, error);

    private static bool TryInt(string? text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
