using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;
using VeloConnect.ContactRules.Imports;

namespace VeloConnect.ContactRules.Exports;

public enum ExportColumnKind
{
    Name,
    Phone,
    AdditionalPhones,
    Email,
    Tags,
    CustomField,
    Created,
    LastActivity,
    Source,
    AssignedAgent,
    OptIn,
}

public sealed record ExportColumn(string Header, ExportColumnKind Kind, FieldDefinition? Field = null, Channel? Channel = null);

/// <summary>
/// The CSV export's columns. Headers are the ones the import wizard suggests back to the right target (Name, Phone,
/// Additional phones, Email, Tags, each custom field by its label) or to Don't import (the audit fields, which VeloConnect
/// sets itself, and the opt-ins, which imports never touch), so an export re-imports with the suggested mapping.
/// </summary>
public static class ExportLayout
{
    private static readonly (string Header, ExportColumnKind Kind)[] Leading =
    [
        ("Name", ExportColumnKind.Name),
        ("Phone", ExportColumnKind.Phone),
        ("Additional phones", ExportColumnKind.AdditionalPhones),
        ("Email", ExportColumnKind.Email),
        ("Tags", ExportColumnKind.Tags),
    ];

    private static readonly (string Header, ExportColumnKind Kind)[] Trailing =
    [
        ("Created", ExportColumnKind.Created),
        ("Last activity", ExportColumnKind.LastActivity),
        ("Source", ExportColumnKind.Source),
        ("Assigned agent", ExportColumnKind.AssignedAgent),
    ];

    /// <summary>The columns for a workspace's fields, given in their display order (Settings → Contact fields).</summary>
    public static IReadOnlyList<ExportColumn> Columns(IReadOnlyList<FieldDefinition> fields)
    {
        var columns = new List<ExportColumn>();
        columns.AddRange(Leading.Select(c => new ExportColumn(c.Header, c.Kind)));
        var taken = new HashSet<string>(
            Leading.Concat(Trailing).Select(c => Compact(c.Header)).Concat(OptIns.Channels.Select(c => Compact(OptInHeader(c)))),
            StringComparer.Ordinal);
        var labels = fields.GroupBy(f => Compact(f.Label), StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        foreach (var field in fields)
        {
            // The label is what the wizard matches; one that another column already answers to (or that two fields
            // share) would be mapped to the wrong target, so that field is written by key, which the wizard also reads.
            var label = Compact(field.Label);
            var byLabel = label.Length > 0 && !taken.Contains(label) && labels[label] == 1 && !fields.Any(f => f != field && Compact(f.Key) == label);
            columns.Add(new ExportColumn(byLabel ? field.Label.Trim() : "field:" + field.Key, ExportColumnKind.CustomField, field));
        }

        columns.AddRange(Trailing.Select(c => new ExportColumn(c.Header, c.Kind)));
        columns.AddRange(OptIns.Channels.Select(c => new ExportColumn(OptInHeader(c), ExportColumnKind.OptIn, Channel: c)));
        return columns;
    }

    /// <summary>One contact's cells in column order, neutralised for spreadsheets; multi-values joined with ", ".</summary>
    public static IReadOnlyList<string> Cells(IReadOnlyList<ExportColumn> columns, ExportContact contact)
    {
        var cells = new Texts();
        WriteCells(columns, contact, cells);
        return cells.Values;
    }

    /// <summary>One contact's cells in column order into <paramref name="cells"/> (not yet neutralised); multi-values joined with ", ".</summary>
    public static void WriteCells(IReadOnlyList<ExportColumn> columns, ExportContact contact, ExportCells cells)
    {
        var data = contact.Data;
        foreach (var column in columns)
        {
            switch (column.Kind)
            {
                case ExportColumnKind.Name:
                    cells.Cell(data.Name);
                    break;
                case ExportColumnKind.Phone:
                    cells.Cell(data.PrimaryPhone);
                    break;
                case ExportColumnKind.AdditionalPhones:
                    cells.Joined(data.Phones, skip: 1);
                    break;
                case ExportColumnKind.Email:
                    cells.Cell(data.Email);
                    break;
                case ExportColumnKind.Tags:
                    cells.Joined(data.Tags);
                    break;
                case ExportColumnKind.CustomField:
                    cells.Cell(data.Custom.TryGetValue(column.Field!.Key, out var value) ? CustomCell(value) : default);
                    break;
                case ExportColumnKind.Created:
                    cells.Time(contact.CreatedAt);
                    break;
                case ExportColumnKind.LastActivity:
                    cells.Time(contact.LastActivityAt);
                    break;
                case ExportColumnKind.Source:
                    cells.Cell(contact.Source);
                    break;
                case ExportColumnKind.AssignedAgent:
                    cells.Cell(contact.AssignedAgentName);
                    break;
                case ExportColumnKind.OptIn:
                    cells.Cell(OptIns.Name(contact.OptIn(column.Channel!.Value).Status));
                    break;
                default:
                    cells.Cell(default);
                    break;
            }
        }
    }

    public static string OptInHeader(Channel channel) => channel switch
    {
        Channel.WhatsApp => "WhatsApp opt-in",
        Channel.Sms => "SMS opt-in",
        _ => "Email opt-in",
    };

    /// <summary>Times in UTC, to the second, in the ISO 8601 form spreadsheets recognise.</summary>
    public static string Time(DateTimeOffset time) => ExportCells.Format(time);

    /// <summary>
    /// A custom value's cell (<see cref="FieldValues.ToCell"/>) without parsing the common canonical forms: a string
    /// with nothing escaped is its text between the quotes, a number or boolean its JSON as it stands.
    /// </summary>
    private static ReadOnlySpan<char> CustomCell(string canonicalJson)
    {
        var json = canonicalJson.AsSpan();
        if (json.Length >= 2 && json[0] == '"' && json[^1] == '"' && !json[1..^1].ContainsAny('"', '\\'))
        {
            return json[1..^1];
        }

        return json.Length > 0 && (char.IsAsciiDigit(json[0]) || json[0] == '-' || json.SequenceEqual("true") || json.SequenceEqual("false"))
            ? json
            : FieldValues.ToCell(canonicalJson);
    }

    /// <summary>The cells as neutralised strings.</summary>
    private sealed class Texts : ExportCells
    {
        public List<string> Values { get; } = [];

        public override void Cell(ReadOnlySpan<char> value) => Values.Add(SpreadsheetCells.Neutralise(value.ToString()));
    }

    private static string Compact(string header) => HeaderWords.Of(header).Compact;
}
