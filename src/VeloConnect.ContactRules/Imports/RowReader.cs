using System.Globalization;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// Reads data rows through a confirmed mapping into normalised contacts. A blank cell is "not given", so a merge keeps the
/// existing value; every reason a row is invalid is reported, each naming its column. A phone or email that is not valid,
/// in a row with another valid one, is left out with a warning (the mapping's <see cref="ImportMapping.BadIdentifier"/>
/// <see cref="BadIdentifierPolicy.Import"/>, the default) or makes the row invalid (<see cref="BadIdentifierPolicy.Invalid"/>).
/// Custom field cells are read through the column's typed options (<see cref="TypedColumns.TryRead"/>).
/// </summary>
public sealed class RowReader(ImportMapping mapping, IReadOnlyList<string> headers, IReadOnlyList<FieldDefinition> fields)
{
    public const int MaxCellLength = FieldValues.MaxTextLength;

    private static readonly Dictionary<string, string> NoCustom = new(StringComparer.Ordinal);

    private readonly string _region = (mapping.Region ?? "").Trim();

    private readonly bool _customColumns = mapping.Columns.Any(c => c?.Kind == TargetKind.CustomField);

    private readonly Dictionary<string, FieldDefinition> _fields = fields
        .GroupBy(f => f.Key, StringComparer.Ordinal)
        .ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);

    /// <summary>
    /// Reads one row. Fewer cells than columns: the missing ones are blank. More: invalid, unless the extra cells are blank
    /// (a trailing delimiter, as some spreadsheet exports write). Phones are normalised in the mapping's region (a cell may hold
    /// several, separated by ",", ";" or " ::: "; the first in a primary column is the primary, the rest are additional);
    /// tags are split on the column's separator (Google's own groups left out), else on commas (and Google Contacts' " ::: ");
    /// several Name columns are joined with a space in column order, blank ones skipped.
    /// </summary>
    public RowResult Read(IReadOnlyList<string> cells)
    {
        var errors = new List<string>();
        var columnCount = mapping.Columns.Count;

        var extra = false;
        for (var i = columnCount; i < cells.Count && !extra; i++)
        {
            extra = !string.IsNullOrWhiteSpace(cells[i]);
        }

        if (extra)
        {
            var lastGiven = cells.Select((c, i) => (c, i)).Last(x => !string.IsNullOrWhiteSpace(x.c)).i + 1;
            errors.Add(mapping.HasHeader
                ? $"row has {lastGiven} cells, the header has {columnCount}: check for an unquoted delimiter (a value containing the delimiter must be in double quotes)."
                : $"row has {lastGiven} cells, the file has {columnCount} columns: check for an unquoted delimiter (a value containing the delimiter must be in double quotes).");
        }

        // Checked on every cell, mapped or not: a huge cell usually means an unclosed quote swallowed the rows after it.
        HashSet<int>? oversized = null;
        for (var i = 0; i < cells.Count; i++)
        {
            if (cells[i] is { Length: > MaxCellLength } cell)
            {
                (oversized ??= []).Add(i);
                errors.Add(string.Create(CultureInfo.InvariantCulture,
                    $"cell in column '{ColumnName(i)}' is {cell.Length:N0} characters; the limit is {MaxCellLength:N0} (an unclosed double quote can swallow the rows after it)."));
            }
        }

        var nameParts = new List<string>();
        string? email = null;
        var phones = new List<string>();
        var primaryFound = false;
        var phoneOrEmailGiven = false;
        var tags = new List<string>();
        // Most rows have no custom field column: they share one empty dictionary (nothing changes a row's custom values after this).
        var custom = _customColumns ? new Dictionary<string, string>(StringComparer.Ordinal) : NoCustom;
        // Phones and emails that are not valid (also in errors): warnings instead when they are the row's only errors, the row
        // has another valid phone or email and the mapping imports such rows.
        var badIdentifiers = new List<string>();

        for (var i = 0; i < columnCount; i++)
        {
            var target = mapping.Columns[i];
            var cell = i < cells.Count ? cells[i] : null;
            var tooLong = oversized?.Contains(i) == true;
            if (target is null || target.Kind == TargetKind.Ignore || string.IsNullOrWhiteSpace(cell) || tooLong)
            {
                phoneOrEmailGiven |= tooLong && target?.Kind is TargetKind.PrimaryPhone or TargetKind.AdditionalPhone or TargetKind.Email;
                continue;
            }

            // An exported cell that a spreadsheet would have run as a formula carries a leading quote: read the value.
            cell = Exports.SpreadsheetCells.Restore(cell);
            switch (target.Kind)
            {
                case TargetKind.Name:
                    nameParts.Add(cell.Trim());
                    break;
                case TargetKind.PrimaryPhone or TargetKind.AdditionalPhone:
                    phoneOrEmailGiven = true;
                    foreach (var part in MappingVocabulary.PhoneParts(cell))
                    {
                        if (!Phones.TryNormalize(part, _region, out var e164, out var error))
                        {
                            errors.Add($"column '{ColumnName(i)}': {error}");
                            badIdentifiers.Add(errors[^1]);
                        }
                        else if (e164 is not null)
                        {
                            // The primary goes first whatever the column order; the others keep their order.
                            if (target.Kind == TargetKind.PrimaryPhone && !primaryFound)
                            {
                                phones.Remove(e164);
                                phones.Insert(0, e164);
                                primaryFound = true;
                            }
                            else if (!phones.Contains(e164))
                            {
                                phones.Add(e164);
                            }
                        }
                    }

                    break;
                case TargetKind.Email:
                    phoneOrEmailGiven = true;
                    if (!Emails.TryNormalize(cell, out var normalized, out var emailError))
                    {
                        errors.Add($"column '{ColumnName(i)}': {emailError}");
                        badIdentifiers.Add(errors[^1]);
                    }
                    else
                    {
                        email = normalized;
                    }

                    break;
                case TargetKind.Tags:
                    var cellTags = mapping.SeparatorOf(i) is { } separator
                        ? Sources.MultiValues.Split(cell, separator).Values
                        : Contacts.Tags.SplitCell(cell.Replace(":::", ",", StringComparison.Ordinal));
                    if (Contacts.Tags.Validate(cellTags) is { } tagError)
                    {
                        errors.Add($"column '{ColumnName(i)}': {tagError}");
                    }
                    else
                    {
                        tags.AddRange(cellTags);
                    }

                    break;
                case TargetKind.CustomField:
                    ReadCustom(i, target.FieldKey, cell, custom, errors);
                    break;
            }
        }

        if (ContactLimits.TooManyPhones(phones.Count) is { } tooManyPhones)
        {
            errors.Add(tooManyPhones);
        }

        var distinctTags = Contacts.Tags.Distinct(tags);
        if (ContactLimits.TooManyTags(distinctTags.Count) is { } tooManyTags)
        {
            errors.Add(tooManyTags);
        }

        if (phones.Count == 0 && email is null && !phoneOrEmailGiven)
        {
            errors.Add("no phone and no email: a contact needs one of them (the phone and email cells of this row are blank).");
        }

        var importedBy = ImportedBy(phones.Count > 0, email is not null);
        var onlyBadIdentifiers = errors.Count == badIdentifiers.Count && importedBy is not null && mapping.BadIdentifier == BadIdentifierPolicy.Import;
        if (errors.Count > 0 && !onlyBadIdentifiers)
        {
            return RowResult.Invalid(errors);
        }

        var name = nameParts.Count == 0 ? null : string.Join(' ', nameParts);
        var primary = primaryFound ? phones[0] : null;
        var additional = primaryFound ? phones.Skip(1).ToList() : phones;
        List<string>? warnings = badIdentifiers.Count == 0 ? null : [.. badIdentifiers.Select(bad => $"{bad.TrimEnd('.')}; left out, the row was imported by its {importedBy}.")];
        return RowResult.Valid(new ContactInput(name, primary, additional, email, distinctTags, custom), warnings);
    }

    /// <summary>What a row with a bad identifier is imported by ("phone", "email", "phone and email"), or null when it has no valid one.</summary>
    private static string? ImportedBy(bool phone, bool email) => (phone, email) switch
    {
        (true, true) => "phone and email",
        (true, false) => "phone",
        (false, true) => "email",
        _ => null,
    };

    private void ReadCustom(int index, string? key, string cell, Dictionary<string, string> custom, List<string> errors)
    {
        // The mapping was validated when confirmed; a field deleted since then must not silently drop the column's values.
        if (key is null || !_fields.TryGetValue(key, out var field))
        {
            errors.Add($"column '{ColumnName(index)}': custom field '{key}' no longer exists; create it in Settings → Contact fields, then re-run the import (or map the column to Don't import).");
            return;
        }

        // Read in the column's own format: its date format, decimal separator and value map (see TypedColumns).
        if (!TypedColumns.TryRead(field, cell, mapping.DateFormatOf(index), mapping.DecimalSeparatorOf(index), mapping.ValueMapOf(index), out var value, out var error))
        {
            var reason = error!.StartsWith(field.Label + ": ", StringComparison.Ordinal) ? error[(field.Label.Length + 2)..] : error;
            errors.Add($"column '{ColumnName(index)}' (field {field.Label}): {reason}");
        }
        else if (value is not null)
        {
            custom[field.Key] = value;
        }
    }

    private string ColumnName(int index) => HeaderNames.Display(mapping.HasHeader ? headers : null, index);
}
