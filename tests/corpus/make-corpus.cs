// Writes the awkward-CSV corpus next to this file: `dotnet run tests/corpus/make-corpus.cs` from the repository root.
// Deterministic (fixed seeds), so re-running it changes nothing; README.md lists what each file must produce.
using System.Runtime.CompilerServices;
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

static string Folder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
