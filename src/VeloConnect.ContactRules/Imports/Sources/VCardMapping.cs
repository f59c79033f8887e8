using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Imports.Sources;

/// <summary>The suggested mapping of a vCard file's columns (as <see cref="VCardReader"/> names them).</summary>
public static class VCardMapping
{
    /// <summary>
    /// One suggestion per column: "Name" → Name (its parts, First/Middle/Last Name …, are not imported, with a note, as Name
    /// already holds them; without a "Name" column they are for the user to combine); the primary phone is the first mobile
    /// column ("Phone (mobile)", "Phone (iPhone)"), else the first phone column that is not a fax, else the first phone column,
    /// and every other phone column is Phone (additional); the first email column is Email (a contact has one email: the
    /// others are not imported, with a note); "Categories" → Tags. Other columns (Organization, Note, Birthday …) take a custom
    /// field when the workspace has one of that name (as <see cref="MappingRules.SuggestWithNotes"/> finds), else Don't import.
    /// samples: per column, as the mapping step shows them (may be empty).
    /// </summary>
    public static IReadOnlyList<ColumnSuggestion> Suggest(
        IReadOnlyList<string> header, IReadOnlyList<IReadOnlyList<string>> samples, IReadOnlyList<FieldDefinition> fields)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(fields);
        var general = MappingRules.SuggestWithNotes(header, samples, true, fields);
        var hasName = header.Contains(VCardReader.NameHeader, StringComparer.Ordinal);
        var phones = header.Select((h, i) => (h, i)).Where(x => IsKind(x.h, VCardReader.PhoneHeader)).ToList();
        var primary = phones.Where(p => IsMobile(p.h)).Select(p => (int?)p.i).FirstOrDefault()
            ?? phones.Where(p => !p.h.Contains("fax", StringComparison.OrdinalIgnoreCase)).Select(p => (int?)p.i).FirstOrDefault()
            ?? phones.Select(p => (int?)p.i).FirstOrDefault();
        var email = header.Select((h, i) => (h, i)).Where(x => IsKind(x.h, VCardReader.EmailHeader)).Select(x => (int?)x.i).FirstOrDefault();

        var result = new List<ColumnSuggestion>(header.Count);
        for (var i = 0; i < header.Count; i++)
        {
            var h = header[i];
            result.Add(h switch
            {
                VCardReader.NameHeader => new(ColumnTarget.Name),
                "Name Prefix" or VCardReader.FirstNameHeader or VCardReader.MiddleNameHeader or VCardReader.LastNameHeader or "Name Suffix" when hasName =>
                    new(ColumnTarget.Ignore, $"Part of the contact's full name, which the '{VCardReader.NameHeader}' column already holds."),
                VCardReader.CategoriesHeader => new(ColumnTarget.Tags),
                _ when IsKind(h, VCardReader.PhoneHeader) => new(i == primary ? ColumnTarget.PrimaryPhone : ColumnTarget.AdditionalPhone),
                _ when IsKind(h, VCardReader.EmailHeader) => i == email
                    ? new(ColumnTarget.Email)
                    : new(ColumnTarget.Ignore, $"A contact has one email and '{header[email!.Value]}' is suggested as Email, so this column is not imported unless you choose it instead."),
                _ => general[i].Target.Kind == TargetKind.CustomField ? general[i] : new(ColumnTarget.Ignore),
            });
        }

        return result;
    }

    /// <summary>"Phone", "Phone (work)", "Phone 2", "Phone (mobile) 3" are of kind "Phone".</summary>
    private static bool IsKind(string header, string kind) =>
        header == kind || header.StartsWith(kind + " (", StringComparison.Ordinal) || (header.StartsWith(kind + " ", StringComparison.Ordinal) && int.TryParse(header[(kind.Length + 1)..], out _));

    private static bool IsMobile(string header) =>
        header.Contains("(mobile", StringComparison.OrdinalIgnoreCase) || header.Contains("iphone", StringComparison.OrdinalIgnoreCase)
        || header.Contains("cell", StringComparison.OrdinalIgnoreCase);
}
