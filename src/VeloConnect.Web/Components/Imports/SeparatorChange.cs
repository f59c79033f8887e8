namespace VeloConnect.Web.Components.Imports;

/// <summary>The user chose how a Tags column's cells are split: its 0-based index and the separator (null: as the values show).</summary>
public sealed record SeparatorChange(int Column, string? Separator);
