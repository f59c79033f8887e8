using System.Text;
using CsCheck;
using VeloConnect.ContactRules.Imports;
using VeloConnect.ContactRules.Imports.Sources;
using Xunit;

namespace VeloConnect.ContactRules.Tests.Imports;

public sealed class VCardReaderTests
{
    private static VCardFile Read(string text, Encoding? encoding = null, int maxRows = SniffOptions.WizardMaxDataRows) =>
        Read((encoding ?? Encoding.UTF8).GetBytes(text), maxRows);

    private static VCardFile Read(byte[] bytes, int maxRows = SniffOptions.WizardMaxDataRows)
    {
        using var stream = new MemoryStream(bytes);
        return VCardReader.Read(stream, new SniffOptions(MaxDataRows: maxRows));
    }

    private static Dictionary<string, string> Cells(VCardFile file, int row) =>
        file.Header.Zip(file.Rows[row].Cells).Where(p => p.Second.Length > 0).ToDictionary(p => p.First, p => p.Second);

    [Fact]
    public void Several_contacts_of_version_3_become_one_row_each_with_a_column_per_phone_and_email()
    {
        var file = Read("""
            BEGIN:VCARD
            VERSION:3.0
            FN:Ana Lima
            N:Lima;Ana;;;
            TEL;TYPE=CELL,VOICE:+1 415 555 0101
            TEL;TYPE=WORK:+1 415 555 0102
            TEL;TYPE=CELL:+1 415 555 0103
            EMAIL;TYPE=INTERNET,WORK:ana@work.example
            CATEGORIES:Pro,Wholesale
            ORG:Lima Cycles;Sales
            NOTE:Likes gravel\, road\nCall after 5
            END:VCARD
            BEGIN:VCARD
            VERSION:3.0
            FN:Ben Okafor
            N:Okafor;Ben;;;
            EMAIL:ben@example.com
            BDAY:19850412
            END:VCARD
            """);

        Assert.True(file.CanImport);
        Assert.Equal(2, file.ContactCount);
        Assert.Equal(
            ["Name", "First Name", "Last Name", "Phone (mobile)", "Phone (mobile) 2", "Phone (work)", "Email (work)", "Email", "Categories", "Organization", "Birthday", "Note"],
            file.Header);
        Assert.All(file.Rows, r => Assert.Equal(file.Header.Count, r.Cells.Count));
        Assert.Equal([1, 2], file.Rows.Select(r => r.RowNumber));
        var ana = Cells(file, 0);
        Assert.Equal("+1 415 555 0101", ana["Phone (mobile)"]);
        Assert.Equal("+1 415 555 0103", ana["Phone (mobile) 2"]);
        Assert.Equal("+1 415 555 0102", ana["Phone (work)"]);
        Assert.Equal("Pro, Wholesale", ana["Categories"]);
        Assert.Equal("Lima Cycles, Sales", ana["Organization"]);
        Assert.Equal("Likes gravel, road\nCall after 5", ana["Note"]);
        var ben = Cells(file, 1);
        Assert.Equal(new Dictionary<string, string>
        {
            ["Name"] = "Ben Okafor", ["First Name"] = "Ben", ["Last Name"] = "Okafor", ["Email"] = "ben@example.com", ["Birthday"] = "1985-04-12",
        }, ben);
        Assert.Contains("FN:Ben Okafor", file.Rows[1].Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_2_1_reads_bare_types_quoted_printable_soft_breaks_and_the_charset()
    {
        var text = "BEGIN:VCARD\r\nVERSION:2.1\r\n"
            + "N;CHARSET=ISO-8859-1;ENCODING=QUOTED-PRINTABLE:M=FCller;J=FCrgen\r\n"
            + "TEL;CELL;VOICE:0171 5550101\r\n"
            + "TEL;HOME:030 5550102\r\n"
            + "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Stra=C3=9Fe 1=0D=0A=\r\nZweite Zeile\r\n"
            + "END:VCARD\r\n";
        var file = Read(text, Encoding.ASCII);

        Assert.True(file.CanImport);
        Assert.Empty(file.Warnings);
        var row = Cells(file, 0);
        Assert.Equal("Jürgen Müller", row["Name"]);
        Assert.Equal("0171 5550101", row["Phone (mobile)"]);
        Assert.Equal("030 5550102", row["Phone (home)"]);
        Assert.Equal("Straße 1\r\nZweite Zeile", row["Note"]);
    }

    [Fact]
    public void Version_4_reads_quoted_type_lists_tel_uris_escaped_commas_and_apple_labels()
    {
        var file = Read("""
            BEGIN:VCARD
            VERSION:4.0
            N:Durand;Chloé;Marie;Dr.;
            TEL;VALUE=uri;TYPE="cell,voice";PREF=1:tel:+33-6-12-34-56-78
            item1.TEL:+33 1 23 45 67 89
            item1.X-ABLabel:_$!<Mobile>!$_
            item2.EMAIL:chloe@example.fr
            item2.X-ABLabel:Club
            CATEGORIES:Paris\, 11e,VIP
            PHOTO;ENCODING=b;TYPE=JPEG:AAAA
            X-SOCIALPROFILE:x
            END:VCARD
            """);

        Assert.True(file.CanImport);
        var row = Cells(file, 0);
        Assert.Equal("Dr. Chloé Marie Durand", row["Name"]);
        Assert.Equal("Marie", row["Middle Name"]);
        Assert.Equal("Dr.", row["Name Prefix"]);
        Assert.Equal("+33-6-12-34-56-78", row["Phone (mobile)"]);
        Assert.Equal("+33 1 23 45 67 89", row["Phone (mobile) 2"]);
        Assert.Equal("chloe@example.fr", row["Email (Club)"]);
        Assert.Equal("Paris, 11e, VIP", row["Categories"]);
        var skipped = Assert.Single(file.Warnings);
        Assert.Equal(VCardCodes.SkippedProperties, skipped.Code);
        Assert.Contains("PHOTO (1 contact)", skipped.Message, StringComparison.Ordinal);
        Assert.Contains("X-SOCIALPROFILE (1 contact)", skipped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("AAAA", file.Rows[0].Raw, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_a_vcard_is_refused_with_what_to_do()
    {
        var file = Read("Name,Phone\nAna,+14155550101\n");

        var error = Assert.Single(file.Errors);
        Assert.Equal(VCardCodes.NotVCard, error.Code);
        Assert.Contains("BEGIN:VCARD", error.Message, StringComparison.Ordinal);
        Assert.Empty(file.Rows);
    }

    [Fact]
    public void An_empty_file_is_refused()
    {
        Assert.Equal(SniffCodes.EmptyFile, Assert.Single(Read("\r\n \r\n").Errors).Code);
    }

    [Fact]
    public void More_contacts_than_the_limit_are_refused_with_the_csv_message()
    {
        var text = string.Concat(Enumerable.Range(1, 4).Select(i => $"BEGIN:VCARD\nVERSION:3.0\nFN:C{i}\nTEL:+1415555010{i}\nEND:VCARD\n"));

        var file = Read(text, maxRows: 3);

        var error = Assert.Single(file.Errors);
        Assert.Equal(SniffCodes.TooManyRows, error.Code);
        Assert.StartsWith("The file has 4 data rows; the limit is 3.", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, file.ContactCount);
    }

    [Fact]
    public void A_contact_without_end_is_read_and_warned_about()
    {
        var file = Read("BEGIN:VCARD\nFN:A\nTEL:1\nBEGIN:VCARD\nFN:B\nTEL:2\nEND:VCARD\nBEGIN:VCARD\nFN:C\nTEL:3\n");

        Assert.Equal(["A", "B", "C"], file.Rows.Select(r => r.Cells[0]));
        Assert.Equal(VCardCodes.UnclosedCard, Assert.Single(file.Warnings).Code);
    }

    [Fact]
    public void Bytes_that_are_not_utf8_without_a_charset_are_read_as_windows_1252_with_a_warning()
    {
        var bytes = Encoding.Latin1.GetBytes("BEGIN:VCARD\nVERSION:2.1\nFN:Jos\u00E9\nTEL:1\nEND:VCARD\n");

        var file = Read(bytes);

        Assert.Equal("José", file.Rows[0].Cells[0]);
        var warning = Assert.Single(file.Warnings);
        Assert.Equal(SniffCodes.NotUtf8, warning.Code);
        Assert.Equal(3, warning.Line);
    }

    [Fact]
    public void A_utf16_file_with_a_byte_order_mark_is_read()
    {
        var file = Read(Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("BEGIN:VCARD\r\nFN:Zoë\r\nTEL:1\r\nEND:VCARD\r\n")).ToArray());

        Assert.Equal("Zoë", file.Rows[0].Cells[0]);
    }

    // Any text survives being escaped, folded at any width with CRLF or LF, and read back; or escaped and quoted-printable
    // encoded with soft line breaks, as 2.1 exporters (e.g. Android's) write it.
    [Fact]
    public void Folded_and_escaped_text_reads_back_as_written()
    {
        var text = Gen.String[Gen.Char.Where(c => !char.IsSurrogate(c) && c != '\r'), 0, 300].Select(s => s.Trim()).Where(s => s.Length > 0);
        Gen.Select(text, Gen.Int[3, 80], Gen.Bool, Gen.Bool).Sample((note, width, crlf, quotedPrintable) =>
        {
            var newline = crlf ? "\r\n" : "\n";
            var line = quotedPrintable
                ? "NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:" + QuotedPrintable(Escape(note))
                : "NOTE:" + Escape(note);
            var folded = quotedPrintable ? SoftBreaks(line, width, newline) : Fold(line, width, newline);
            var file = Read($"BEGIN:VCARD{newline}FN:X{newline}{folded}{newline}END:VCARD{newline}");
            return Cells(file, 0)["Note"] == note;
        });
    }

    // Every phone and email of every contact lands in exactly one cell of its contact's row, and every row is as wide as the header.
    [Fact]
    public void Every_number_of_every_contact_keeps_a_cell_of_its_own()
    {
        var types = Gen.OneOf<string>("", ";TYPE=CELL", ";TYPE=WORK", ";TYPE=HOME,FAX", ";CELL");
        var card = Gen.Select(types, Gen.Int[1000, 9999]).Array[0, 6];
        card.Array[1, 8].Sample(cards =>
        {
            var text = new StringBuilder();
            var n = 0;
            foreach (var phones in cards)
            {
                text.Append("BEGIN:VCARD\nFN:C").Append(n++).Append('\n');
                foreach (var (type, number) in phones)
                {
                    text.Append("TEL").Append(type).Append(":+1415555").Append(number).Append('\n');
                }

                text.Append("EMAIL:c").Append(n).Append("@example.com\nEND:VCARD\n");
            }

            var file = Read(text.ToString());
            return file.Rows.Count == cards.Length
                && file.Rows.All(r => r.Cells.Count == file.Header.Count)
                && cards.Zip(file.Rows).All(p =>
                    p.First.Select(x => "+1415555" + x.Item2).Order().SequenceEqual(
                        p.Second.Cells.Where((_, i) => file.Header[i].StartsWith("Phone", StringComparison.Ordinal) && p.Second.Cells[i].Length > 0).Order()));
        });
    }

    private static string Escape(string text) =>
        text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal)
            .Replace(",", "\\,", StringComparison.Ordinal).Replace(";", "\\;", StringComparison.Ordinal);

    private static string QuotedPrintable(string text) =>
        string.Concat(Encoding.UTF8.GetBytes(text).Select(b => b is >= 33 and <= 126 && b != '=' ? ((char)b).ToString() : $"={b:X2}"));

    /// <summary>RFC 6350 folding: a line break and one space, never inside a surrogate pair.</summary>
    private static string Fold(string line, int width, string newline)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < line.Length; i += width)
        {
            builder.Append(i == 0 ? "" : newline + " ").Append(line, i, Math.Min(width, line.Length - i));
        }

        return builder.ToString();
    }

    /// <summary>Quoted-printable soft line breaks ("=" at the end of a line) in the value, never inside an "=XX".</summary>
    private static string SoftBreaks(string line, int width, string newline)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        var builder = new StringBuilder(line[..(colon + 1)]);
        var length = colon + 1;
        for (var i = colon + 1; i < line.Length; i++)
        {
            var token = line[i] == '=' ? line.Substring(i, 3) : line[i].ToString();
            if (length + token.Length > width)
            {
                builder.Append('=').Append(newline);
                length = 0;
            }

            builder.Append(token);
            length += token.Length;
            i += token.Length - 1;
        }

        return builder.ToString();
    }
}
