using System.IO.Hashing;
using System.Text;
using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// "Skipped" rows: a valid row whose phone (any of them) or email equals one of an earlier valid, non-skipped row of the
/// same file duplicates that row. Feed valid rows in file order; not thread-safe (one import reads its rows in order).
/// </summary>
/// <remarks>
/// Identifiers are kept as 128-bit digests (XXH128 over kind and key), not strings: a million-row file holds about two
/// million of them, which as strings took some 220 MB (the command-line importer keeps the set for the whole file) and
/// as digests about 70 MB. Two different identifiers share a digest with a probability of about n²/2¹²⁹ (10⁻²⁶ for two
/// million), so the answer is the one the strings would give. XXH128 rather than SHA-256 (used until 2026-12-04): the
/// digest only has to spread, not to resist a forger, and SHA-256 was a tenth of a review's processor time.
/// </remarks>
public sealed class InFileDuplicates
{
    private readonly Dictionary<(ulong, ulong), int> _firstRowOf;

    /// <summary>capacity: how many identifiers to expect, when known (a set that never grows holds no spare room).</summary>
    public InFileDuplicates(int capacity = 0) => _firstRowOf = new(capacity);

    /// <summary>
    /// Returns the row number of the earlier row this one duplicates (phones are looked up before the email, as in matching)
    /// and does not register it; or null, and registers its identifiers under <paramref name="rowNumber"/>.
    /// </summary>
    public int? Check(ContactInput contact, int rowNumber)
    {
        ArgumentNullException.ThrowIfNull(contact);
        var digests = contact.IdentifiersInMatchOrder().Select(Digest).ToList();
        foreach (var digest in digests)
        {
            if (_firstRowOf.TryGetValue(digest, out var earlier))
            {
                return earlier;
            }
        }

        foreach (var digest in digests)
        {
            _firstRowOf.TryAdd(digest, rowNumber);
        }

        return null;
    }

    // Two longs rather than a UInt128, whose 16-byte alignment would pad every entry of the set by half.
    private static (ulong, ulong) Digest(Identifier identifier)
    {
        var text = identifier.ToString();
        Span<byte> bytes = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, bytes);
        var hash = XxHash128.HashToUInt128(bytes[..length]);
        return ((ulong)(hash >> 64), (ulong)hash);
    }
}
