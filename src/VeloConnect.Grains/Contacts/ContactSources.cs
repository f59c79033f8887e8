namespace VeloConnect.Grains.Contacts;

/// <summary>The sources the grains give the contacts they create (shown in the list, filterable).</summary>
public static class ContactSources
{
    /// <summary>Contacts an import creates, a wizard's or a command-line one's.</summary>
    public const string Import = "CSV import";

    /// <summary>Contacts a bulk request creates.</summary>
    public const string Api = "API";
}
