using System.Collections;
using System.Text;

namespace VeloConnect.Contracts.Contacts;

/// <summary>
/// A list that crosses the API → silo hop as one byte array (issue 13). Orleans' own encoding tracks every string and
/// list of a message in a table made afresh per message, to write repeated references once: for a bulk request of
/// 10,000 items that table reaches ~100,000 entries, past the large-object threshold, and in <c>bulk-100k</c> those
/// tables were 45 % of the API's large allocations, each batch of them waking a background gen-2 collection. The
/// converters below write and read the items with <see cref="BulkPayload"/> instead; nothing in these lists is shared.
/// </summary>
public abstract class PayloadList<T>(IReadOnlyList<T> items) : IReadOnlyList<T>
{
    public int Count => items.Count;

    public T this[int index] => items[index];

    public IEnumerator<T> GetEnumerator() => items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>The valid items of a bulk request (<see cref="IBulkWriterGrain.WriteAsync"/>).</summary>
public sealed class BulkItems(IReadOnlyList<BulkItem> items) : PayloadList<BulkItem>(items);

/// <summary>What happened to items of a bulk request: the refused ones sent to the grain, and its answer.</summary>
public sealed class BulkResults(IReadOnlyList<BulkItemResult> results) : PayloadList<BulkItemResult>(results);

/// <summary>The rows of a command-line import's bulk request (<see cref="IBulkWriterGrain.WriteImportRowsAsync"/>).</summary>
public sealed class ImportRowItems(IReadOnlyList<ImportRowItem> rows) : PayloadList<ImportRowItem>(rows);

[GenerateSerializer, Immutable, Alias("velo.BulkItemsPayload")]
public readonly record struct BulkItemsPayload([property: Id(0)] byte[] Bytes);

[GenerateSerializer, Immutable, Alias("velo.BulkResultsPayload")]
public readonly record struct BulkResultsPayload([property: Id(0)] byte[] Bytes);

[GenerateSerializer, Immutable, Alias("velo.ImportRowItemsPayload")]
public readonly record struct ImportRowItemsPayload([property: Id(0)] byte[] Bytes);

[RegisterConverter]
public sealed class BulkItemsConverter : IConverter<BulkItems, BulkItemsPayload>
{
    public BulkItems ConvertFromSurrogate(in BulkItemsPayload surrogate) => BulkPayload.ReadItems(surrogate.Bytes);

    public BulkItemsPayload ConvertToSurrogate(in BulkItems value) => new(BulkPayload.Write(value));
}

[RegisterConverter]
public sealed class BulkResultsConverter : IConverter<BulkResults, BulkResultsPayload>
{
    public BulkResults ConvertFromSurrogate(in BulkResultsPayload surrogate) => BulkPayload.ReadResults(surrogate.Bytes);

    public BulkResultsPayload ConvertToSurrogate(in BulkResults value) => new(BulkPayload.Write(value));
}

[RegisterConverter]
public sealed class ImportRowItemsConverter : IConverter<ImportRowItems, ImportRowItemsPayload>
{
    public ImportRowItems ConvertFromSurrogate(in ImportRowItemsPayload surrogate) => BulkPayload.ReadRows(surrogate.Bytes);

    public ImportRowItemsPayload ConvertToSurrogate(in ImportRowItems value) => new(BulkPayload.Write(value));
}

/// <summary>
/// The byte form of the payload lists: each field in declaration order; strings length-prefixed UTF-8
/// (<see cref="BinaryWriter.Write(string)"/>); a nullable value behind a presence byte; a list or dictionary behind its
/// count (a nullable list behind a presence byte too). Read back, every list is an array and every dictionary ordinal.
/// </summary>
public static class BulkPayload
{
    /// <summary>A first guess of an item's size, so that the buffer of a large request is not copied as it grows.</summary>
    private const int BytesPerItem = 160;

    public static byte[] Write(BulkItems items) => Write(items, static (writer, item) =>
    {
        writer.Write(item.Index);
        WriteContact(writer, item.Contact);
    });

    public static byte[] Write(BulkResults results) => Write(results, static (writer, result) =>
    {
        writer.Write(result.Index);
        writer.Write(result.Status);
        WriteGuid(writer, result.ContactId);
        WriteInt(writer, result.DuplicateOf);
        WriteStrings(writer, result.Reasons);
        WriteStrings(writer, result.Warnings);
    });

    public static byte[] Write(ImportRowItems rows) => Write(rows, static (writer, row) =>
    {
        writer.Write(row.Row);
        writer.Write(row.Contact is not null);
        if (row.Contact is { } contact)
        {
            WriteContact(writer, contact);
        }

        WriteStrings(writer, row.Errors);
        WriteInt(writer, row.DuplicateOf);
        writer.Write(row.Warnings is not null);
        if (row.Warnings is { } warnings)
        {
            WriteStrings(writer, warnings);
        }
    });

    public static BulkItems ReadItems(byte[] bytes) => new(Read(bytes, static reader => new BulkItem(reader.ReadInt32(), ReadContact(reader))));

    public static BulkResults ReadResults(byte[] bytes) => new(Read(bytes, static reader => new BulkItemResult(
        reader.ReadInt32(), reader.ReadString(), ReadGuid(reader), ReadInt(reader), ReadStrings(reader), ReadStrings(reader))));

    public static ImportRowItems ReadRows(byte[] bytes) => new(Read(bytes, static reader =>
    {
        var row = reader.ReadInt32();
        var contact = reader.ReadBoolean() ? ReadContact(reader) : null;
        var errors = ReadStrings(reader);
        var duplicateOf = ReadInt(reader);
        var warnings = reader.ReadBoolean() ? ReadStrings(reader) : null;
        return new ImportRowItem(row, contact, errors, duplicateOf, warnings);
    }));

    private static byte[] Write<T>(IReadOnlyList<T> items, Action<BinaryWriter, T> write)
    {
        using var stream = new MemoryStream(Math.Max(256, items.Count * BytesPerItem));
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(items.Count);
            foreach (var item in items)
            {
                write(writer, item);
            }
        }

        return stream.ToArray();
    }

    private static T[] Read<T>(byte[] bytes, Func<BinaryReader, T> read)
    {
        using var reader = new BinaryReader(new MemoryStream(bytes, writable: false), Encoding.UTF8);
        var items = new T[reader.ReadInt32()];
        for (var i = 0; i < items.Length; i++)
        {
            items[i] = read(reader);
        }

        if (reader.BaseStream.Position != bytes.Length)
        {
            throw new InvalidDataException($"A bulk payload of {bytes.Length} bytes had {bytes.Length - reader.BaseStream.Position} bytes left after its {items.Length} items.");
        }

        return items;
    }

    private static void WriteContact(BinaryWriter writer, ContactWrite contact)
    {
        WriteText(writer, contact.Name);
        WriteText(writer, contact.PrimaryPhone);
        WriteStrings(writer, contact.AdditionalPhones);
        WriteText(writer, contact.Email);
        WriteStrings(writer, contact.Tags);
        writer.Write(contact.Custom.Count);
        foreach (var (key, value) in contact.Custom)
        {
            writer.Write(key);
            writer.Write(value);
        }

        WriteGuid(writer, contact.AssignedAgentId);
    }

    private static ContactWrite ReadContact(BinaryReader reader)
    {
        var name = ReadText(reader);
        var primaryPhone = ReadText(reader);
        var additionalPhones = ReadStrings(reader);
        var email = ReadText(reader);
        var tags = ReadStrings(reader);
        var count = reader.ReadInt32();
        var custom = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            custom.Add(reader.ReadString(), reader.ReadString());
        }

        return new ContactWrite(name, primaryPhone, additionalPhones, email, tags, custom, ReadGuid(reader));
    }

    private static void WriteText(BinaryWriter writer, string? text)
    {
        writer.Write(text is not null);
        if (text is not null)
        {
            writer.Write(text);
        }
    }

    private static string? ReadText(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadString() : null;

    private static void WriteStrings(BinaryWriter writer, IReadOnlyList<string> strings)
    {
        writer.Write(strings.Count);
        foreach (var text in strings)
        {
            writer.Write(text);
        }
    }

    private static string[] ReadStrings(BinaryReader reader)
    {
        var count = reader.ReadInt32();
        if (count == 0)
        {
            return [];
        }

        var strings = new string[count];
        for (var i = 0; i < count; i++)
        {
            strings[i] = reader.ReadString();
        }

        return strings;
    }

    private static void WriteGuid(BinaryWriter writer, Guid? id)
    {
        writer.Write(id is not null);
        if (id is { } value)
        {
            Span<byte> bytes = stackalloc byte[16];
            value.TryWriteBytes(bytes);
            writer.Write(bytes);
        }
    }

    private static Guid? ReadGuid(BinaryReader reader)
    {
        if (!reader.ReadBoolean())
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[16];
        reader.BaseStream.ReadExactly(bytes);
        return new Guid(bytes);
    }

    private static void WriteInt(BinaryWriter writer, int? number)
    {
        writer.Write(number is not null);
        if (number is { } value)
        {
            writer.Write(value);
        }
    }

    private static int? ReadInt(BinaryReader reader) => reader.ReadBoolean() ? reader.ReadInt32() : null;
}
