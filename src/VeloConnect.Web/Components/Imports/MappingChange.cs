namespace VeloConnect.Web.Components.Imports;

/// <summary>The user chose a target for a column: its 0-based index and the target's value as the API names it.</summary>
public sealed record MappingChange(int Column, string Target);
