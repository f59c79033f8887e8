using System.Text.Json;
using System.Text.Json.Serialization;
using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Imports;

/// <summary>
/// What a CSV column can be imported as. Opt-in flags are deliberately absent: imports never touch them.
/// </summary>
public enum TargetKind
{
    Ignore,
    Name,
    PrimaryPhone,
    AdditionalPhone,
    Email,
    Tags,
    CustomField,
}

/// <summary>The target of one column; <see cref="FieldKey"/> is set for <see cref="TargetKind.CustomField"/> only. In JSON it is its API spelling (<see cref="ToString"/>).</summary>
[JsonConverter(typeof(ColumnTargetJsonConverter))]
public sealed record ColumnTarget(TargetKind Kind, string? FieldKey = null)
{
    public static readonly ColumnTarget Ignore = new(TargetKind.Ignore);
    public static readonly ColumnTarget Name = new(TargetKind.Name);
    public static readonly ColumnTarget PrimaryPhone = new(TargetKind.PrimaryPhone);
    public static readonly ColumnTarget AdditionalPhone = new(TargetKind.AdditionalPhone);
    public static readonly ColumnTarget Email = new(TargetKind.Email);
    public static readonly ColumnTarget Tags = new(TargetKind.Tags);

    private const string FieldPrefix = "field:";

    public static ColumnTarget Field(string key) => new(TargetKind.CustomField, key);

    /// <summary>API/JSON spelling: "ignore", "name", "phone", "phone_additional", "email", "tags", "field:&lt;key&gt;".</summary>
    public override string ToString() => Kind switch
    {
        TargetKind.Name => "name",
        TargetKind.PrimaryPhone => "phone",
        TargetKind.AdditionalPhone => "phone_additional",
        TargetKind.Email => "email",
        TargetKind.Tags => "tags",
        TargetKind.CustomField => FieldPrefix + FieldKey,
        _ => "ignore",
    };

    /// <summary>Reads the API/JSON spelling (case-insensitive, surrounding spaces ignored). Whether a field exists is checked by <see cref="MappingRules.Validate"/>.</summary>
    public static bool TryParse(string? text, out ColumnTarget target)
    {
        target = Ignore;
        var trimmed = text?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return false;
        }

        if (trimmed.StartsWith(FieldPrefix, StringComparison.OrdinalIgnoreCase))
        {
            // Field keys are case-sensitive (lower-case by rule), so the key is kept as written.
            var key = trimmed[FieldPrefix.Length..].Trim();
            if (key.Length == 0)
            {
                return false;
            }

            target = Field(key);
            return true;
        }

        ColumnTarget? parsed = trimmed.ToLowerInvariant() switch
        {
            "ignore" => Ignore,
            "name" => Name,
            "phone" => PrimaryPhone,
            "phone_additional" => AdditionalPhone,
            "email" => Email,
            "tags" => Tags,
            _ => null,
        };
        if (parsed is null)
        {
            return false;
        }

        target = parsed;
        return true;
    }

    /// <summary>For the UI: "Name", "Phone (primary)", "Phone (additional)", "Email", "Tags", the field's label, "Don't import".</summary>
    public string Label(IReadOnlyList<FieldDefinition> fields) => Kind switch
    {
        TargetKind.Name => "Name",
        TargetKind.PrimaryPhone => "Phone (primary)",
        TargetKind.AdditionalPhone => "Phone (additional)",
        TargetKind.Email => "Email",
        TargetKind.Tags => "Tags",
        TargetKind.CustomField => fields.FirstOrDefault(f => f.Key == FieldKey)?.Label ?? $"Unknown field '{FieldKey}'",
        _ => "Don't import",
    };
}

/// <summary>
/// A confirmed mapping: one target per column, whether the first row is a header, and the region for phones written without
/// a country code. Stored as JSON as it is (the targets in their API spelling); <see cref="HasHeader"/> is not stored with it:
/// it is the analysis's flag (<see cref="SniffResult.HasHeader"/>), which the store puts back when it loads the mapping.
/// Several columns mapped to Name are combined in column order (joined with a space, blanks skipped).
/// </summary>
public sealed record ImportMapping(IReadOnlyList<ColumnTarget> Columns, [property: JsonIgnore] bool HasHeader, string Region)
{
    /// <summary>
    /// Per column (same index as <see cref="Columns"/>), the separator of a Tags column's values (one of
    /// <see cref="Sources.MultiValues.Separators"/>); Google's own groups ("* myContacts") are then left out. Null (the list or
    /// a column's entry): split on commas and ":::", keeping every value, as before separators were chosen.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string?>? Separators { get; init; }

    /// <summary>
    /// What a row with a bad phone or email but another valid one becomes: imported by its valid identifiers, each bad value
    /// a warning on the row (<see cref="BadIdentifierPolicy.Import"/>, the default, not written in the JSON), or invalid as a
    /// whole (<see cref="BadIdentifierPolicy.Invalid"/>). A row with no valid phone or email is invalid either way.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    [JsonConverter(typeof(BadIdentifierPolicyJsonConverter))]
    public BadIdentifierPolicy BadIdentifier { get; init; }

    /// <summary>
    /// Per column, a date column's format (one of <see cref="Sources.LocaleDates.Formats"/>, or <see cref="Sources.LocaleDates.ExcelSerial"/>),
    /// chosen or detected over the whole column when the mapping was confirmed. Null: ISO dates only, as before formats were chosen.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string?>? DateFormats { get; init; }

    /// <summary>Per column, a number column's decimal separator ("." or ","); null: a dot, as before separators were chosen.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string?>? DecimalSeparators { get; init; }

    /// <summary>
    /// Per column, a select column's values that match no option, each mapped to an option or to null (the field is left blank
    /// for that row). Keys are matched case- and accent-insensitively.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<IReadOnlyDictionary<string, string?>?>? ValueMaps { get; init; }

    /// <summary>The sheet the file was read from when the mapping was confirmed (a spreadsheet), remembered for the next file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Sheet { get; init; }

    /// <summary>The row the header was on when the mapping was confirmed (above 1 only), remembered for the next file.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? HeaderRow { get; init; }

    /// <summary>The date format of column <paramref name="index"/>, or null.</summary>
    public string? DateFormatOf(int index) => At(DateFormats, index);

    /// <summary>The decimal separator of column <paramref name="index"/>: ',' when chosen, else '.'.</summary>
    public char DecimalSeparatorOf(int index) => At(DecimalSeparators, index) == "," ? ',' : '.';

    /// <summary>The value map of column <paramref name="index"/>, or null.</summary>
    public IReadOnlyDictionary<string, string?>? ValueMapOf(int index) => ValueMaps is { } m && index < m.Count ? m[index] : null;

    private static string? At(IReadOnlyList<string?>? list, int index) => list is { } l && index < l.Count && !string.IsNullOrEmpty(l[index]) ? l[index] : null;

    /// <summary>The separator chosen for column <paramref name="index"/>, or null.</summary>
    public string? SeparatorOf(int index) => Separators is { } s && index < s.Count && !string.IsNullOrEmpty(s[index]) ? s[index] : null;
}

/// <summary>What a row with one bad identifier (a phone or email that is not valid, with another that is) becomes.</summary>
public enum BadIdentifierPolicy
{
    /// <summary>Imported by its valid phones and email; each bad value is a warning on the row. API spelling "import".</summary>
    Import,

    /// <summary>Invalid as a whole, with each bad value among its reasons (the behaviour before the choice existed). API spelling "invalid".</summary>
    Invalid,
}

/// <summary>The API spellings of <see cref="BadIdentifierPolicy"/>.</summary>
public static class BadIdentifierPolicies
{
    public const string Import = "import";
    public const string Invalid = "invalid";

    public static string ToText(this BadIdentifierPolicy policy) => policy == BadIdentifierPolicy.Invalid ? Invalid : Import;

    /// <summary>Reads "import" or "invalid" (case-insensitive, surrounding spaces ignored).</summary>
    public static bool TryParse(string? text, out BadIdentifierPolicy policy)
    {
        policy = BadIdentifierPolicy.Import;
        switch (text?.Trim().ToLowerInvariant())
        {
            case Import:
                return true;
            case Invalid:
                policy = BadIdentifierPolicy.Invalid;
                return true;
            default:
                return false;
        }
    }
}

/// <summary>A <see cref="BadIdentifierPolicy"/> as its API spelling; a spelling no longer known reads as the default.</summary>
public sealed class BadIdentifierPolicyJsonConverter : JsonConverter<BadIdentifierPolicy>
{
    public override BadIdentifierPolicy Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        BadIdentifierPolicies.TryParse(reader.GetString(), out var policy) ? policy : BadIdentifierPolicy.Import;

    public override void Write(Utf8JsonWriter writer, BadIdentifierPolicy value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToText());
}

/// <summary>
/// A proposed mapping (remembered or suggested) and what the user should be told: the known source the file looks like
/// ("Outlook") with its message ("Looks like an Outlook export: …"), and notes such as values that will be left out.
/// </summary>
public sealed record MappingProposal(ImportMapping Mapping, string? KnownSource, string? KnownSourceMessage, IReadOnlyList<string> Notes);

/// <summary>A target as its API spelling ("name", "phone", "field:tier", …); a spelling no longer known reads as Don't import.</summary>
public sealed class ColumnTargetJsonConverter : JsonConverter<ColumnTarget>
{
    public override ColumnTarget Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        ColumnTarget.TryParse(reader.GetString(), out var target) ? target : ColumnTarget.Ignore;

    public override void Write(Utf8JsonWriter writer, ColumnTarget value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>A suggested target for one column and, when useful, why (e.g. an opt-in column that is not imported).</summary>
public sealed record ColumnSuggestion(ColumnTarget Target, string? Note = null);
