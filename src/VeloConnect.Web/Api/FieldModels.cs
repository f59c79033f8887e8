namespace VeloConnect.Web.Api;

/// <summary>A custom contact field as GET /api/fields lists it (settings, the contact filters, the mapping dropdown).</summary>
public sealed record ContactFieldDefinition(string Key, string Label, string Type, IReadOnlyList<string> Options)
{
    public bool IsSelect => ContactFieldTypes.IsSelect(Type);
}

/// <summary>The body of POST /api/fields and PUT /api/fields/{key} (null members are left as they are on PUT).</summary>
public sealed record ContactFieldRequest(string? Key, string? Label, string? Type, IReadOnlyList<string>? Options);

public sealed record ContactFieldDeleted(string Key, int ContactsCleared);

/// <summary>The field types the API accepts, with the names a user reads.</summary>
public static class ContactFieldTypes
{
    public static readonly IReadOnlyList<(string Value, string Label)> All =
    [
        ("text", "Text"),
        ("number", "Number"),
        ("date", "Date"),
        ("boolean", "Yes / no"),
        ("single_select", "Single select"),
        ("multi_select", "Multi select"),
    ];

    public static bool IsSelect(string? type) => type is "single_select" or "multi_select";

    public static string LabelOf(string type) => All.FirstOrDefault(t => t.Value == type).Label ?? type;
}
