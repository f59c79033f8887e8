using System.Globalization;

namespace VeloConnect.Bench.Support;

/// <summary>
/// The command line every benchmark takes: --rows N, --warmup N (0 for none), --timeout SECONDS per measured run,
/// --environment NAME, and the benchmark's own flags (options without a value, e.g. --memory-check) and options with
/// a value (e.g. --cli PATH).
/// </summary>
public sealed record BenchOptions(int Rows, int WarmupRows, int TimeoutSeconds, string Environment)
{
    /// <summary>The flags given (those of <see cref="TryParse"/>'s <c>flags</c> that were on the command line).</summary>
    public IReadOnlySet<string> Flags { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>The benchmark's own options with a value that were on the command line (those of <see cref="TryParse"/>'s <c>valueOptions</c>).</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>
    /// Parses <paramref name="args"/> over <paramref name="defaults"/>; on a bad argument returns false with
    /// <paramref name="usage"/> saying which, followed by <paramref name="usageLine"/>. Each of <paramref name="valueOptions"/>
    /// takes the next argument as its value, whatever it is; the benchmark checks it.
    /// </summary>
    public static bool TryParse(string[] args, BenchOptions defaults, string usageLine, IReadOnlyCollection<string> flags, out BenchOptions options, out string usage,
        IReadOnlyCollection<string>? valueOptions = null)
    {
        options = defaults;
        usage = usageLine;
        var given = new HashSet<string>(StringComparer.Ordinal);
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (flags.Contains(args[i]))
            {
                given.Add(args[i]);
                continue;
            }

            var value = i + 1 < args.Length ? args[i + 1] : null;
            switch (args[i])
            {
                case var name when valueOptions?.Contains(name) == true && value is not null:
                    values[name] = value;
                    break;
                case "--rows" when int.TryParse(value, CultureInfo.InvariantCulture, out var rows) && rows > 0:
                    options = options with { Rows = rows };
                    break;
                case "--warmup" when int.TryParse(value, CultureInfo.InvariantCulture, out var warmup) && warmup >= 0:
                    options = options with { WarmupRows = warmup };
                    break;
                case "--timeout" when int.TryParse(value, CultureInfo.InvariantCulture, out var timeout) && timeout > 0:
                    options = options with { TimeoutSeconds = timeout };
                    break;
                case "--environment" when !string.IsNullOrWhiteSpace(value):
                    options = options with { Environment = value };
                    break;
                default:
                    usage = $"bad argument '{args[i]}'{(value is null ? "" : $" '{value}'")}\n{usageLine}";
                    return false;
            }

            i++;
        }

        options = options with { Flags = given, Values = values };
        return true;
    }
}
