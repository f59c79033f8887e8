using System.Text.Json;
using VeloConnect.ContactRules.Contacts;
using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Exports;

/// <summary>
/// The JSON export: one array of contact objects, written as they stream in. Arrays stay arrays (phones, tags,
/// multi-select values) and custom values keep their type (numbers, booleans, dates as "yyyy-MM-dd"); every field of
/// the workspace is present, null when the contact has no value, so every object has the same shape.
/// </summary>
public static class ExportJson
{
    public static void WriteContact(Utf8JsonWriter writer, ExportContact contact, IReadOnlyList<FieldDefinition> fields)
    {
        var data = contact.Data;
        writer.WriteStartObject();
        writer.WriteString("id", contact.Id);
        WriteNullable(writer, "name", data.Name);
        WriteNullable(writer, "phone", data.PrimaryPhone);
        WriteArray(writer, "additionalPhones", data.Phones.Skip(1));
        WriteNullable(writer, "email", data.Email);
        WriteArray(writer, "tags", data.Tags);

        writer.WriteStartObject("custom");
        foreach (var field in fields)
        {
            writer.WritePropertyName(field.Key);
            if (data.Custom.TryGetValue(field.Key, out var value))
            {
                writer.WriteRawValue(value, skipInputValidation: false);
            }
            else
            {
                writer.WriteNullValue();
            }
        }

        writer.WriteEndObject();
        writer.WriteString("createdAt", contact.CreatedAt.ToUniversalTime());
        writer.WriteString("lastActivityAt", contact.LastActivityAt.ToUniversalTime());
        writer.WriteString("source", contact.Source);
        if (data.AssignedAgentId is { } agent)
        {
            writer.WriteStartObject("assignedAgent");
            writer.WriteString("id", agent);
            WriteNullable(writer, "name", contact.AssignedAgentName);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull("assignedAgent");
        }

        writer.WriteStartObject("optIns");
        foreach (var channel in OptIns.Channels)
        {
            var optIn = contact.OptIn(channel);
            writer.WriteStartObject(OptIns.Name(channel));
            writer.WriteString("status", OptIns.Name(optIn.Status));
            if (optIn.SetAt is { } setAt)
            {
                writer.WriteString("setAt", setAt.ToUniversalTime());
            }
            else
            {
                writer.WriteNull("setAt");
            }

            WriteNullable(writer, "source", optIn.Source);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is null)
        {
            writer.WriteNull(name);
        }
        else
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }
}
