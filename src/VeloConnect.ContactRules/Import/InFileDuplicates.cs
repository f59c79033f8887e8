using VeloConnect.ContactRules.Contacts;

namespace VeloConnect.ContactRules.Import;

/// <summary>
/// "Skipped" rows: a valid row whose phone (any of them) or email equals one of an earlier valid, non-skipped row of the
/// same file duplicates that row. Feed valid rows in file order; not thread-safe (one import reads its rows in order).
/// </summary>
public sealed class InFileDuplicates
{
    private readonly Dictionary<Identifier, int> _firstRowOf = [];

    /// <summary>
    /// Returns the row number of the earlier row this one duplicates (phones are looked up before the email, as in matching)
    /// and does not register it; or null, and registers its identifiers under <paramref name="rowNumber"/>.
    /// </summary>
    public int? Check(ContactInput contact, int rowNumber)
    {
        var identifiers = contact.IdentifiersInMatchOrder().ToList();
        foreach (var identifier in identifiers)
        {
            if (_firstRowOf.TryGetValue(identifier, out var earlier))
            {
                return earlier;
            }
        }

        foreach (var identifier in identifiers)
        {
            _firstRowOf.TryAdd(identifier, rowNumber);
        }

        return null;
    }
}
