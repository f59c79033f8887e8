using System.Text;
using VeloConnect.Cli.Imports;
using VeloConnect.ContactRules.Imports;
using Xunit;

namespace VeloConnect.Cli.Tests;

public sealed class FileHeadTests : IDisposable
{
    private readonly TempFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void The_head_is_whole_records_byte_for_byte_never_a_quoted_line_break_cut()
    {
        var text = "\uFEFFName,Notes\r\nAnn,\"one\r\ntwo\"\r\n\r\nBob,x\r\nCy,y\r\n";
        var path = _files.Write("a.csv", Encoding.UTF8.GetBytes(text));

        var head = FileHead.Read(path, new UTF8Encoding(false, true), ',', maxDataRows: 2);

        // Header and two data rows (the blank line between them kept), ending at the second row's line break.
        var expected = Encoding.UTF8.GetBytes("\uFEFFName,Notes\r\nAnn,\"one\r\ntwo\"\r\n\r\nBob,x\r");
        Assert.Equal(expected, head);
        Assert.Equal(File.ReadAllBytes(path)[..head.Length], head);
    }

    [Fact]
    public void The_head_stops_at_the_size_limit_but_keeps_a_header_and_a_row()
    {
        var big = new string('x', 5_000);
        var path = _files.Write("b.csv", $"Name,Notes\n{big},1\n{big},2\n");

        var head = Encoding.UTF8.GetString(FileHead.Read(path, new UTF8Encoding(false, true), ',', maxBytes: 100));

        Assert.Equal($"Name,Notes\n{big},1\n", head);
    }

    [Fact]
    public void A_utf16_file_keeps_its_byte_order_mark()
    {
        var bytes = Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("Name;Phone\r\nAnn;+14155550100\r\nBob;+14155550101\r\n")).ToArray();
        var path = _files.Write("c.csv", bytes);
        using var file = File.OpenRead(path);
        var sniff = CsvSniffer.Sniff(file, new SniffOptions());

        var head = FileHead.Read(path, CsvSniffer.ReadingEncoding(sniff, null), sniff.Delimiter, maxDataRows: 1);

        Assert.Equal(bytes[..(2 + 2 * "Name;Phone\r\nAnn;+14155550100\r".Length)], head);
    }

    [Fact]
    public void The_fingerprint_changes_with_the_start_of_the_file()
    {
        var a = _files.Write("d.csv", "Name\nAnn\n");
        var b = _files.Write("e.csv", "Name\nBob\n");

        Assert.NotEqual(FileHead.Fingerprint(a), FileHead.Fingerprint(b));
        Assert.Equal(FileHead.Fingerprint(a), FileHead.Fingerprint(a));
    }
}
