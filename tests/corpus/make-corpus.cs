// Writes the awkward-file corpus (CSV, .xlsx, .vcf) next to this file: `dotnet run tests/corpus/make-corpus.cs` from the repository root.
// Deterministic (fixed seeds), so re-running it changes nothing; README.md lists what each file must produce.
using System.Globalization;
using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Security;
using System.Text;

Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
var folder = Folder();
var utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
var cp1252 = Encoding.GetEncoding(1252);
byte[] utf8Bom = [0xEF, 0xBB, 0xBF];

Text("lf.csv", Contacts("\n"));
Text("crlf.csv", Contacts("\r\n"));
Text("cr-only.csv", Contacts("\r"));
Text("mixed-line-endings.csv", "Name,Phone,Email\r\nAnn Lee,+1 415 555 0100,ann@example.com\nBob Stone,(415) 555-0101,bob@example.com\rCara Diaz,415.555.0102,cara@example.com\r\n");
Text("no-final-newline.csv", "Name,Email\nAnn,ann@example.com\nBob,bob@example.com");
Text("quoted-commas-newlines.csv",
    "Name,Phone,Address,Notes\n"
    + "\"Lee, Ann\",+14155550100,\"1 Main St, Apt 2\nSan Francisco, CA\",\"Met at the expo, call back\"\n"
    + "\"Stone, Bob\",+14155550101,22 Oak Ave,\"Line one\r\nLine two\r\nLine three\"\n"
    + "Cara Diaz,+14155550102,,plain\n");
Text("escaped-quotes.csv",
    "Name,Email,Notes\n"
    + "\"Ann \"\"Nan\"\" Lee\",ann@example.com,\"She said \"\"hi\"\"\"\n"
    + "Bob Stone,bob@example.com,\"\"\"quoted at the start\"\n"
    + "\"\"\"\",cara@example.com,a name that is one quote\n"
    + "Dan Wu,dan@example.com,5\" screen (a quote inside an unquoted cell)\n");
Bytes("utf8-bom.csv", [.. utf8Bom, .. utf8.GetBytes("Name,Email,City\nJürgen Müller,jurgen@example.de,Zürich\nFrançois Lefèvre,francois@example.fr,Besançon\n")]);
Text("utf8-accents-emoji.csv", "Name,Email,Tags\nJosé Núñez,jose@example.es,\"cliente, VIP ⭐\"\n山田太郎,taro@example.jp,顧客\nZoë Brontë,zoe@example.co.uk,😀\n");
Bytes("utf16-le-bom.csv", [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes("Name\tPhone\tEmail\r\nJürgen Müller\t+49 30 1234567\tjurgen@example.de\r\nZoë Brontë\t+44 20 7946 0958\tzoe@example.co.uk\r\n")]);
Bytes("utf16-be-bom.csv", [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes("Name,Email\nRenée Dubois,renee@example.fr\nSøren Jensen,soren@example.dk\n")]);
Bytes("latin1.csv", Encoding.Latin1.GetBytes("Name,Email,City\nAnn Lee,ann@example.com,Paris\nJürgen Müller,jurgen@example.de,Köln\nRenée Dubois,renee@example.fr,Montréal\nJosé Núñez,jose@example.es,Málaga\n"));
Bytes("windows-1252.csv", cp1252.GetBytes("Name,Email,Notes\nAnn Lee,ann@example.com,“Gold” member – paid €50\nJürgen Müller,jurgen@example.de,Größe L\n"));
Bytes("utf8-then-windows-1252-on-line-812.csv", Line812());
Bytes("cyrillic-windows-1251.csv", Encoding.GetEncoding(1251).GetBytes(Cyrillic()));
Text("ragged-rows.csv",
    "Name,Phone,Email\n"
    + "Ann Lee,+14155550100,ann@example.com\n"
    + "Bob Stone,+14155550101\n"
    + "Cara Diaz,+14155550102,cara@example.com,an extra cell\n"
    + "Dan Wu,+14155550103,dan@example.com,\n"
    + "Eve Adams\n");
Text("duplicate-headers.csv", "Name,Email,Phone,Email\nAnn Lee,ann@work.example.com,+14155550100,ann@home.example.com\nBob Stone,bob@work.example.com,+14155550101,\n");
Text("empty-lines.csv", "\nName,Email\n\nAnn Lee,ann@example.com\n\n   \nBob Stone,bob@example.com\n,\n\n");
Text("one-mb-cell.csv", "Name,Email,Notes\nAnn Lee,ann@example.com,\"" + new string('x', 1024 * 1024) + "\"\nBob Stone,bob@example.com,short\n");
Bytes("binary-xlsx-like.csv", [0x50, 0x4B, 0x03, 0x04, .. RandomBytes(1, 4096)]);
Bytes("binary-random.csv", RandomBytes(2, 4096));
Bytes("binary-xls-ole.csv", [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, .. RandomBytes(3, 2048)]);
Bytes("empty.csv", []);
Text("whitespace-only.csv", "  \n\t\n \r\n");
Bytes("bom-only.csv", utf8Bom);
Text("header-only.csv", "Name,Phone,Email\n");
Text("semicolon.csv", "Name;Telefon;E-Mail;Umsatz\nJürgen Müller;+49 30 1234567;jurgen@example.de;1.234,50\nAnna Schmidt;+49 40 7654321;anna@example.de;99,90\n\"Weber; Jan\";+49 89 1112223;jan@example.de;0,00\n");
Text("tab.csv", "Name\tPhone\tEmail\tNotes\nAnn Lee\t+14155550100\tann@example.com\tlikes commas, and more commas\nBob Stone\t+14155550101\tbob@example.com\t\"quoted\ttab\"\nCara Diaz\t+14155550102\tcara@example.com\t\n");
Text("headerless.csv", "Ann Lee,+1 415 555 0100,ann@example.com\nBob Stone,+1 415 555 0101,bob@example.com\nCara Diaz,+1 415 555 0102,cara@example.com\n");
Text("headerless-one-row.csv", "Ann Lee,+1 415 555 0100,ann@example.com\n");
Text("single-column-emails.csv", "ann@example.com\nbob@example.com\ncara@example.com\n");
Text("trailing-delimiters.csv", "Name,Email,\nAnn Lee,ann@example.com,\nBob Stone,bob@example.com,,\n");
Text("unclosed-quote.csv", "Name,Email,Notes\nAnn Lee,ann@example.com,\"never closed\nBob Stone,bob@example.com,swallowed\nCara Diaz,cara@example.com,swallowed too\n");
Text("only-delimiters.csv", ",,,\n,,,\n\"\",\"\"\n");
Text("title-row-outlook-style.csv",
    "Contacts exported from Outlook\r\n\r\nFirst Name,Last Name,Mobile Phone,E-mail Address,Categories\r\n"
    + "Ann,Lee,+1 415 555 0100,ann@example.com,Pro;Wholesale\r\nBob,Stone,(415) 555-0101,,\r\nCara,Diaz,,cara@example.com,Pro\r\n");

// Real layouts, written from the tools' public documentation of their export columns (no exported file copied).
Text("outlook-export.csv",
    "\"First Name\",\"Middle Name\",\"Last Name\",\"Title\",\"Company\",\"E-mail Address\",\"E-mail Display Name\",\"Primary Phone\",\"Mobile Phone\",\"Business Phone\",\"Categories\",\"Notes\"\r\n"
    + "\"Ann\",\"B.\",\"Lee\",\"\",\"Lee Cycles\",\"ann@example.com\",\"Ann Lee (ann@example.com)\",\"\",\"+1 415 555 0100\",\"+1 415 555 0190\",\"Pro;Wholesale\",\"\"\r\n"
    + "\"Bob\",\"\",\"Stone\",\"Mr.\",\"\",\"bob@example.com\",\"Bob Stone (bob@example.com)\",\"\",\"(415) 555-0101\",\"\",\"Pro\",\"Met at the expo\"\r\n"
    + "\"Cara\",\"\",\"Diaz\",\"\",\"\",\"cara@example.com\",\"\",\"\",\"415.555.0102\",\"\",\"Wholesale;Newsletter;Pro\",\"\"\r\n"
    + "\"Dan\",\"\",\"Wu\",\"\",\"Wu & Co\",\"\",\"\",\"\",\"+1 415 555 0103\",\"\",\"\",\"\"\r\n");
Text("google-contacts-export.csv",
    "Name,Given Name,Additional Name,Family Name,Nickname,Birthday,Notes,Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,Phone 2 - Type,Phone 2 - Value,Organization 1 - Name\n"
    + "Ann Lee,Ann,,Lee,,1985-04-12,,* myContacts ::: VIP,* Home,ann@example.com,Mobile,+1 415-555-0100,Work,+1 415-555-0190,Lee Cycles\n"
    + "Bob Stone,Bob,,Stone,Bobby,,likes gravel,* myContacts,* Work,bob@example.com,Mobile,+1 415-555-0101,,,\n"
    + "Cara Diaz,Cara,,Diaz,,,,* starred ::: * myContacts ::: VIP ::: Wholesale,* Home,cara@example.com,Home,+1 415-555-0102,,,\n");
Text("dates-day-first.csv",
    "Name,Phone,Email,Birthday\n"
    + "Ann Lee,+44 20 7946 0100,ann@example.co.uk,31/12/1985\n"
    + "Bob Stone,+44 20 7946 0101,bob@example.co.uk,05/04/1990\n"
    + "Cara Diaz,+44 20 7946 0102,cara@example.co.uk,17/08/2001\n"
    + "Dan Wu,+44 20 7946 0103,dan@example.co.uk,\n");
Text("select-unmatched-values.csv",
    "Name,Phone,Loyalty tier\n"
    + "Ann Lee,+1 415 555 0100,Gold\n"
    + "Bob Stone,+1 415 555 0101,gold\n"
    + "Cara Diaz,+1 415 555 0102,GOLD \n"
    + "Dan Wu,+1 415 555 0103,Platinum+\n"
    + "Eve Adams,+1 415 555 0104,Bronze\n"
    + "Finn Olsen,+1 415 555 0105,Brónze\n");
Bytes("phones-as-numbers.xlsx", Workbook(("Contacts", [
    ["Name", "Phone", "Email", "Signed up"],
    ["Ann Lee", 14155550100d, "ann@example.com", new DateTime(2024, 3, 1)],
    ["Bob Stone", "+1 415 555 0101", "bob@example.com", new DateTime(2024, 12, 31)],
    ["Cara Diaz", 4155550102d, "cara@example.com", new DateTime(2025, 1, 15)],
    ["Dan Wu", new Scientific(4155550000d), "dan@example.com", null],
    ["Eve Adams", 7700900123d, "eve@example.co.uk", new DateTime(2023, 7, 4)],
    ["Finn Olsen", "+44 7700 900124", "finn@example.co.uk", new DateTime(2023, 7, 5)],
])));
Bytes("multi-sheet.xlsx", Workbook(
    ("Customers", [
        ["Name", "Phone", "Email"],
        ["Ann Lee", "+1 415 555 0100", "ann@example.com"],
        ["Bob Stone", "+1 415 555 0101", "bob@example.com"],
        ["Cara Diaz", "+1 415 555 0102", "cara@example.com"],
    ]),
    ("Leads", [
        ["Leads from the spring fair"],
        null,
        ["Full name", "Mobile", "E-mail"],
        ["Dan Wu", "+1 415 555 0103", "dan@example.com"],
        ["Eve Adams", "+1 415 555 0104", "eve@example.com"],
    ]),
    ("Notes", [])));
Text("several-contacts.vcf", string.Join("\r\n",
    "BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.0//EN", "N:Lee;Ann;B.;;", "FN:Ann Lee",
    "ORG:Lee Cycles;", "TEL;type=CELL;type=VOICE;type=pref:+1 415 555 0100", "TEL;type=WORK;type=VOICE:+1 415 555 0190",
    "EMAIL;type=INTERNET;type=HOME;type=pref:ann@example.com", "CATEGORIES:VIP,Pro",
    // A line folded after 75 octets (RFC 6350 3.2): the continuation starts with one space.
    "NOTE:Met at the spring fair in San Francisco; wants a quote for twelve road bi",
    " kes before the season starts.", "END:VCARD",
    "BEGIN:VCARD", "VERSION:2.1", "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;",
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller", "TEL;CELL:+49 30 1234567", "TEL;HOME:+49 30 7654321",
    "EMAIL;INTERNET:jurgen@example.de",
    // A quoted-printable value continued with a soft line break (= at the end of the line), as vCard 2.1 writes long notes.
    "NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Gr=C3=B6=C3=9Fe L, f=C3=A4hrt Gravel und Stra=C3=9Fe; rief am Montag=",
    " an.", "END:VCARD",
    "BEGIN:VCARD", "VERSION:4.0", "FN:Cara Diaz", "N:Diaz;Cara;;;", "TEL;TYPE=\"cell,voice\";VALUE=uri:tel:+1-415-555-0102",
    "EMAIL;TYPE=work:cara@example.com", "CATEGORIES:Wholesale", "END:VCARD",
    "BEGIN:VCARD", "VERSION:3.0", "FN:Dan Wu", "N:Wu;Dan;;;", "TEL;TYPE=CELL:+1 415 555 0103", "EMAIL:dan@example.com", "END:VCARD") + "\r\n");

void Text(string name, string text) => Bytes(name, utf8.GetBytes(text));

void Bytes(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(folder, name), bytes);

static string Contacts(string newline) => string.Join(newline,
    "Name,Phone,Email,Tags",
    "Ann Lee,+1 415 555 0100,ann@example.com,vip",
    "Bob Stone,(415) 555-0101,bob@example.com,",
    "Cara Diaz,415.555.0102,cara@example.com,\"newsletter, vip\"") + newline;

static byte[] RandomBytes(int seed, int count)
{
    var bytes = new byte[count];
    new Random(seed).NextBytes(bytes);
    return bytes;
}

// Valid UTF-8 (with accents) for 811 lines, then one line saved as windows-1252: the report must name line 812.
byte[] Line812()
{
    var bytes = new List<byte>(utf8.GetBytes("Name,Email,City\n"));
    for (var i = 2; i <= 811; i++)
    {
        bytes.AddRange(utf8.GetBytes($"Person {i},person{i}@example.com,Zürich\n"));
    }

    bytes.AddRange(cp1252.GetBytes("Jürgen Müller,jurgen@example.de,München\n"));
    bytes.AddRange(utf8.GetBytes("Zoë Brontë,zoe@example.co.uk,Haworth\n"));
    return [.. bytes];
}

static string Cyrillic()
{
    string[] names = ["Иван Петров", "Ольга Смирнова", "Сергей Кузнецов", "Анна Попова", "Дмитрий Васильев", "Елена Соколова", "Михаил Михайлов", "Наталья Новикова"];
    string[] cities = ["Москва", "Санкт-Петербург", "Новосибирск", "Екатеринбург", "Казань", "Нижний Новгород"];
    var text = new StringBuilder("Имя,Телефон,Город,Заметки\n");
    for (var i = 0; i < 40; i++)
    {
        text.Append($"{names[i % names.Length]},+7 495 {100 + i:000}-{10 + i:00}-{20 + i:00},{cities[i % cities.Length]},\"постоянный клиент, звонить утром\"\n");
    }

    return text.ToString();
}

// A minimal .xlsx as ECMA-376 describes SpreadsheetML: texts inline, numbers as numbers, DateTime as a serial with a date
// format (style 1), Scientific with Excel's 0.00E+00 (style 2). Stored without compression, so the bytes depend on
// nothing but this script (no zlib version), and every entry dated 1980-01-01: re-running it changes nothing.
static byte[] Workbook(params (string Name, object?[]?[] Rows)[] sheets)
{
    using var stream = new MemoryStream();
    using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
    {
        const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        Part(zip, "[Content_Types].xml",
            """<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"""
            + string.Concat(sheets.Select((_, i) => $"""<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>""")) + "</Types>");
        Part(zip, "_rels/.rels",
            $"""<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
        Part(zip, "xl/workbook.xml",
            $"""<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{Relationships}"><sheets>"""
            + string.Concat(sheets.Select((s, i) => $"""<sheet name="{SecurityElement.Escape(s.Name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>""")) + "</sheets></workbook>");
        Part(zip, "xl/_rels/workbook.xml.rels",
            """<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
            + string.Concat(sheets.Select((_, i) => $"""<Relationship Id="rId{i + 1}" Type="{Relationships}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>"""))
            + $"""<Relationship Id="rId{sheets.Length + 1}" Type="{Relationships}/styles" Target="styles.xml"/></Relationships>""");
        Part(zip, "xl/styles.xml",
            """<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="11" applyNumberFormat="1"/></cellXfs></styleSheet>""");
        for (var i = 0; i < sheets.Length; i++)
        {
            Part(zip, $"xl/worksheets/sheet{i + 1}.xml", SheetXml(sheets[i].Rows));
        }
    }

    return stream.ToArray();

    static void Part(ZipArchive zip, string path, string xml)
    {
        var entry = zip.CreateEntry(path, CompressionLevel.NoCompression);
        entry.LastWriteTime = new DateTimeOffset(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);
        using var writer = new StreamWriter(entry.Open(), new UTF8Encoding(false));
        writer.Write("""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>""" + xml);
    }
}

static string SheetXml(object?[]?[] rows)
{
    var xml = new StringBuilder("""<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
    for (var r = 0; r < rows.Length; r++)
    {
        if (rows[r] is not { } row)
        {
            continue;
        }

        xml.Append(CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
        for (var c = 0; c < row.Length; c++)
        {
            var at = $"{(char)('A' + c)}{r + 1}";
            xml.Append(row[c] switch
            {
                null => "",
                string text => $"""<c r="{at}" t="inlineStr"><is><t>{SecurityElement.Escape(text)}</t></is></c>""",
                DateTime date => $"""<c r="{at}" s="1"><v>{date.ToOADate().ToString(CultureInfo.InvariantCulture)}</v></c>""",
                Scientific number => $"""<c r="{at}" s="2"><v>{number.Value.ToString("R", CultureInfo.InvariantCulture)}</v></c>""",
                double number => $"""<c r="{at}"><v>{number.ToString("R", CultureInfo.InvariantCulture)}</v></c>""",
                var other => throw new ArgumentException($"No cell for {other}"),
            });
        }

        xml.Append("</row>");
    }

    return xml.Append("</sheetData></worksheet>").ToString();
}

static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

/// <summary>A number shown in Excel's scientific format (0.00E+00), as a phone column Excel reformatted shows it.</summary>
internal sealed record Scientific(double Value);
