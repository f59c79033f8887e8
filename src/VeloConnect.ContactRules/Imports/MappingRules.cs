using System.Security.Cryptography;
using System.Text;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Imports;

/// <summary>The wizard's mapping step: what a mapping must satisfy, what to suggest, and the key a mapping is remembered under.</summary>
public static class MappingRules
{
    private const int Exact = 0;
    private const int Synonym = 10;
    private const int FirstName = 15;
    private const int Keyword = 20;
    private const int Fuzzy = 30;
    private const int FromSamples = 40;
    private const double FuzzyThreshold = 0.8;
    private const int FuzzyMinLength = 5;

    private static readonly string[] CustomFieldPrefixes = ["custom", "field", "cf", "customfield"];
    private static readonly string[] BuiltInNames = ["name", "phone", "email", "tags"];

    /// <summary>
    /// Problems keyed "columns[i]" (0-based), "mapping" (whole-mapping rules) or "region"; empty when the mapping can run.
    /// A phone column mapped only as "Phone (additional)" is allowed: for a new contact the first of its phones becomes primary,
    /// and a matched contact keeps its primary and gains the number (that is what the merge does with additional phones).
    /// </summary>
    public static Dictionary<string, string[]> Validate(ImportMapping mapping, int columnCount, IReadOnlyList<FieldDefinition> fields)
    {
        var errors = new Dictionary<string, List<string>>();
        void Add(string key, string message)
        {
            if (!errors.TryGetValue(key, out var list))
            {
                errors[key] = list = [];
            }

            list.Add(message);
        }

        if (mapping.Columns.Count != columnCount)
        {
            Add("mapping", $"The mapping has {mapping.Columns.Count} column targets but the file has {columnCount} columns; choose one target (or Don't import) for every column.");
        }

        var firstColumnOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var identifierMapped = false;
        for (var i = 0; i < mapping.Columns.Count; i++)
        {
            var key = $"columns[{i}]";
            var target = mapping.Columns[i];
            if (target is null || !Enum.IsDefined(target.Kind))
            {
                Add(key, "Choose a target for this column, or Don't import.");
                continue;
            }

            if (target.Kind == TargetKind.CustomField)
            {
                if (string.IsNullOrWhiteSpace(target.FieldKey))
                {
                    Add(key, "Choose which custom field this column is imported into, or Don't import.");
                    continue;
                }

                if (!fields.Any(f => f.Key == target.FieldKey))
                {
                    Add(key, $"Custom field '{target.FieldKey}' does not exist, and imports never create fields: create it in Settings → Contact fields first, then re-run the import (or choose Don't import for this column).");
                    continue;
                }
            }
            else if (target.FieldKey is not null)
            {
                Add(key, $"Only a custom field target takes a field key; use \"{target with { FieldKey = null }}\" or \"field:{target.FieldKey}\".");
                continue;
            }

            identifierMapped |= target.Kind is TargetKind.PrimaryPhone or TargetKind.AdditionalPhone or TargetKind.Email;

            // One column per single-valued target: two would fight over the same value.
            if (SingleUseSlot(target, combineNames: true) is { } slot)
            {
                if (firstColumnOf.TryGetValue(slot, out var first))
                {
                    var label = target.Label(fields);
                    Add(key, $"Only one column can be {label}, and column {first + 1} already is; choose another target for column {i + 1}, or Don't import.");
                }
                else
                {
                    firstColumnOf[slot] = i;
                }
            }
        }

        foreach (var (separator, index) in (mapping.Separators ?? []).Select((sep, i) => (sep, i)))
        {
            if (string.IsNullOrEmpty(separator))
            {
                continue;
            }

            if (!Sources.MultiValues.Separators.Contains(separator))
            {
                Add($"separators[{index}]", $"'{separator}' is not a separator; use ',', ';', '|' or ' ::: ' (or leave it out to split on commas).");
            }
            else if (index >= mapping.Columns.Count || mapping.Columns[index]?.Kind != TargetKind.Tags)
            {
                Add($"separators[{index}]", $"Only a Tags column takes a separator; column {index + 1} is not mapped to Tags (leave its separator out).");
            }
        }

        if (!identifierMapped)
        {
            Add("mapping", "Map at least one column to Phone (primary), Phone (additional) or Email: phone or email is how contacts are matched.");
        }

        if (string.IsNullOrWhiteSpace(mapping.Region))
        {
            Add("region", "Choose the import's default region (e.g. US, GB, DE): phone numbers written without a country code are read in it.");
        }
        else if (!Phones.IsKnownRegion(mapping.Region.Trim()))
        {
            Add("region", $"'{mapping.Region}' is not a known region; use a two-letter country code such as US, GB or DE (phone numbers written without a country code are read in it).");
        }

        return errors.ToDictionary(pair => pair.Key, pair => pair.Value.ToArray());
    }

    /// <summary>Suggests a target per column from its header and sample values (see <see cref="SuggestWithNotes"/>).</summary>
    public static IReadOnlyList<ColumnTarget> Suggest(
        IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> samples, bool hasHeader, IReadOnlyList<FieldDefinition> fields) =>
        SuggestWithNotes(headers, samples, hasHeader, fields).Select(s => s.Target).ToList();

    /// <summary>
    /// Suggests a target per column, with a note where the user should know why (an opt-in column that is not imported,
    /// a second Email column, a guess from samples or a close spelling). Evidence, strongest first: an exact name
    /// (Name, Phone, Email, Tags, a custom field's key or label), a synonym ("Mobile", "E-mail", "Full name", "Labels", Google
    /// and Outlook export headers), a phone or email word anywhere in the header, a close spelling, then (or, without a
    /// header, only) the sample values. Weaker evidence must agree with the samples: an email column never becomes a number field.
    /// Name, Email and each custom field go to the strongest column only (ties: the leftmost); the first phone column becomes
    /// Phone (primary) unless a later one says "primary", and the others Phone (additional).
    /// </summary>
    public static IReadOnlyList<ColumnSuggestion> SuggestWithNotes(
        IReadOnlyList<string> headers, IReadOnlyList<IReadOnlyList<string>> samples, bool hasHeader, IReadOnlyList<FieldDefinition> fields)
    {
        var count = Math.Max(headers.Count, samples.Count);
        var columns = new List<ColumnPlan>(count);
        for (var i = 0; i < count; i++)
        {
            var header = hasHeader && i < headers.Count ? headers[i] ?? "" : "";
            var columnSamples = i < samples.Count ? samples[i] ?? [] : [];
            columns.Add(Plan(i, header, columnSamples, fields));
        }

        // Strongest evidence first, so "Full name" beats "First name" and an exact "Email" beats "E-mail 2" wherever they stand.
        var assigned = new Candidate?[count];
        var owners = new Dictionary<string, int>(StringComparer.Ordinal);
        var conflicts = new string?[count];
        foreach (var (column, candidate) in columns
            .SelectMany(c => c.Candidates.Select(candidate => (c.Index, candidate)))
            .OrderBy(pair => pair.candidate.Strength)
            .ThenBy(pair => pair.Index))
        {
            if (assigned[column] is not null)
            {
                continue;
            }

            // Phone candidates all say PrimaryPhone here; which one is primary is decided below, the rest become additional.
            if (candidate.Target.Kind != TargetKind.PrimaryPhone && SingleUseSlot(candidate.Target) is { } slot)
            {
                if (owners.TryGetValue(slot, out var owner))
                {
                    conflicts[column] ??= $"Only one column can be {candidate.Target.Label(fields)}; '{Display(columns[owner].Header, owner)}' is suggested for it, so this column is not imported unless you choose another target.";
                    continue;
                }

                owners[slot] = column;
            }

            assigned[column] = candidate;
        }

        var primary = columns
            .Where(c => assigned[c.Index]?.Target.Kind == TargetKind.PrimaryPhone)
            .OrderBy(c => assigned[c.Index]!.PhoneRank)
            .ThenBy(c => c.Index)
            .Select(c => (int?)c.Index)
            .FirstOrDefault();
        var nameColumn = owners.TryGetValue("name", out var n) ? n : (int?)null;

        var result = new List<ColumnSuggestion>(count);
        foreach (var column in columns)
        {
            if (assigned[column.Index] is not { } chosen)
            {
                result.Add(new(ColumnTarget.Ignore, column.IgnoreNote ?? conflicts[column.Index] ?? LastNameNote(column, nameColumn, columns)));
                continue;
            }

            var target = chosen.Target.Kind == TargetKind.PrimaryPhone && column.Index != primary ? ColumnTarget.AdditionalPhone : chosen.Target;
            result.Add(new(target, chosen.Note));
        }

        return result;
    }

    /// <summary>
    /// The key a confirmed mapping is remembered under: the headers in order, each trimmed, lower-cased and with inner runs of
    /// spaces collapsed, hashed with SHA-256 (hex). Same headers → same key; a different order or count → a different key.
    /// </summary>
    public static string HeaderSetKey(IReadOnlyList<string> headers)
    {
        var text = new StringBuilder("veloconnect-headers-v1\n");
        foreach (var header in headers)
        {
            var normalized = string.Join(' ', (header ?? "").Normalize(NormalizationForm.FormC).Trim('\uFEFF')
                .Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)).ToLowerInvariant();

            // Length-prefixed, so no header text can imitate a boundary between two headers.
            text.Append(normalized.Length).Append(':').Append(normalized).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    // Name is single-use for suggestions (the strongest column wins); a confirmed mapping may combine several columns into it.
    private static string? SingleUseSlot(ColumnTarget target, bool combineNames = false) => target.Kind switch
    {
        TargetKind.Name => combineNames ? null : "name",
        TargetKind.PrimaryPhone => "phone",
        TargetKind.Email => "email",
        TargetKind.CustomField => "field:" + target.FieldKey,
        _ => null,
    };

    private static string Display(string header, int index) => string.IsNullOrWhiteSpace(header) ? $"Column {index + 1}" : header.Trim();

    private sealed record Candidate(ColumnTarget Target, int Strength, int PhoneRank = 1, string? Note = null);

    private sealed record ColumnPlan(int Index, string Header, HeaderWords Words, IReadOnlyList<Candidate> Candidates, string? IgnoreNote);

    private static ColumnPlan Plan(int index, string header, IReadOnlyList<string> samples, IReadOnlyList<FieldDefinition> fields)
    {
        var words = HeaderWords.Of(header);
        var candidates = new List<Candidate>();
        if (words.Compact.Length > 0)
        {
            // A field the workspace created under this very name is a deliberate choice; it wins over any guess
            // (but not over the built-in names themselves).
            foreach (var field in fields.Where(f => !BuiltInNames.Contains(words.Compact) && NamesField(words, f)))
            {
                candidates.Add(new(ColumnTarget.Field(field.Key), Exact));
            }

            if (candidates.Count == 0 && (MappingVocabulary.LooksLikeOptIn(words) || MappingVocabulary.SamplesLookLikeOptIn(samples)))
            {
                return new(index, header, words, [], OptInNote);
            }

            if (candidates.Count == 0 && MappingVocabulary.SystemColumns.Contains(words.Compact))
            {
                return new(index, header, words, [], $"'{header.Trim()}' is set by VeloConnect itself (an export writes it), so it is not imported.");
            }

            AddHeaderCandidates(words, samples, fields, candidates);
        }

        if (candidates.Count == 0)
        {
            if (words.Compact.Length == 0 && MappingVocabulary.SamplesLookLikeOptIn(samples))
            {
                return new(index, header, words, [], OptInNote);
            }

            AddSampleCandidates(words.Compact.Length == 0, samples, candidates);
        }

        return new(index, header, words, candidates, null);
    }

    private const string OptInNote =
        "This looks like an opt-in (consent) column. Imports never change opt-in flags, so it is not imported; set them deliberately through the opt-in settings.";

    private static void AddHeaderCandidates(HeaderWords words, IReadOnlyList<string> samples, IReadOnlyList<FieldDefinition> fields, List<Candidate> candidates)
    {
        var compact = words.Compact;
        var additional = PrefersAdditional(words) ? 2 : PrefersPrimary(words) ? 0 : 1;

        // Exact built-in names: the header says it; samples do not overrule it (the review step shows bad values).
        switch (compact)
        {
            case "name":
                candidates.Add(new(ColumnTarget.Name, Exact));
                return;
            case "phone":
                candidates.Add(new(ColumnTarget.PrimaryPhone, Exact, additional));
                return;
            case "email":
                candidates.Add(new(ColumnTarget.Email, Exact));
                return;
            case "tags":
                candidates.Add(new(ColumnTarget.Tags, Exact));
                return;
        }

        void AddIf(ColumnTarget target, int strength, bool strict, int phoneRank = 1, string? note = null)
        {
            if (Compatible(target, samples, fields, strict))
            {
                candidates.Add(new(target, strength, phoneRank, note));
            }
        }

        if (MappingVocabulary.NameSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.Name, Synonym, strict: false);
        }

        if (MappingVocabulary.FirstNameSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.Name, FirstName, strict: false, note: "Imported as the contact's name (the file has no full-name column).");
        }

        if (MappingVocabulary.PhoneSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.PrimaryPhone, Synonym, strict: false, additional);
        }

        if (MappingVocabulary.AdditionalPhoneSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.PrimaryPhone, Synonym, strict: false, phoneRank: 2);
        }

        if (MappingVocabulary.EmailSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.Email, Synonym, strict: false);
        }

        if (MappingVocabulary.TagsSynonyms.Contains(compact))
        {
            AddIf(ColumnTarget.Tags, Synonym, strict: false);
        }

        // "Phone 1 - Type", "Email verified": about a phone or email, not one; an empty sample column cannot tell them apart.
        if (words.Tokens.Any(MappingVocabulary.QualifierWords.Contains))
        {
            return;
        }

        if (words.Tokens.Any(MappingVocabulary.PhoneWords.Contains))
        {
            AddIf(ColumnTarget.PrimaryPhone, Keyword, strict: true, additional);
        }

        if (words.Tokens.Any(MappingVocabulary.EmailWords.Contains) || compact.Contains("email", StringComparison.Ordinal))
        {
            AddIf(ColumnTarget.Email, Keyword, strict: true);
        }

        if (compact.Length < FuzzyMinLength)
        {
            return;
        }

        // Close spellings ("Emial", "Phone nubmer"), only where every sample fits the target.
        var fuzzy = new List<(ColumnTarget Target, double Score, int PhoneRank)>();
        foreach (var (spelling, target, rank) in BuiltInSpellings())
        {
            if (spelling.Length >= FuzzyMinLength && MappingVocabulary.Similarity(compact, spelling) is var score && score >= FuzzyThreshold)
            {
                fuzzy.Add((target, score, rank == 2 ? 2 : additional));
            }
        }

        foreach (var field in fields)
        {
            var score = Math.Max(
                MappingVocabulary.Similarity(compact, HeaderWords.Of(field.Key).Compact),
                MappingVocabulary.Similarity(compact, HeaderWords.Of(field.Label).Compact));
            if (score >= FuzzyThreshold)
            {
                fuzzy.Add((ColumnTarget.Field(field.Key), score, 1));
            }
        }

        foreach (var (target, score, rank) in fuzzy.OrderByDescending(f => f.Score))
        {
            AddIf(target, Fuzzy + (int)Math.Round((1 - score) * 10), strict: true, rank,
                $"Suggested because the header is spelled like {target.Label(fields)}; check it.");
        }
    }

    private static void AddSampleCandidates(bool headerless, IReadOnlyList<string> samples, List<Candidate> candidates)
    {
        // Without a header the samples are all there is; with an unrecognised header only unmistakable values count
        // (a column of bare digits may be an id, not a phone).
        const string note = "Suggested from the sample values; check it.";
        if (headerless
            ? MappingVocabulary.MostlyFit(samples, MappingVocabulary.IsEmailLike)
            : MappingVocabulary.MostlyFit(samples, _ => true) && MappingVocabulary.AllFit(samples, MappingVocabulary.IsEmailLike))
        {
            candidates.Add(new(ColumnTarget.Email, FromSamples, Note: note));
        }
        else if (headerless
            ? MappingVocabulary.MostlyFit(samples, MappingVocabulary.IsPhoneLike)
            : MappingVocabulary.MostlyFit(samples, _ => true) && MappingVocabulary.AllFit(samples, MappingVocabulary.IsFormattedPhone))
        {
            candidates.Add(new(ColumnTarget.PrimaryPhone, FromSamples, Note: note));
        }
    }

    private static IEnumerable<(string Spelling, ColumnTarget Target, int PhoneRank)> BuiltInSpellings()
    {
        yield return ("name", ColumnTarget.Name, 1);
        yield return ("phone", ColumnTarget.PrimaryPhone, 1);
        yield return ("email", ColumnTarget.Email, 1);
        yield return ("tags", ColumnTarget.Tags, 1);
        foreach (var s in MappingVocabulary.NameSynonyms)
        {
            yield return (s, ColumnTarget.Name, 1);
        }

        foreach (var s in MappingVocabulary.PhoneSynonyms)
        {
            yield return (s, ColumnTarget.PrimaryPhone, 1);
        }

        foreach (var s in MappingVocabulary.AdditionalPhoneSynonyms)
        {
            yield return (s, ColumnTarget.PrimaryPhone, 2);
        }

        foreach (var s in MappingVocabulary.EmailSynonyms)
        {
            yield return (s, ColumnTarget.Email, 1);
        }

        foreach (var s in MappingVocabulary.TagsSynonyms)
        {
            yield return (s, ColumnTarget.Tags, 1);
        }
    }

    private static bool Compatible(ColumnTarget target, IReadOnlyList<string> samples, IReadOnlyList<FieldDefinition> fields, bool strict)
    {
        Func<string, bool> fits = target.Kind switch
        {
            TargetKind.PrimaryPhone or TargetKind.AdditionalPhone => MappingVocabulary.IsPhoneLike,
            TargetKind.Email => MappingVocabulary.IsEmailLike,
            TargetKind.Name => s => !MappingVocabulary.IsEmailLike(s) && !MappingVocabulary.IsPhoneLike(s) && !MappingVocabulary.IsNumber(s),
            TargetKind.Tags => s => !MappingVocabulary.IsEmailLike(s) && !MappingVocabulary.IsPhoneLike(s),
            TargetKind.CustomField => fields.FirstOrDefault(f => f.Key == target.FieldKey) is { } field
                ? s => FieldValues.TryParseText(field, s, out _, out _)
                : _ => false,
            _ => _ => true,
        };

        return !samples.Any(s => !string.IsNullOrWhiteSpace(s))
            || (strict ? MappingVocabulary.AllFit(samples, fits) : MappingVocabulary.MostlyFit(samples, fits));
    }

    private static bool NamesField(HeaderWords header, FieldDefinition field)
    {
        var key = HeaderWords.Of(field.Key).Compact;
        var label = HeaderWords.Of(field.Label).Compact;
        if (header.Compact == key || header.Compact == label)
        {
            return true;
        }

        // Exports may prefix custom columns ("custom.loyalty_tier", "field:loyalty_tier").
        return header.Tokens.Count > 1 && CustomFieldPrefixes.Any(p =>
            header.Compact.StartsWith(p, StringComparison.Ordinal) && header.Compact[p.Length..] is var rest && (rest == key || rest == label));
    }

    private static bool PrefersAdditional(HeaderWords words) =>
        MappingVocabulary.AdditionalPhoneSynonyms.Contains(words.Compact)
        || words.Tokens.Any(MappingVocabulary.AdditionalWords.Contains)
        || words.Tokens.Any(t => int.TryParse(t, out var n) && n >= 2);

    private static bool PrefersPrimary(HeaderWords words) => words.Has("primary") || words.Has("main");

    private static string? LastNameNote(ColumnPlan column, int? nameColumn, List<ColumnPlan> columns)
    {
        if (!MappingVocabulary.LastNameHeaders.Contains(column.Words.Compact))
        {
            return null;
        }

        var name = nameColumn is { } i ? $"'{Display(columns[i].Header, i)}' is suggested as Name" : "no column is suggested as Name";
        return $"A contact has one name and {name}, so this column is not imported. To keep it, combine the name columns into one before importing, or create a custom field for it in Settings → Contact fields.";
    }
}
