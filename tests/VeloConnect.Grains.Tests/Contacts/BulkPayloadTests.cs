using System.Text.Json;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using VeloConnect.Contracts.Contacts;
using Xunit;

namespace VeloConnect.Grains.Tests.Contacts;

/// <summary>
/// The bulk lists cross the API → silo hop as one byte array each (<see cref="BulkPayload"/>): through Orleans' own
/// serializer, as the hop does, every item comes back field for field, nulls and empty lists kept apart.
/// </summary>
public sealed class BulkPayloadTests
{
    private static readonly Serializer Serializer = new ServiceCollection()
        .AddSerializer(builder => builder.AddAssembly(typeof(BulkItems).Assembly))
        .BuildServiceProvider()
        .GetRequiredService<Serializer>();

    private static readonly Gen<string> Text = Gen.OneOf(Gen.Const(""), Gen.String[Gen.Char.AlphaNumeric, 0, 12], Gen.String[Gen.Char[' ', '\u07ff'], 0, 20], Gen.Const("Zoë 🚲 \u0000 ,;\"'"));

    private static readonly Gen<string?> MaybeText = Gen.Frequency((1, Gen.Const((string?)null)), (3, Text.Select(t => (string?)t)));

    private static readonly Gen<string[]> Texts = Text.Array[0, 4];

    private static readonly Gen<Guid?> MaybeId = Gen.Frequency((1, Gen.Const((Guid?)null)), (1, Gen.Guid.Select(g => (Guid?)g)));

    private static readonly Gen<int?> MaybeNumber = Gen.Frequency((1, Gen.Const((int?)null)), (1, Gen.Int.Select(n => (int?)n)));

    private static readonly Gen<ContactWrite> Contact = Gen.Select(MaybeText, MaybeText, Texts, MaybeText, Texts,
        Gen.Select(Text, Text).Array[0, 3].Select(pairs => (IReadOnlyDictionary<string, string>)pairs.DistinctBy(p => p.Item1).ToDictionary(p => p.Item1, p => p.Item2)),
        MaybeId,
        (name, phone, phones, email, tags, custom, agent) => new ContactWrite(name, phone, phones, email, tags, custom, agent));

    [Fact]
    public void Bulk_items_come_back_as_they_were_sent()
    {
        Gen.Select(Gen.Int, Contact, (index, contact) => new BulkItem(index, contact)).List[0, 30]
            .Sample(items => AssertRoundTrip(new BulkItems(items)));
    }

    [Fact]
    public void Bulk_results_come_back_as_they_were_sent()
    {
        Gen.Select(Gen.Int, Text, MaybeId, MaybeNumber, Texts, Texts,
                (index, status, id, duplicateOf, reasons, warnings) => new BulkItemResult(index, status, id, duplicateOf, reasons, warnings))
            .List[0, 30]
            .Sample(results => AssertRoundTrip(new BulkResults(results)));
    }

    [Fact]
    public void Command_line_rows_come_back_as_they_were_sent()
    {
        var maybeContact = Gen.Frequency((1, Gen.Const((ContactWrite?)null)), (3, Contact.Select(c => (ContactWrite?)c)));
        var maybeWarnings = Gen.Frequency((1, Gen.Const((string[]?)null)), (1, Texts.Select(w => (string[]?)w)));
        Gen.Select(Gen.Int, maybeContact, Texts, MaybeNumber, maybeWarnings,
                (row, contact, errors, duplicateOf, warnings) => new ImportRowItem(row, contact, errors, duplicateOf, warnings))
            .List[0, 30]
            .Sample(rows => AssertRoundTrip(new ImportRowItems(rows)));
    }

    [Fact]
    public void The_payload_goes_through_its_own_converter()
    {
        // Orleans' own encoding would read the lists back as its own collection types; ours reads arrays.
        var sent = new BulkItems([new BulkItem(3, new ContactWrite("Ann", "+34600000001", ["+34600000002"], "ann@example.com", ["vip"], new Dictionary<string, string> { ["plan"] = "gold" }, null))]);
        var received = Serializer.Deserialize<BulkItems>(Serializer.SerializeToArray(sent))!;
        Assert.IsType<string[]>(received[0].Contact.Tags);
        Assert.IsType<string[]>(received[0].Contact.AdditionalPhones);
    }

    [Fact]
    public void A_payload_with_bytes_left_over_is_refused()
    {
        var bytes = BulkPayload.Write(new BulkResults([BulkItemResult.Error(0, ["bad phone"])]));
        var error = Assert.Throws<InvalidDataException>(() => BulkPayload.ReadResults([.. bytes, 0]));
        Assert.Contains("1 bytes left", error.Message);
    }

    private static void AssertRoundTrip<T>(T sent)
        where T : class
    {
        var received = Serializer.Deserialize<T>(Serializer.SerializeToArray(sent));
        Assert.IsType<T>(received);
        Assert.Equal(JsonSerializer.Serialize<object>(sent), JsonSerializer.Serialize<object>(received));
    }
}
