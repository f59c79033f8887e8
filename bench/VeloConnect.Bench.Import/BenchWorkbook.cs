using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;

namespace VeloConnect.Bench.Import;

/// <summary>
/// The bench's rows as an .xlsx the way Excel saves one (ECMA-376 SpreadsheetML in a zip): every text in the workbook's
/// shared-strings table, cells pointing at it by index, one sheet "Contacts" with the CSV's header and columns. Written
/// streaming with XmlWriter, so 50,000 rows cost the bench no more than the file.
/// </summary>
internal static class BenchWorkbook
{
    private const string Main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    private const string ContentTypes = "http://schemas.openxmlformats.org/package/2006/content-types";
    private const string Relationships = "http://schemas.openxmlformats.org/package/2006/relationships";
    private const string DocumentRelationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    public static byte[] Xlsx(IEnumerable<BenchRow> rows)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var count = 0;
        using var file = new MemoryStream();
        using (var zip = new ZipArchive(file, ZipArchiveMode.Create, leaveOpen: true))
        {
            Part(zip, "[Content_Types].xml", xml =>
            {
                xml.WriteStartElement("Types", ContentTypes);
                Element(xml, ContentTypes, "Default", ("Extension", "rels"), ("ContentType", "application/vnd.openxmlformats-package.relationships+xml"));
                Element(xml, ContentTypes, "Default", ("Extension", "xml"), ("ContentType", "application/xml"));
                Element(xml, ContentTypes, "Override", ("PartName", "/xl/workbook.xml"), ("ContentType", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"));
                Element(xml, ContentTypes, "Override", ("PartName", "/xl/worksheets/sheet1.xml"), ("ContentType", "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"));
                Element(xml, ContentTypes, "Override", ("PartName", "/xl/sharedStrings.xml"), ("ContentType", "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"));
            });
            Part(zip, "_rels/.rels", xml =>
            {
                xml.WriteStartElement("Relationships", Relationships);
                Element(xml, Relationships, "Relationship", ("Id", "rId1"), ("Type", DocumentRelationships + "/officeDocument"), ("Target", "xl/workbook.xml"));
            });
            Part(zip, "xl/workbook.xml", xml =>
            {
                xml.WriteStartElement("workbook", Main);
                xml.WriteAttributeString("xmlns", "r", null, DocumentRelationships);
                xml.WriteStartElement("sheets", Main);
                xml.WriteStartElement("sheet", Main);
                xml.WriteAttributeString("name", "Contacts");
                xml.WriteAttributeString("sheetId", "1");
                xml.WriteAttributeString("id", DocumentRelationships, "rId1");
            });
            Part(zip, "xl/_rels/workbook.xml.rels", xml =>
            {
                xml.WriteStartElement("Relationships", Relationships);
                Element(xml, Relationships, "Relationship", ("Id", "rId1"), ("Type", DocumentRelationships + "/worksheet"), ("Target", "worksheets/sheet1.xml"));
                Element(xml, Relationships, "Relationship", ("Id", "rId2"), ("Type", DocumentRelationships + "/sharedStrings"), ("Target", "sharedStrings.xml"));
            });
            Part(zip, "xl/worksheets/sheet1.xml", xml =>
            {
                xml.WriteStartElement("worksheet", Main);
                xml.WriteStartElement("sheetData", Main);
                var number = 1;
                Row(xml, number++, ["Name", "Phone", "Email", "Tags"]);
                foreach (var row in rows)
                {
                    Row(xml, number++, [row.Name, row.Phone, row.Email, string.Join(',', row.Tags)]);
                }
            });
            Part(zip, "xl/sharedStrings.xml", xml =>
            {
                xml.WriteStartElement("sst", Main);
                xml.WriteAttributeString("count", count.ToString(CultureInfo.InvariantCulture));
                xml.WriteAttributeString("uniqueCount", strings.Count.ToString(CultureInfo.InvariantCulture));
                foreach (var text in strings.OrderBy(s => s.Value).Select(s => s.Key))
                {
                    xml.WriteStartElement("si", Main);
                    xml.WriteElementString("t", Main, text);
                    xml.WriteEndElement();
                }
            });
        }

        return file.ToArray();

        void Row(XmlWriter xml, int number, string[] cells)
        {
            xml.WriteStartElement("row", Main);
            xml.WriteAttributeString("r", number.ToString(CultureInfo.InvariantCulture));
            for (var c = 0; c < cells.Length; c++)
            {
                if (!strings.TryGetValue(cells[c], out var index))
                {
                    strings[cells[c]] = index = strings.Count;
                }

                count++;
                xml.WriteStartElement("c", Main);
                xml.WriteAttributeString("r", $"{(char)('A' + c)}{number.ToString(CultureInfo.InvariantCulture)}");
                xml.WriteAttributeString("t", "s");
                xml.WriteElementString("v", Main, index.ToString(CultureInfo.InvariantCulture));
                xml.WriteEndElement();
            }

            xml.WriteEndElement();
        }
    }

    private static void Part(ZipArchive zip, string path, Action<XmlWriter> write)
    {
        using var stream = zip.CreateEntry(path, CompressionLevel.Optimal).Open();
        using var xml = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false) });
        xml.WriteStartDocument(standalone: true);
        write(xml);
        xml.WriteEndDocument();
    }

    private static void Element(XmlWriter xml, string ns, string name, params (string Name, string Value)[] attributes)
    {
        xml.WriteStartElement(name, ns);
        foreach (var (attribute, value) in attributes)
        {
            xml.WriteAttributeString(attribute, value);
        }

        xml.WriteEndElement();
    }
}
