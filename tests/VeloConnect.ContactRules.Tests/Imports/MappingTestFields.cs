using VeloConnect.ContactRules.Fields;

namespace VeloConnect.ContactRules.Tests.Imports;

/// <summary>A workspace's custom fields as the mapping and row tests see them.</summary>
internal static class MappingTestFields
{
    public static readonly FieldDefinition LoyaltyTier = new("loyalty_tier", "Loyalty tier", FieldType.SingleSelect, ["Bronze", "Silver", "Gold"]);
    public static readonly FieldDefinition Score = new("score", "Score", FieldType.Number, []);
    public static readonly FieldDefinition Birthday = new("birthday", "Birthday", FieldType.Date, []);
    public static readonly FieldDefinition FavouriteColour = new("favourite_colour", "Favourite colour", FieldType.Text, []);
    public static readonly FieldDefinition Interests = new("interests", "Interests", FieldType.MultiSelect, ["Road", "Gravel", "MTB"]);

    public static readonly IReadOnlyList<FieldDefinition> All = [LoyaltyTier, Score, Birthday, FavouriteColour, Interests];
}
