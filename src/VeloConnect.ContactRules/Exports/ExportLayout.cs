using System.Globalization;
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
    public static IEnumerable<string> Cells(IReadOnlyList<ExportColumn> columns, ExportContact contact)
    {
        foreach (var column in columns)
        {
            yield return SpreadsheetCells.Neutralise(Cell(column, contact));
        }
    }

    public static string OptInHeader(Channel channel) => channel switch
    {
        Channel.WhatsApp => "WhatsApp opt-in",
        Channel.Sms => "SMS opt-in",
        _ => "Email opt-in",
    };

    /// <summary>Times in UTC, to the second, in the ISO 8601 form spreadsheets recognise.</summary>
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static string? Cell(ExportColumn column, ExportContact contact)
    {
        var data = contact.Data;
        return column.Kind switch
        {
            ExportColumnKind.Name => data.Name,
            ExportColumnKind.Phone => data.PrimaryPhone,
            ExportColumnKind.AdditionalPhones => string.Join(", ", data.Phones.Skip(1)),
            ExportColumnKind.Email => data.Email,
            ExportColumnKind.Tags => string.Join(", ", data.Tags),
            ExportColumnKind.CustomField => data.Custom.TryGetValue(column.Field!.Key, out var value) ? FieldValues.ToCell(value) : null,
            ExportColumnKind.Created => Time(contact.CreatedAt),
            ExportColumnKind.LastActivity => Time(contact.LastActivityAt),
            ExportColumnKind.Source => contact.Source,
            ExportColumnKind.AssignedAgent => contact.AssignedAgentName,
            ExportColumnKind.OptIn => OptIns.Name(contact.OptIn(column.Channel!.Value).Status),
            _ => null,
        };
    }

    private static string Compact(string header) => HeaderWords.Of(header).Compact;
}
