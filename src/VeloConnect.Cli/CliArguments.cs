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
        string? api = null;
        string? key = null;
        string? mapping = null;
        bool? hasHeader = null;
        string? region = null;
        string? convertFrom = null;
        var batch = DefaultBatchRows;
        var parallel = DefaultParallel;
        var yes = false;
        var restart = false;

        for (var i = 1; i < args.Count; i++)
        {
            var arg = args[i];
            string? inline = null;
            if (arg.StartsWith("--", StringComparison.Ordinal) && arg.IndexOf('=', StringComparison.Ordinal) is var eq and > 0)
            {
                inline = arg[(eq + 1)..];
                arg = arg[..eq];
            }

            string? Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                return i + 1 < args.Count ? args[++i] : null;
            }

            switch (arg)
            {
                case "--api":
                    api = Value();
                    if (api is null)
                    {
                        return Fail("--api needs the API's address, e.g. --api https://contacts.example.com");
                    }

                    break;
                case "--key":
                    key = Value();
                    if (string.IsNullOrWhiteSpace(key))
                    {
                        return Fail("--key needs an API key (or set VELO_API_KEY).");
                    }

                    break;
                case "--mapping":
                    mapping = Value();
                    if (string.IsNullOrWhiteSpace(mapping))
                    {
                        return Fail("--mapping needs a list such as \"Name=name,Mobile=phone,E-mail=email\".");
                    }

                    break;
                case "--header":
                    hasHeader = true;
                    break;
                case "--no-header":
                    hasHeader = false;
                    break;
                case "--region":
                    region = Value();
                    if (string.IsNullOrWhiteSpace(region))
                    {
                        return Fail("--region needs a two-letter region code, e.g. --region US");
                    }

                    break;
                case "--convert-from":
                    convertFrom = Value();
                    if (string.IsNullOrWhiteSpace(convertFrom))
                    {
                        return Fail("--convert-from needs the encoding the analysis named, e.g. --convert-from windows-1252");
                    }

                    break;
                case "--batch":
                    if (!TryInt(Value(), 1, MaxBatchRows, out batch))
                    {
                        return Fail($"--batch takes a number of rows from 1 to {MaxBatchRows:N0} (the bulk API's limit per request).");
                    }

                    break;
                case "--parallel":
                    if (!TryInt(Value(), 1, MaxParallel, out parallel))
                    {
                        return Fail($"--parallel takes a number of requests in flight from 1 to {MaxParallel}.");
                    }

                    break;
                case "--yes" or "-y":
                    yes = true;
                    break;
                case "--restart":
                    restart = true;
                    break;
                default:
                    if (arg.StartsWith('-') && arg.Length > 1)
                    {
                        return Fail($"Unknown option '{arg}'; see velo --help.");
                    }

                    if (file is not null)
                    {
                        return Fail($"One file at a time: '{file}' and '{arg}' were both given.");
                    }

                    file = arg;
                    break;
            }
        }

        if (file is null)
        {
            return Fail("Name the CSV file to import: velo import <file.csv>");
        }

        key ??= environment("VELO_API_KEY");
        if (string.IsNullOrWhiteSpace(key))
        {
            return Fail("No API key: pass --key <key> or set VELO_API_KEY (Settings → API keys, or the demo key ./run.sh prints).");
        }

        api ??= environment("VELO_API_URL");
        api = string.IsNullOrWhiteSpace(api) ? DefaultApiUrl : api.Trim();
        if (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            return Fail($"'{api}' is not an http(s) address; pass the API's address, e.g. --api http://localhost:5000");
        }

        return new(new ImportArguments(file, api.TrimEnd('/'), key.Trim(), mapping, hasHeader, region?.Trim().ToUpperInvariant(), convertFrom?.Trim(),
            batch, parallel, yes, restart), false, null);
    }

    private static ParsedCommandLine Fail(string error) => new(null, false, error);

    private static bool TryInt(string? text, int min, int max, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value >= min && value <= max;
}
