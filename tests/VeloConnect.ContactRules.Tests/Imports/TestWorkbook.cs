using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>A cell with a number format: Style 1 is a date (numFmt 14), 2 scientific (numFmt 11, 0.00E+00), 3 two decimals (numFmt 2, 0.00).</summary>
internal sealed record Styled(double Value, int Style);

/// <summary>
/// Writes a minimal .xlsx (SpreadsheetML in a zip, as ECMA-376 describes it) for tests: strings inline, numbers as numbers,
/// bool as booleans, DateTime as a date serial with a date format. A null row is left out (a blank row in Excel).
/// </summary>
internal static class TestWorkbook
{
    public static MemoryStream Create(params (string Name, IReadOnlyList<object?[]?> Rows)[] sheets)
    {
        var stream = new MemoryStream();
        using (var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            Add(zip, "[Content_Types].xml",
                """<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"""
                + string.Concat(sheets.Select((_, i) => $"""<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"""))
                + "</Types>");
            Add(zip, "_rels/.rels",
                """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>""");
            Add(zip, "xl/workbook.xml",
                """<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>"""
                + string.Concat(sheets.Select((s, i) => $"""<sheet name="{SecurityElement.Escape(s.Name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>"""))
                + "</sheets></workbook>");
            Add(zip, "xl/_rels/workbook.xml.rels",
                """<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">"""
                + string.Concat(sheets.Select((_, i) => $"""<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>"""))
                + $"""<Relationship Id="rId{sheets.Length + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>""");
            Add(zip, "xl/styles.xml",
                """<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs><cellXfs count="4"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="11" applyNumberFormat="1"/><xf numFmtId="2" applyNumberFormat="1"/></cellXfs></styleSheet>""");
            for (var i = 0; i < sheets.Length; i++)
            {
                Add(zip, $"xl/worksheets/sheet{i + 1}.xml", Sheet(sheets[i].Rows));
            }
        }

        stream.Position = 0;
        return stream;
    }

    public static MemoryStream Create(IReadOnlyList<object?[]?> rows) => Create(("Sheet1", rows));

    private static string Sheet(IReadOnlyList<object?[]?> rows)
    {
        var xml = new StringBuilder("""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>""");
        for (var r = 0; r < rows.Count; r++)
        {
            if (rows[r] is not { } row)
            {
                continue;
            }

            xml.Append(CultureInfo.InvariantCulture, $"""<row r="{r + 1}">""");
            for (var c = 0; c < row.Length; c++)
            {
                var reference = (c >= 26 ? $"{(char)('A' + (c / 26) - 1)}" : "") + $"{(char)('A' + (c % 26))}{r + 1}";
                xml.Append(row[c] switch
                {
                    null => "",
                    string s => $"""<c r="{reference}" t="inlineStr"><is><t xml:space="preserve">{SecurityElement.Escape(s)}</t></is></c>""",
                    bool b => $"""<c r="{reference}" t="b"><v>{(b ? 1 : 0)}</v></c>""",
                    DateTime d => $"""<c r="{reference}" s="1"><v>{d.ToOADate().ToString(CultureInfo.InvariantCulture)}</v></c>""",
                    Styled s => $"""<c r="{reference}" s="{s.Style}"><v>{s.Value.ToString("R", CultureInfo.InvariantCulture)}</v></c>""",
                    IConvertible n => $"""<c r="{reference}"><v>{n.ToString(CultureInfo.InvariantCulture)}</v></c>""",
                    var other => throw new ArgumentException($"No cell for {other}"),
                });
            }

            xml.Append("</row>");
        }

        return xml.Append("</sheetData></worksheet>").ToString();
    }

    private static void Add(ZipArchive zip, string path, string content)
    {
        using var writer = new StreamWriter(zip.CreateEntry(path).Open(), new UTF8Encoding(false));
        writer.Write(content);
    }
}
