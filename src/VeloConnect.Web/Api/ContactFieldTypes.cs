namespace VeloConnect.Web.Api;

// A custom contact field is the generated client's FieldResponse (GET /api/fields), its body FieldRequest.

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
