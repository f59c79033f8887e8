using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports.Sources;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// The mapping proposed for a new file: <see cref="MappingRules.SuggestWithNotes"/> per column, then what real-world files
/// need on top of it — name parts combined into Name when the file has no full name with values, a separator per Tags column
/// (detected from its samples), and a known source's conventions (Outlook, Google Contacts, HubSpot …: its name parts, its tag
/// columns and separators, the phone column that holds numbers as the primary, the other phones as additional).
/// </summary>
public static class MappingProposals
{
    /// <param name="format">The file's format (<see cref="ImportFormats"/>): a vCard's columns, named by <see cref="VCardReader"/>, are pre-mapped by <see cref="VCardMapping"/>.</param>
    public static MappingProposal Suggest(
        IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> samples, bool hasHeader, IReadOnlyList<FieldDefinition> fields, string region,
        string format = ImportFormats.Csv)
    {
        var vCard = format == ImportFormats.VCard;
        var targets = (vCard ? VCardMapping.Suggest(headers, samples, fields) : MappingRules.SuggestWithNotes(headers, samples, hasHeader, fields))
            .Select(s => s.Target).ToArray();
        var separators = new string?[targets.Length];
        var source = hasHeader && !vCard ? KnownSources.Recognize(headers, samples) : null;
        if (source is not null)
        {
            Apply(source, targets, separators);
        }
        else if (hasHeader && !vCard)
        {
            CombineNameParts(headers, samples, targets);
        }

        var notes = new List<string>();
        for (var i = 0; i < targets.Length; i++)
        {
            if (targets[i].Kind != TargetKind.Tags)
            {
                continue;
            }

            var columnSamples = Samples(samples, i);
            separators[i] ??= MultiValues.Detect(columnSamples).Separator;
            var dropped = columnSamples.SelectMany(c => MultiValues.Split(c, separators[i]!).Dropped).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            if (dropped.Count > 0)
            {
                notes.Add(DroppedNote(Header(headers, i), dropped));
            }
        }

        var mapping = new ImportMapping(targets, hasHeader, region) { Separators = separators.Any(s => s is not null) ? separators : null };
        return vCard
            ? new MappingProposal(mapping, "vCard", KnownSources.VCardMessage, notes)
            : new MappingProposal(mapping, source?.Source, source?.Message, notes);
    }

    /// <summary>
    /// The separators of a confirmed mapping: the request's where given, else (for a Tags column) the one its samples use,
    /// so a request that names none (an older client, <c>velo</c>) still splits "Pro;Wholesale" into two tags.
    /// </summary>
    public static IReadOnlyList<string?>? Separators(IReadOnlyList<ColumnTarget> targets, IReadOnlyList<string?>? asked, IReadOnlyList<IReadOnlyList<string>> samples)
    {
        var separators = new string?[Math.Max(targets.Count, asked?.Count ?? 0)];
        for (var i = 0; i < separators.Length; i++)
        {
            var given = asked is not null && i < asked.Count ? asked[i] : null;
            separators[i] = !string.IsNullOrEmpty(given) ? given
                : i < targets.Count && targets[i].Kind == TargetKind.Tags ? MultiValues.Detect(Samples(samples, i)).Separator
                : null;
        }

        return separators.Any(s => s is not null) ? separators : null;
    }

    /// <summary>The note for values a Tags column leaves out ("'Group Membership': Google's own groups * myContacts are left out of the tags.").</summary>
    public static string DroppedNote(string column, IReadOnlyList<string> dropped) =>
        $"'{column}': {string.Join(", ", dropped.Take(5).Select(d => $"'{d}'"))} {(dropped.Count == 1 ? "is a group" : "are groups")} the exporting tool sets itself ('* ' prefix), so {(dropped.Count == 1 ? "it is" : "they are")} left out of the tags.";

    private static void Apply(SourceConventions source, ColumnTarget[] targets, string?[] separators)
    {
        if (source.NameColumns.Count > 0)
        {
            Retarget(targets, TargetKind.Name, ColumnTarget.Ignore);
            foreach (var column in source.NameColumns)
            {
                targets[column] = ColumnTarget.Name;
            }
        }

        foreach (var tags in source.TagColumns)
        {
            targets[tags.Column] = ColumnTarget.Tags;
            separators[tags.Column] = tags.Separator;
        }

        if (source.PrimaryPhone is { } primary)
        {
            Retarget(targets, TargetKind.PrimaryPhone, ColumnTarget.AdditionalPhone);
            targets[primary] = ColumnTarget.PrimaryPhone;
        }

        foreach (var other in source.OtherPhones)
        {
            targets[other] = ColumnTarget.AdditionalPhone;
        }

        if (source.Email is { } email && !targets.Any(t => t.Kind == TargetKind.Email))
        {
            targets[email] = ColumnTarget.Email;
        }
    }

    /// <summary>
    /// A file with first/middle/last name columns and no full-name column holding values: the parts are combined into Name in
    /// column order. A full-name column whose samples are all blank gives way to them.
    /// </summary>
    private static void CombineNameParts(IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> samples, ColumnTarget[] targets)
    {
        var parts = Enumerable.Range(0, targets.Length)
            .Where(i => HeaderWords.Of(Header(headers, i)).Compact is var c && (MappingVocabulary.FirstNameSynonyms.Contains(c) || MappingVocabulary.LastNameHeaders.Contains(c)))
            .Where(i => targets[i].Kind is TargetKind.Name or TargetKind.Ignore)
            .ToList();
        var fullName = Enumerable.Range(0, targets.Length).Where(i => targets[i].Kind == TargetKind.Name && !parts.Contains(i)).ToList();
        if (parts.Count < 2 || !parts.Any(i => MappingVocabulary.FirstNameSynonyms.Contains(HeaderWords.Of(Header(headers, i)).Compact))
            || fullName.Any(i => Samples(samples, i).Any(s => !string.IsNullOrWhiteSpace(s))))
        {
            return;
        }

        foreach (var i in fullName)
        {
            targets[i] = ColumnTarget.Ignore;
        }

        foreach (var i in parts)
        {
            targets[i] = ColumnTarget.Name;
        }
    }

    private static void Retarget(ColumnTarget[] targets, TargetKind from, ColumnTarget to)
    {
        for (var i = 0; i < targets.Length; i++)
        {
            if (targets[i].Kind == from)
            {
                targets[i] = to;
            }
        }
    }

    private static IReadOnlyList<string> Samples(IReadOnlyList<IReadOnlyList<string>> samples, int column) => column < samples.Count ? samples[column] ?? [] : [];

    private static string Header(IReadOnlyList<string> headers, int column) => HeaderNames.Display(headers, column);
}
