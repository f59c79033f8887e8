using System.Text;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The upload step's analysis of a CSV file: encoding, file type, delimiter, header, columns with samples, row count,
/// and what blocks or deserves a warning. A file that is not UTF-8 is never decoded for display unless the user
/// confirmed the conversion from the encoding it looks like.
/// </summary>
public static class CsvSniffer
{
    public const int MaxCellLength = 10_000;

    /// <summary>
    /// The widest file the upload takes. A row past it stops the analysis there (the rest of the file is not read) with a
    /// <see cref="SniffCodes.TooManyColumns"/> error; nobody maps more columns by hand, and each one costs the mapping step.
    /// </summary>
    public const int MaxColumns = 1_000;

    // Header names and samples need no more; true cell lengths are still counted.
    private const int KeptCellLength = 1_000;

    // Enough text for the first records' delimiter vote, without holding a huge first cell whole.
    private const int PrefixLimit = 256 * 1024;

    private const string Utf16BeName = "UTF-16 BE";

    /// <summary>
    /// Reads the stream once (it may be a large file: it is streamed, not loaded whole). A seekable stream is read a
    /// second time only when a confirmed conversion turns out to be unneeded (the file is UTF-8 after all); the stream
    /// is left open.
    /// </summary>
    public static SniffResult Sniff(Stream file, SniffOptions options)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(options);
        SniffEncodings.EnsureRegistered();

        var start = file.CanSeek ? file.Position : 0;
        var head = new byte[SniffBytes.HeadSize];
        var headLength = SniffBytes.ReadHead(file, head);
        var (bom, bomLength) = SniffBytes.DetectBom(head.AsSpan(0, headLength));
        if (headLength == bomLength)
        {
            return Refused(UnicodeReport(bom), options, new SniffProblem(SniffCodes.EmptyFile, SniffMessages.EmptyFile));
        }

        if (SniffBytes.LooksBinary(head.AsSpan(0, headLength), bom, bomLength))
        {
            var headScan = new Utf8Scan();
            headScan.Feed(head.AsSpan(0, headLength));
            var binary = new EncodingReport(EncodingVerdict.NotUtf8, "binary", headScan.FirstBadLine, SniffMessages.BinaryEncoding);
            return Refused(binary, options, new SniffProblem(SniffCodes.Binary, SniffMessages.Binary));
        }

        var utf16 = bom is ByteOrderMark.Utf16Le or ByteOrderMark.Utf16Be;
        var confirmed = bom == ByteOrderMark.None ? SniffEncodings.TryGet(options.ConvertFrom) : null;
        var presumed = utf16 ? SniffEncodings.Utf16(bigEndian: bom == ByteOrderMark.Utf16Be) : confirmed ?? SniffEncodings.LenientUtf8;
        var scan = utf16 ? null : new Utf8Scan();
        var table = ReadTable(new SniffReplayStream(head, headLength, file, scan), presumed, options);
        if (scan is null)
        {
            return table.ToResult(UnicodeReport(bom), null);
        }

        scan.Complete();
        if (scan.IsValid)
        {
            var report = UnicodeReport(bom);
            if (confirmed is not null && confirmed.CodePage != Encoding.UTF8.CodePage && (scan.HasNonAscii || !confirmed.IsSingleByte))
            {
                // A stale confirmation: the text was decoded with the conversion, but the file is UTF-8 and must be read as such.
                if (!file.CanSeek)
                {
                    return Refused(report, options, new SniffProblem(SniffCodes.ConversionNotNeeded, SniffMessages.ConversionNotNeeded(options.ConvertFrom!)));
                }

                file.Position = start;
                table = ReadTable(file, SniffEncodings.LenientUtf8, options);
            }

            return table.ToResult(report, null);
        }

        var name = SniffEncodings.Guess(scan);
        if (confirmed is not null && SniffEncodings.Matches(options.ConvertFrom, name))
        {
            var converted = SniffMessages.Converted(name, scan.FirstBadLine);
            return table.ToResult(
                new EncodingReport(EncodingVerdict.NotUtf8, name, scan.FirstBadLine, converted),
                new SniffProblem(SniffCodes.NotUtf8, converted, scan.FirstBadLine));
        }

        // The text read in this pass is discarded: a file that is not UTF-8 is never shown garbled.
        var message = SniffMessages.NotUtf8(name, scan.FirstBadLine, options.ConvertFrom);
        return Refused(
            new EncodingReport(EncodingVerdict.NotUtf8, name, scan.FirstBadLine, message),
            options,
            new SniffProblem(SniffCodes.NotUtf8, message, scan.FirstBadLine));
    }

    /// <summary>
    /// The .NET Encoding to read the file with: strict UTF-8 (a byte that is not UTF-8 throws), UTF-16 by its BOM, or the
    /// confirmed conversion source. Throws <see cref="InvalidOperationException"/> (with the report's message) for a file
    /// that is not UTF-8 when convertFrom does not name the encoding the sniff reported.
    /// </summary>
    public static Encoding ReadingEncoding(SniffResult result, string? convertFrom)
    {
        ArgumentNullException.ThrowIfNull(result);
        SniffEncodings.EnsureRegistered();
        var report = result.Encoding;
        return report.Verdict switch
        {
            EncodingVerdict.Utf8 or EncodingVerdict.Utf8WithBom => SniffEncodings.StrictUtf8,
            EncodingVerdict.Utf16 => SniffEncodings.Utf16(bigEndian: report.Name == Utf16BeName),
            _ when SniffEncodings.Matches(convertFrom, report.Name) => SniffEncodings.TryGet(report.Name)!,
            _ => throw new InvalidOperationException(report.Message),
        };
    }

    private static EncodingReport UnicodeReport(ByteOrderMark bom) => bom switch
    {
        ByteOrderMark.Utf8 => new(EncodingVerdict.Utf8WithBom, "UTF-8 with BOM", null, SniffMessages.Utf8WithBom),
        ByteOrderMark.Utf16Le => new(EncodingVerdict.Utf16, "UTF-16 LE", null, SniffMessages.Utf16("UTF-16 LE")),
        ByteOrderMark.Utf16Be => new(EncodingVerdict.Utf16, Utf16BeName, null, SniffMessages.Utf16(Utf16BeName)),
        _ => new(EncodingVerdict.Utf8, "UTF-8", null, SniffMessages.Utf8),
    };

    /// <summary>A file that is not read as CSV at all: only the encoding and the blocking problem mean anything.</summary>
    private static SniffResult Refused(EncodingReport encoding, SniffOptions options, SniffProblem error) =>
        new(encoding, ',', SniffHeuristics.DelimiterName(','), false, options.HasHeader ?? false, [], 0, [error], []);

    private static SniffTally ReadTable(Stream bytes, Encoding encoding, SniffOptions options)
    {
        using var text = new StreamReader(bytes, encoding, detectEncodingFromByteOrderMarks: false, bufferSize: 64 * 1024, leaveOpen: true);
        var (prefix, complete) = ReadPrefix(text);
        var delimiter = options.Delimiter ?? SniffHeuristics.DetectDelimiter(prefix, complete);
        // "No header" reads every row from row 1: a header row (chosen or found) is where a header is.
        var proposed = options.HeaderRow is null && options.HasHeader != false ? TitledHeaderRow(prefix, delimiter) : null;
        var headerRow = options.HasHeader == false ? 1 : options.HeaderRow ?? proposed?.Row ?? 1;
        using TextReader all = complete ? new StringReader(prefix) : new SniffPrefixedReader(prefix, text);
        var records = new CsvRecordReader(all, delimiter, KeptCellLength, keepRaw: false, MaxColumns);

        // A header chosen (or found) below row 1 is a header: the rows above it (a title, blank lines) are not read.
        var tally = new SniffTally(delimiter, headerRow > 1 ? options with { HasHeader = options.HasHeader ?? true } : options)
        {
            FirstRow = headerRow,
            Found = proposed,
        };
        var row = 0;
        while (records.Read())
        {
            row++;
            if (row < headerRow)
            {
                continue;
            }

            if (records.TooWide)
            {
                tally.TooWide(row, records.FilledWidth);
                break;
            }

            if (records.UnclosedQuoteLine is { } line)
            {
                tally.UnclosedQuote(row, line);
            }

            if (records.IsBlank)
            {
                tally.Blank(row);
            }
            else
            {
                tally.Record(row, records.Cells, records.LongestCell);
            }
        }

        tally.Finish(records.SawNonWhitespace, row < headerRow ? row : null);
        return tally;
    }

    /// <summary>
    /// The header row below row 1 when the file starts with a title: <see cref="Sources.HeaderRows.Propose"/> over the first
    /// records, taken only when it is confident (it found column names or header-like text on a row of at least two cells,
    /// and every row above it holds at most one cell and at least one of them a value); otherwise null, and the file is
    /// read from row 1 as always.
    /// </summary>
    private static Sources.HeaderRowProposal? TitledHeaderRow(string prefix, char delimiter)
    {
        var records = new CsvRecordReader(new StringReader(prefix), delimiter, KeptCellLength, keepRaw: false, MaxColumns);
        var rows = new List<IReadOnlyList<string>>();
        while (rows.Count < Sources.HeaderRows.Scanned && records.Read())
        {
            rows.Add([.. records.Cells]);
        }

        var proposal = Sources.HeaderRows.Propose(rows);
        if (!proposal.LooksLikeHeader || proposal.Row <= 1 || proposal.Row > rows.Count || Filled(rows[proposal.Row - 1]) < 2)
        {
            return null;
        }

        var above = rows.Take(proposal.Row - 1).ToList();
        return above.All(r => Filled(r) <= 1) && above.Any(r => Filled(r) == 1) ? proposal : null;

        static int Filled(IReadOnlyList<string> cells) => cells.Count(c => c.Trim().Length > 0);
    }

    /// <summary>The start of the text, enough for the delimiter vote; Complete when it is the whole file.</summary>
    private static (string Text, bool Complete) ReadPrefix(TextReader text)
    {
        var prefix = new StringBuilder();
        var buffer = new char[16 * 1024];
        var lines = 0;
        while (prefix.Length < PrefixLimit && lines <= 2 * SniffHeuristics.SampleRecords)
        {
            var read = text.Read(buffer, 0, buffer.Length);
            if (read == 0)
            {
                return (prefix.ToString(), true);
            }

            prefix.Append(buffer, 0, read);
            lines += buffer.AsSpan(0, read).Count('\n');
        }

        return (prefix.ToString(), false);
    }
}
