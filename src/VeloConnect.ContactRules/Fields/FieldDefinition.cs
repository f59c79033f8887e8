using System.Text.RegularExpressions;

namespace VeloConnect.ContactRules.Fields;

public enum FieldType
{
    Text,
    Number,
    Date,
    Boolean,
    SingleSelect,
    MultiSelect,
}

/// <summary>A custom contact field (Settings → Contact fields). Imports never create one.</summary>
public sealed partial record FieldDefinition(string Key, string Label, FieldType Type, IReadOnlyList<string> Options)
{
    public const int MaxOptions = 500;

    public bool IsSelect => Type is FieldType.SingleSelect or FieldType.MultiSelect;

    /// <summary>Validates a definition; returns the problems keyed by property name (empty when valid).</summary>
    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (!KeyPattern().IsMatch(Key))
        {
            errors["key"] = ["Key must start with a lower-case letter and contain only a-z, 0-9 and '_' (at most 63 characters), e.g. 'loyalty_tier'."];
        }
        else if (ReservedKeys.Contains(Key))
        {
            errors["key"] = [$"'{Key}' is a built-in field; choose another key."];
        }

        if (string.IsNullOrWhiteSpace(Label) || Label.Length > 100)
        {
            errors["label"] = ["Label is required (at most 100 characters)."];
        }

        if (IsSelect)
        {
            var distinct = Options.Select(o => o.Trim()).Where(o => o.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase).Count();
            if (Options.Count == 0)
            {
                errors["options"] = ["A select field needs at least one option."];
            }
            else if (distinct != Options.Count || Options.Any(o => o.Contains(',') || o.Length > 100 || o != o.Trim()))
            {
                // Values are trimmed before they are matched, so an option with surrounding spaces could never be chosen.
                errors["options"] = ["Options must be distinct, non-blank, without leading or trailing spaces, at most 100 characters, and contain no comma (commas separate multi-select values in CSV)."];
            }
            else if (Options.Count > MaxOptions)
            {
                errors["options"] = [$"At most {MaxOptions} options."];
            }
        }
        else if (Options.Count > 0)
        {
            errors["options"] = ["Only single-select and multi-select fields have options."];
        }

        return errors;
    }

    /// <summary>Keys of built-in fields and export columns, which a custom field may not take.</summary>
    public static readonly IReadOnlySet<string> ReservedKeys = new HashSet<string>(StringComparer.Ordinal)
    {
        "id", "name", "phone", "phones", "email", "tags", "source", "assigned_agent", "created_at", "last_activity_at",
    };

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[a-z][a-z0-9_]{0,62}\z")]
    private static partial Regex KeyPattern();
}
