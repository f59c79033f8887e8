using System.Text;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>
/// One vCard content line after unfolding: [group.]NAME;params:value. Parameter names are upper-cased; a vCard 2.1 bare
/// parameter ("TEL;CELL;VOICE:") is a TYPE. Value is decoded: quoted-printable undone and the bytes read in the line's CHARSET
/// (UTF-8 when none), but not unescaped (components are split first, see <see cref="VCardLines.Components"/>).
/// </summary>
internal sealed record VCardProperty(string? Group, string Name, IReadOnlyDictionary<string, IReadOnlyList<string>> Parameters, string Value, int Line)
{
    public IReadOnlyList<string> Types => Parameters.TryGetValue("TYPE", out var types) ? types : [];

    public IReadOnlyList<string> Param(string name) => Parameters.TryGetValue(name, out var values) ? values : [];
}

/// <summary>The text layer of vCard 2.1/3.0/4.0 (RFC 2426, RFC 6350): unfolding, quoted-printable, charsets, escapes.</summary>
internal static class VCardLines
{
    /// <summary>
    /// The unfolded logical lines of the text, each with the physical line (1-based) it starts on. A line that starts with a
    /// space or tab continues the previous one (the fold and that one character removed); a quoted-printable line that ends in a
    /// soft break "=" continues with the next line whatever it starts with (vCard 2.1).
    /// </summary>
    public static IEnumerable<(string Text, int Line)> Unfold(TextReader text)
    {
        StringBuilder? current = null;
        var start = 0;
        var number = 0;
        var softBreak = false;
        var quotedPrintable = false;
        while (text.ReadLine() is { } physical)
        {
            number++;
            if (current is not null && softBreak)
            {
                current.Length--; // the "=" of the soft break
                current.Append(physical);
            }
            else if (current is not null && physical.Length > 0 && physical[0] is ' ' or '\t')
            {
                current.Append(physical, 1, physical.Length - 1);
            }
            else
            {
                if (current is not null)
                {
                    yield return (current.ToString(), start);
                }

                current = new StringBuilder(physical);
                start = number;
                quotedPrintable = IsQuotedPrintable(physical);
            }

            softBreak = quotedPrintable && current.Length > 0 && current[^1] == '=';
        }

        if (current is not null)
        {
            yield return (current.ToString(), start);
        }
    }

    /// <summary>
    /// Parses a logical line (its text holding the file's bytes one per char, as read in Latin-1); null when it has no ":"
    /// outside quotes. decodeFailed is set when the value's bytes are not valid in its charset (then read as windows-1252).
    /// </summary>
    public static VCardProperty? Parse(string line, int number, out bool decodeFailed)
    {
        decodeFailed = false;
        var colon = -1;
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == ':' && !quoted)
            {
                colon = i;
                break;
            }
        }

        if (colon <= 0)
        {
            return null;
        }

        var parts = SplitUnquoted(line[..colon], ';');
        var name = parts[0].Trim();
        string? group = null;
        if (name.LastIndexOf('.') is var dot and > 0)
        {
            group = name[..dot].ToUpperInvariant();
            name = name[(dot + 1)..];
        }

        var parameters = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var part in parts.Skip(1))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            var (key, values) = equals < 0
                ? ("TYPE", part)
                : (part[..equals].Trim().ToUpperInvariant(), part[(equals + 1)..]);
            if (!parameters.TryGetValue(key, out var list))
            {
                parameters[key] = list = [];
            }

            // A quoted TYPE list (4.0: TYPE="cell,voice") is a list like an unquoted one; other quoted values are kept whole.
            var items = SplitUnquoted(values, ',').Select(v => v.Trim().Trim('"'));
            foreach (var clean in key == "TYPE" ? items.SelectMany(v => v.Split(',')).Select(v => v.Trim().ToLowerInvariant()) : items)
            {
                if (clean.Length > 0)
                {
                    list.Add(clean);
                }
            }
        }

        var bytes = Encoding.Latin1.GetBytes(line[(colon + 1)..]);
        if (parameters.TryGetValue("ENCODING", out var encodings)
            && encodings.Any(e => e.Equals("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase) || e.Equals("QP", StringComparison.OrdinalIgnoreCase)))
        {
            bytes = DecodeQuotedPrintable(bytes);
        }

        var charset = parameters.TryGetValue("CHARSET", out var charsets) && charsets.Count > 0 ? SniffEncodings.TryGet(charsets[0]) : null;
        string value;
        try
        {
            value = (charset is null || charset.CodePage == Encoding.UTF8.CodePage ? SniffEncodings.StrictUtf8 : charset).GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            decodeFailed = true;
            value = SniffEncodings.TryGet(SniffEncodings.Fallback)!.GetString(bytes);
        }

        return new VCardProperty(group, name.ToUpperInvariant(), parameters.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value), value, number);
    }

    /// <summary>Quoted-printable (RFC 2045): "=XX" is a byte, a trailing "=" a soft break; a malformed "=" is kept as it is.</summary>
    public static byte[] DecodeQuotedPrintable(ReadOnlySpan<byte> text)
    {
        var result = new List<byte>(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '=' && i + 2 < text.Length && IsHex(text[i + 1]) && IsHex(text[i + 2]))
            {
                result.Add((byte)(Hex(text[i + 1]) * 16 + Hex(text[i + 2])));
                i += 2;
            }
            else if (text[i] == '=' && i == text.Length - 1)
            {
                // A soft line break at the very end: nothing follows.
            }
            else
            {
                result.Add(text[i]);
            }
        }

        return [.. result];
    }

    /// <summary>A structured value's components (split on unescaped ";"), each unescaped.</summary>
    public static IReadOnlyList<string> Components(string value) => SplitEscaped(value, ';').Select(Unescape).ToList();

    /// <summary>A list value's items (split on unescaped ","), each unescaped and trimmed, blanks dropped.</summary>
    public static IReadOnlyList<string> ListItems(string value) =>
        SplitEscaped(value, ',').Select(v => Unescape(v).Trim()).Where(v => v.Length > 0).ToList();

    /// <summary>Undoes vCard text escapes: \n and \N a line break, \, \; \: \\ the character itself.</summary>
    public static string Unescape(string value)
    {
        if (!value.Contains('\\', StringComparison.Ordinal))
        {
            return value;
        }

        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                var next = value[++i];
                builder.Append(next is 'n' or 'N' ? '\n' : next);
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }

    private static List<string> SplitEscaped(string value, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\')
            {
                i++;
            }
            else if (value[i] == separator)
            {
                parts.Add(value[start..i]);
                start = i + 1;
            }
        }

        parts.Add(value[start..]);
        return parts;
    }

    private static List<string> SplitUnquoted(string text, char separator)
    {
        var parts = new List<string>();
        var start = 0;
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == separator && !quoted)
            {
                parts.Add(text[start..i]);
                start = i + 1;
            }
        }

        parts.Add(text[start..]);
        return parts;
    }

    private static bool IsQuotedPrintable(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var head = colon < 0 ? line : line[..colon];
        return head.Contains("QUOTED-PRINTABLE", StringComparison.OrdinalIgnoreCase);
    }

    private static bool IsHex(byte b) => b is >= (byte)'0' and <= (byte)'9' or >= (byte)'A' and <= (byte)'F' or >= (byte)'a' and <= (byte)'f';

    private static int Hex(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
