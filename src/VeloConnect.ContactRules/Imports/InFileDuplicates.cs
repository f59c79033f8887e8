using System.IO.Hashing;
using System.Text;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// "Skipped" rows: a valid row whose phone (any of them) or email equals one of an earlier valid, non-skipped row of the
/// same file duplicates that row. Feed valid rows in file order; not thread-safe (one import reads its rows in order).
/// </summary>
/// <remarks>
/// Identifiers are kept as digests, not strings: a million-row file holds about two million of them, which as strings took
/// some 220 MB (the command-line importer keeps them for the whole file). Each is 96 bits of its XXH128 over kind and key,
/// kept with the row number in an open-addressing table of 16 bytes a slot, at most four fifths full: about 20 bytes an
/// identifier, 40 MB for two million (a Dictionary of 128-bit digests took 72 MB, which kept the importer's memory from
/// staying flat from 100,000 to a million rows). Two different identifiers share a digest with a probability of about
/// n²/2⁹⁷ (10⁻¹⁷ for two million), so the answer is the one the strings would give. XXH128 rather than SHA-256 (used until
/// 2026-12-04): the digest only has to spread, not to resist a forger, and SHA-256 was a tenth of a review's processor time.
/// </remarks>
public sealed class InFileDuplicates
{
    private const double MaxLoad = 0.8;

    // Slot i: a digest (High, Low) and one more than the row number that registered it (0 marks a free slot; a bulk request's items count from 0).
    private ulong[] _high = [];
    private uint[] _low = [];
    private int[] _rows = [];
    private int _count;

    /// <summary>capacity: how many identifiers to expect, when known (a table that never grows holds no spare room).</summary>
    public InFileDuplicates(int capacity = 0) => Allocate(SlotsFor(Math.Max(capacity, 16)));

    /// <summary>
    /// Returns the row number of the earlier row this one duplicates (phones are looked up before the email, as in matching)
    /// and does not register it; or null, and registers its identifiers under <paramref name="rowNumber"/>.
    /// </summary>
    public int? Check(ContactInput contact, int rowNumber)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentOutOfRangeException.ThrowIfNegative(rowNumber);
        var digests = contact.IdentifiersInMatchOrder().Select(Digest).ToList();
        foreach (var digest in digests)
        {
            var slot = SlotOf(digest);
            if (_rows[slot] != 0)
            {
                return _rows[slot] - 1;
            }
        }

        foreach (var digest in digests)
        {
            Add(digest, rowNumber + 1);
        }

        return null;
    }

    private void Add((ulong High, uint Low) digest, int stored)
    {
        if (_count + 1 > _rows.Length * MaxLoad)
        {
            Grow();
        }

        var slot = SlotOf(digest);
        if (_rows[slot] == 0)
        {
            (_high[slot], _low[slot], _rows[slot]) = (digest.High, digest.Low, stored);
            _count++;
        }
    }

    /// <summary>The slot holding the digest, or the free slot where it would go (linear probing from its home slot).</summary>
    private int SlotOf((ulong High, uint Low) digest)
    {
        var slot = (int)(digest.High % (ulong)_rows.Length);
        while (_rows[slot] != 0 && (_high[slot] != digest.High || _low[slot] != digest.Low))
        {
            slot = slot + 1 == _rows.Length ? 0 : slot + 1;
        }

        return slot;
    }

    private void Grow()
    {
        var (high, low, rows) = (_high, _low, _rows);
        Allocate(SlotsFor(_count * 2));
        _count = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] != 0)
            {
                Add((high[i], low[i]), rows[i]);
            }
        }
    }

    private void Allocate(int slots) => (_high, _low, _rows) = (new ulong[slots], new uint[slots], new int[slots]);

    private static int SlotsFor(int identifiers) => (int)Math.Min(identifiers / MaxLoad + 1, Array.MaxLength);

    private static (ulong High, uint Low) Digest(Identifier identifier)
    {
        var text = identifier.ToString();
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        var hash = XxHash128.HashToUInt128(bytes[..length]);
        return ((ulong)(hash >> 64), (uint)hash);
    }
}
